"""Vergelijken: the regions x vraagstukken heat map, side-by-side views, CSV export and the compare API."""
from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort, jsonify, render_template, request

from kennisbank import vergelijk
from kennisbank.analysis import slugify
from kennisbank.index.query import And, Term
from kennisbank.search import highlight
from kennisbank.web import common

bp = Blueprint("vergelijken", __name__)
MIN_REGIONS, MAX_REGIONS = 2, 4
MAX_THEMA_CHARS = 200


def arguments() -> tuple[str, list[str]]:
    """The thema and the chosen regions from the query string."""
    thema = request.args.get("thema", "").strip()[:MAX_THEMA_CHARS]
    regions = list(dict.fromkeys(r.strip() for r in request.args.getlist("regio") if r.strip()))
    return thema, regions[:20]


@bp.get("/vergelijk")
def vergelijk_page():
    """The matrix; one vraagstuk side by side (thema=); or 2-4 regions across all vraagstukken (regio=)."""
    thema, regions = arguments()
    tax = common.taxonomie()
    context = {"thema": thema, "regions": regions, "all_regions": [r.naam for r in tax.regios],
               "vraagstukken": tax.vraagstukken, "has_index": common.has_index(), "rule": vergelijk.RULE}
    if not context["has_index"]:
        return render_template("vergelijken/vergelijk.html", mode="leeg", **context)
    try:
        if thema:
            result = common.with_engine(vergelijk.compare, thema, regions or None)
            return render_template("vergelijken/vergelijk.html", mode="thema", result=result, **context)
        if len(regions) > MAX_REGIONS:
            abort(400, description=f"Kies {MIN_REGIONS} tot {MAX_REGIONS} regio's om naast elkaar te zetten.")
        if len(regions) >= MIN_REGIONS:
            rows = common.with_engine(regions_side_by_side, regions)
            return render_template("vergelijken/vergelijk.html", mode="regios", rows=rows, **context)
        m = common.with_engine(vergelijk.matrix, regions or None)
    except ValueError as exc:
        abort(400, description=str(exc))
    return render_template("vergelijken/vergelijk.html", mode="matrix", matrix=heat_map(m), **context)


@bp.get("/vergelijk.csv")
def vergelijk_csv():
    """The side-by-side view (with thema=) or the matrix as a CSV download."""
    thema, regions = arguments()
    if not common.has_index():
        abort(404, description="De index is nog leeg: er is niets te vergelijken.")
    try:
        if thema:
            body = vergelijk.compare_csv(common.with_engine(vergelijk.compare, thema, regions or None))
            name = f"vergelijking-{slugify(thema)[:60]}.csv"
        else:
            body = vergelijk.matrix_csv(common.with_engine(vergelijk.matrix, regions or None))
            name = "vergelijking-matrix.csv"
    except ValueError as exc:
        abort(400, description=str(exc))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/api/compare")
def api_compare():
    """One vraagstuk (or free-text thema) across regions; 400 without thema or with an unknown region."""
    thema, regions = arguments()
    if not thema:
        abort(400, description="geef een thema mee, bijv. /api/compare?thema=klantreis")
    if not common.has_index():
        abort(503, description="de index is nog leeg: voeg eerst documenten toe")
    try:
        return jsonify(common.with_engine(vergelijk.compare, thema, regions or None))
    except ValueError as exc:
        abort(400, description=str(exc))


@bp.get("/api/matrix")
def api_matrix():
    """Regions x vraagstukken passage counts."""
    _, regions = arguments()
    if not common.has_index():
        abort(503, description="de index is nog leeg: voeg eerst documenten toe")
    try:
        return jsonify(common.with_engine(vergelijk.matrix, regions or None))
    except ValueError as exc:
        abort(400, description=str(exc))


def heat_map(m: dict) -> dict:
    """The matrix as table rows: one per vraagstuk, one cell per region with its count and shade."""
    counts = {(c["region"], c["vraagstuk"]): c for c in m["cells"]}
    highest = max((c["passages"] for c in m["cells"]), default=0)
    rows = []
    for v in m["vraagstukken"]:
        cells = [{**counts[(region, v["id"])], "level": common.heat_level(counts[(region, v["id"])]["passages"],
                                                                           highest)}
                 for region in m["regions"]]
        rows.append({"id": v["id"], "label": v["label"], "cells": cells,
                     "addressed": sum(c["addressed"] for c in cells)})
    return {**m, "rows": rows, "highest": highest}


def regions_side_by_side(engine, regions: list[str]) -> list[dict]:
    """Per vraagstuk the chosen regions side by side, each with its most strongly tagged passage.

    Counts come from vergelijk.matrix (the same rule as everywhere); the evidence is picked from stored tags
    instead of running vergelijk.compare per vraagstuk, which would take seconds for 26 vraagstukken.
    """
    m = vergelijk.matrix(engine, regions)
    counts = {(c["region"], c["vraagstuk"]): c for c in m["cells"]}
    searcher = engine.searcher()
    rows = []
    for v in m["vraagstukken"]:
        cells = []
        for region in m["regions"]:
            cell = counts[(region, v["id"])]
            best = best_passage(searcher, v["id"], region) if cell["addressed"] else None
            cells.append({**cell, "evidence": [best] if best else []})
        rows.append({"id": v["id"], "label": v["label"], "regions": cells, "any": any(c["addressed"] for c in cells)})
    return rows


def best_passage(searcher, vraagstuk: str, region: str) -> dict | None:
    """The region's passage with the most distinct words that tagged it with the vraagstuk, those words marked."""
    best, best_key, best_words = None, None, []
    for hit in searcher.search(And([Term("thema", vraagstuk), Term("passage_regio", region)]), limit=None,
                               scored=False):
        tags = json.loads(hit.get("tags") or "{}").get("thema", [])
        words = next((t.get("matched", []) for t in tags if t.get("id") == vraagstuk), [])
        key = (len({w.lower() for w in words}), -hit["position"])
        if best_key is None or key > best_key:
            best, best_key, best_words = hit, key, words
    if best is None:
        return None
    return {"document_id": best["document_id"], "title": best["title"], "page": best["page"],
            "section": best["section"], "position": best["position"], "text": best["text"],
            "snippet": highlight.snippet(best["text"], marks(best["text"], best_words))}


def marks(text: str, words: list[str]) -> list[highlight.Match]:
    """Non-overlapping case-insensitive occurrences of the given words in a text.

    >>> [(m.start, m.surface) for m in marks("Een Klantreis en de klantreis.", ["klantreis"])]
    [(4, 'Klantreis'), (20, 'klantreis')]
    """
    found: list[highlight.Match] = []
    for word in sorted(set(words), key=len, reverse=True):
        for hit in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
            if all(hit.end() <= m.start or hit.start() >= m.end for m in found):
                found.append(highlight.Match(hit.start(), hit.end(), hit.group(0), word.lower()))
    return sorted(found, key=lambda m: m.start)
