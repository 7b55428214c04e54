"""Nieuw: the documents by the date they were added, newest first, each with its main vraagstukken.

A document is listed under filters when at least one of its passages passes them, by the same rule a search
filters passages (search.filters): so /nieuw?regio=Zeeland lists what a search with regio=Zeeland would find.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from kennisbank import index
from kennisbank.index.query import Term
from kennisbank.search.facets import facet_label
from kennisbank.search.filters import filter_query
from kennisbank.store import Record, RecordStatus, Store
from kennisbank.taxonomie import load as load_taxonomie

MAIN_VRAAGSTUKKEN = 3
FACETS = {"regio": "passage_regio", "thema": "thema", "type": "type"}  # filter name -> the index field it counts


def nieuwste(engine: Any, filters: dict[str, list[str]] | None = None, offset: int = 0, limit: int = 25) -> dict:
    """Indexed documents with a passage that passes the filters, newest added first, with facets (documents per
    value) and notes on filter values that are not known."""
    fq, notes = filter_query(filters or {})
    out: dict[str, Any] = {"total": 0, "documents": [], "facets": {name: {} for name in FACETS}, "notes": notes}
    records = sorted((r for r in Store(engine.data).all() if r.status == RecordStatus.INDEXED),
                     key=lambda r: (r.added, r.id), reverse=True)
    if not records or not index.exists(engine.data):
        return out
    s = engine.searcher()
    passing = _documents(s, None, fq)
    matched = [r for r in records if r.id in passing]
    ids = {r.id for r in matched}
    for name, field in FACETS.items():  # documents per value: one count per value, not one per document
        counts: Counter = Counter()
        for value in s.facets(None, fq, (field,))[field]:
            counts[facet_label(value)] += len(ids & _documents(s, Term(field, value), fq))
        out["facets"][name] = dict(sorted(((k, n) for k, n in counts.items() if n), key=lambda kv: (-kv[1], kv[0])))
    out["total"] = len(matched)
    out["documents"] = [describe(record, s.facets(Term("document_id", record.id), None, ("thema",))["thema"])
                        for record in matched[offset:offset + limit]]
    return out


def _documents(s: Any, q: Any, fq: Any) -> set[str]:
    """The ids of the documents with a passage that q (None: any) matches within fq."""
    return set(s.facets(q, fq, ("document_id",))["document_id"])


def describe(record: Record, thema_counts: dict[Any, int]) -> dict:
    """One listed document: its record's metadata and its main vraagstukken (most passages first)."""
    tax = load_taxonomie()
    main = sorted(((facet_label(k), n) for k, n in thema_counts.items()), key=lambda kv: (-kv[1], kv[0]))
    vraagstukken = []
    for concept_id, n in main[:MAIN_VRAAGSTUKKEN]:
        concept = tax.concept_by_name("thema", concept_id)
        vraagstukken.append({"id": concept_id, "label": concept.label if concept else concept_id, "passages": n})
    return {"id": record.id, "title": record.title, "type": record.type, "region": record.region,
            "date": record.date, "added": record.added, "kind": record.kind, "pages": record.pages,
            "passages": record.passages, "vraagstukken": vraagstukken}

