"""Compare proeftuinen on a vraagstuk: which regions address it, how strongly, and the passages that prove it.

The rule: a region addresses a vraagstuk when at least MIN_PASSAGES passages that *belong* to that region
(its own documents, or its own section of a multi-region document) are about it. "About it" means the
taxonomy matcher tagged the passage with the vraagstuk; for a free-text thema outside the taxonomy, that
every word of the thema (or its parts, stems and synonyms) occurs in the passage.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from kennisbank.index.query import AndMaybe, Node, Nothing, Or, Term
from kennisbank.search import highlight
from kennisbank.search.engine import Engine
from kennisbank.search.plan import QueryPlan, plan_for
from kennisbank.taxonomie import load as load_taxonomie
from kennisbank.taxonomie import with_data_layer

MIN_PASSAGES = 1
EVIDENCE = 3
RULE = ("Een regio pakt een vraagstuk op als minstens één passage die bij die regio hoort (eigen document of "
        "eigen proeftuin-sectie) over het vraagstuk gaat; noemen van de regio elders telt niet.")


def _region_names(selected: list[str] | None = None) -> list[str]:
    """Canonical region names, all or the selected ones (unknown names raise ValueError)."""
    tax = load_taxonomie()
    if not selected:
        return [r.naam for r in tax.regios]
    names = []
    for name in selected:
        regio = tax.regio_by_name(name)
        if regio is None:
            raise ValueError(f"onbekende regio '{name}'; kies uit: {', '.join(r.naam for r in tax.regios)}")
        names.append(regio.naam)
    return names


def _about(thema: str) -> tuple[Node, Any, QueryPlan]:
    """The query that says a passage is about the thema, its taxonomy concept (or None), and the ranking query."""
    concept = load_taxonomie().vraagstuk_by_name(thema)
    if concept is None:
        typed = plan_for(thema)
        return typed.all_concepts or Nothing(), None, typed
    return Term("thema", concept.id), concept, plan_for(" OR ".join(concept.termen or (concept.label,)))


def _evidence(hit: Any, concept: Any, marks: highlight.Marks) -> dict:
    """One evidence passage; for a taxonomy vraagstuk the snippet marks exactly what made the tag match."""
    text = hit["text"]
    if concept is not None:
        matches = highlight.tag_matches(text, hit.get("tags"), "thema", {concept.id})
    else:
        matches = marks.matches(text, hit.get("tags"))
    return {"document_id": hit["document_id"], "title": hit["title"], "page": hit["page"],
            "position": hit["position"], "section": hit["section"], "text": text,
            "snippet": highlight.snippet(text, matches)}


@with_data_layer
def compare(engine: Engine, thema: str, regions: list[str] | None = None) -> dict:
    """One vraagstuk across regions, with evidence; the JSON of `vergelijk --json` and /api/compare."""
    names = _region_names(regions)
    about, concept, ranking = _about(thema)
    s = engine.searcher()
    out = {"thema": thema, "vraagstuk": concept.id if concept else None,
           "label": concept.label if concept else thema, "rule": RULE, "regions": []}
    # One search for all regions, best first: the ranking query is a large OR, slow to build once per region.
    scored = AndMaybe(about, ranking.loose) if ranking.loose else about
    own: dict[str, list[Any]] = {name: [] for name in names}
    marks = highlight.Marks.of(ranking)
    for hit in s.search(scored, limit=None, filter=Or([Term("passage_regio", name) for name in names])):
        for name in hit["passage_regio"].split(","):
            if name in own:
                own[name].append(hit)
    for name in names:
        hits, count = own[name][:EVIDENCE], len(own[name])
        evidence = [_evidence(hit, concept, marks) for hit in hits]
        best = max((float(h.score or 0) for h in hits), default=0.0)
        out["regions"].append({"region": name, "addressed": count >= MIN_PASSAGES, "score": round(best, 3),
                               "passages": count, "evidence": evidence})
    return out


@with_data_layer
def evidence(engine: Engine, thema: str, regions: list[str] | None = None) -> dict:
    """Every passage that proves a region addresses the thema (the rule of `compare`), with the regions it proves
    it for; for the feed of new evidence, which lists all of it rather than the best EVIDENCE per region."""
    names = _region_names(regions)
    about, concept, ranking = _about(thema)
    marks = highlight.Marks.of(ranking)
    out = {"thema": thema, "vraagstuk": concept.id if concept else None,
           "label": concept.label if concept else thema, "rule": RULE, "passages": []}
    for hit in engine.searcher().search(about, limit=None, scored=False,
                                        filter=Or([Term("passage_regio", name) for name in names])):
        proves = [name for name in hit["passage_regio"].split(",") if name in names]
        out["passages"].append({**_evidence(hit, concept, marks), "regions": proves})
    return out


@with_data_layer
def matrix(engine: Engine, regions: list[str] | None = None) -> dict:
    """Regions x vraagstukken: passage counts per cell, counted by the index (no stored fields read)."""
    names = _region_names(regions)
    tax = load_taxonomie()
    s = engine.searcher()
    cells = []
    for concept in tax.vraagstukken:
        counts = s.facets(Term("thema", concept.id), None, ("passage_regio",))["passage_regio"]
        for name in names:
            n = counts.get(name, 0)
            cells.append({"region": name, "vraagstuk": concept.id, "passages": n, "addressed": n >= MIN_PASSAGES})
    return {"rule": RULE, "regions": names,
            "vraagstukken": [{"id": c.id, "label": c.label} for c in tax.vraagstukken], "cells": cells}


def matrix_csv(m: dict) -> str:
    """The matrix as CSV: one row per region, one column per vraagstuk (passage counts)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["regio", *[v["label"] for v in m["vraagstukken"]]])
    counts = {(c["region"], c["vraagstuk"]): c["passages"] for c in m["cells"]}
    for name in m["regions"]:
        w.writerow([name, *[counts[(name, v["id"])] for v in m["vraagstukken"]]])
    return buf.getvalue()


def compare_csv(result: dict) -> str:
    """A side-by-side view as CSV: region, addressed, passages, score and the evidence passages."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["regio", "opgepakt", "passages", "score", "document", "pagina", "sectie", "tekst"])
    for r in result["regions"]:
        for ev in r["evidence"] or [{}]:
            w.writerow([r["region"], "ja" if r["addressed"] else "nee", r["passages"], r["score"],
                        ev.get("title", ""), ev.get("page", ""), ev.get("section", ""), ev.get("text", "")])
    return buf.getvalue()
