"""The whoosh schema of a passage: the fields of kennisbank.index.fields with the analysis chains as analyzers."""
from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kennisbank.analysis import exact_analyzer, parts_analyzer, text_analyzer, whole_analyzer
from kennisbank.index.whoosh_engine.analyzers import whoosh_analyzer


def make_schema() -> Schema:
    """The schema of one passage."""
    return Schema(
        pid=ID(stored=True, unique=True),
        document_id=ID(stored=True),
        sha256=ID(stored=True),
        title=TEXT(analyzer=whoosh_analyzer(text_analyzer()), stored=True),
        type=ID(stored=True),
        document_regio=ID(stored=True),  # the region of the whole document (its metadata)
        date=ID(stored=True),
        jaar=ID(stored=True),
        page=NUMERIC(stored=True),
        position=NUMERIC(stored=True, sortable=True),
        section=STORED(),  # the whole section path, for display and diversity
        heading=TEXT(analyzer=whoosh_analyzer(text_analyzer()), stored=True),  # headings a passage opens with
        text=TEXT(analyzer=whoosh_analyzer(whole_analyzer()), stored=True, phrase=True),  # whole words, stemmed
        parts=TEXT(analyzer=whoosh_analyzer(parts_analyzer()), phrase=False),  # parts of compounds: weaker
        exact=TEXT(analyzer=whoosh_analyzer(exact_analyzer()), phrase=True),
        passage_regio=KEYWORD(stored=True, commas=True, scorable=False),  # the region(s) the passage belongs to
        principe=KEYWORD(stored=True, commas=True, scorable=False),
        thema=KEYWORD(stored=True, commas=True, scorable=False),
        organisatie=KEYWORD(stored=True, commas=True, scorable=False),
        genoemd=KEYWORD(stored=True, commas=True, scorable=False),
        werkend=BOOLEAN(stored=True),
        ocr=BOOLEAN(stored=True),
        tags=STORED(),
        terms=STORED(),  # the text's analysed words, for re-ranking (kennisbank.search.passage.stream)
    )
