"""Reading documents back: a document's passages in order, with their labels and why they were given."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from kennisbank import index
from kennisbank.config import DataDir
from kennisbank.store import Store


def _labels(hit: Any) -> dict[str, list[str]]:
    """Label kind -> 'label (gevonden: ...)' strings for one stored passage."""
    tags = json.loads(hit.get("tags") or "{}")
    out: dict[str, list[str]] = {"regio": [r for r in hit["passage_regio"].split(",") if r]}
    for kind in ("principe", "thema", "organisatie", "genoemd"):
        out[kind] = [f"{t['label']} (gevonden: {', '.join(repr(m) for m in t['matched'][:3])})"
                     for t in tags.get(kind, [])]
    if tags.get("werkend"):
        out["werkend"] = [f"werkend element (gevonden: {', '.join(repr(m) for m in tags['werkend'][:3])})"]
    return out


def passages_of(searcher: index.Searcher, doc_id: str) -> list[dict]:
    """All passages of one document in reading order."""
    hits = searcher.passages(doc_id)
    return [{"position": h["position"], "page": h["page"], "section": h["section"], "text": h["text"],
             "ocr": bool(h.get("ocr")), "werkend": bool(h.get("werkend")), "labels": _labels(h),
             "tags": json.loads(h.get("tags") or "{}")} for h in hits]


def document_passages(data: DataDir, doc_id: str) -> dict | None:
    """A document's record plus its passages, or None when there is no such document."""
    record = Store(data).get(doc_id)
    if record is None or not index.exists(data):
        return None
    ix = index.open_index(data, create=False)
    with index.searcher(ix) as s:
        passages = passages_of(s, doc_id)
    return {**asdict(record), "passages": passages}
