"""The fields of one indexed passage, and the one place that turns a document's passages into index entries."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kennisbank.analysis import exact_analyzer, parts_analyzer, text_analyzer, whole_analyzer
from kennisbank.index.analyzers import whoosh_analyzer

# Fields that hold taxonomy labels; searchable as filters and counted as facets.
TAG_FIELDS = ("passage_regio", "principe", "thema", "organisatie", "genoemd")


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
    )


def passage_fields(meta: Any, sha: str, passage: Any) -> dict[str, Any]:
    """The stored and indexed fields of one passage of a document; its id is "<document id>:<position>"."""
    section = " › ".join(passage.section)
    tags = {
        "principe": [t.__dict__ for t in passage.principes],
        "thema": [t.__dict__ for t in passage.themas],
        "organisatie": [t.__dict__ for t in passage.organisaties],
        "genoemd": [t.__dict__ for t in passage.genoemd],
        "werkend": list(passage.werkend),
    }
    return {
        "pid": f"{meta.id}:{passage.position}",
        "document_id": meta.id,
        "sha256": sha,
        "title": meta.title,
        "type": meta.type,
        "document_regio": meta.region,
        "date": meta.date,
        "jaar": meta.year,
        "page": passage.page,
        "position": passage.position,
        "section": section,
        "heading": " / ".join(passage.headings),
        "text": passage.text,
        "parts": passage.text,
        "exact": f"{passage.text}\n{section}",
        "passage_regio": ",".join(passage.regio),
        "principe": ",".join(t.id for t in passage.principes),
        "thema": ",".join(t.id for t in passage.themas),
        "organisatie": ",".join(t.id for t in passage.organisaties),
        "genoemd": ",".join(t.id for t in passage.genoemd),
        "werkend": bool(passage.werkend),
        "ocr": passage.ocr,
        "tags": json.dumps(tags, ensure_ascii=False),
    }


def stored_passage(fields: dict[str, Any]) -> tuple[Any, str, Any]:
    """The metadata, sha256 and untagged passage that passage_fields made these stored fields from (re-tagging
    writes them again with new tags, without reading the original); needs an index that stores `heading`."""
    from indexer.model import Metadata, Passage

    meta = Metadata(fields["document_id"], fields["title"], fields["type"], fields["document_regio"], fields["date"])
    section = tuple(fields["section"].split(" › ")) if fields["section"] else ()
    heading = fields.get("heading", "")
    passage = Passage(fields["position"], fields["page"], section, fields["text"], bool(fields.get("ocr")),
                      (heading,) if heading else ())
    return meta, fields["sha256"], passage


def stores_headings(ix: Any) -> bool:
    """Whether an index keeps what stored_passage needs (indexes before re-tagging existed did not keep headings)."""
    return bool(ix.schema["heading"].stored)


def write_passages(writer: Any, meta: Any, sha: str, passages: Iterable[Any]) -> int:
    """Add every passage of one document to an open whoosh writer; return how many."""
    count = 0
    for passage in passages:
        writer.add_document(**passage_fields(meta, sha, passage))
        count += 1
    return count
