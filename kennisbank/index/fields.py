"""The fields of one indexed passage, whatever the engine: what each passage of a document becomes, and back.

Each engine indexes these values with Kennisbank's own analysis (kennisbank.analysis): `text` by its whole-word
stems (phrases and proximity), `parts` by the parts of its compounds, `heading` and `title` by stems and parts,
`exact` (text and section path) by folded words; the keyword fields (TAG_FIELDS, type, jaar, ...) as they are.
`terms` stores the text's analysed words (kennisbank.search.passage.stream), which re-ranking reads back instead
of analysing each candidate's text again.
"""
from __future__ import annotations

import json
import re
from typing import Any

from kennisbank.search.passage import stream

# Fields that hold taxonomy labels (a comma-separated list); searchable as filters and counted as facets.
TAG_FIELDS = ("passage_regio", "principe", "thema", "organisatie", "genoemd")
KEYWORD_FIELDS = ("pid", "document_id", "sha256", "type", "document_regio", "date", "jaar")  # one value each
TEXT_FIELDS = ("text", "parts", "heading", "title", "exact")  # analysed
STORED_ONLY = ("section", "tags", "terms")
LAYOUT = 2  # raise when the fields of a passage change: an index of another layout needs a rebuild
FLAGS = ("werkend", "ocr")
NUMBERS = ("page", "position")


class OtherLayout(Exception):
    """An index whose passages have other fields than these: built by another version of Kennisbank."""

_PASSAGE_ID = re.compile(r"([a-z0-9][a-z0-9-]{0,119}):(0|[1-9][0-9]{0,5})")


def passage_id(doc_id: str, position: int) -> str:
    """The stable id of a passage, the `pid` of passage_fields: "<document id>:<position>"."""
    return f"{doc_id}:{position}"


def parse_passage_id(pid: str) -> tuple[str, int] | None:
    """The document id and position of a well-formed passage id, else None.

    >>> parse_passage_id("factsheet-proeftuinen:12"), parse_passage_id("../x:1"), parse_passage_id("a:01")
    (('factsheet-proeftuinen', 12), None, None)
    """
    found = _PASSAGE_ID.fullmatch(pid)
    return (found.group(1), int(found.group(2))) if found else None


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
        "pid": passage_id(meta.id, passage.position),
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
        "terms": stream(passage.text),
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
