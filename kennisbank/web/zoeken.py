"""Zoeken: the search page, its CSV export and /api/search."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, jsonify, render_template, request

from kennisbank.analysis import slugify
from kennisbank.config import yes_no
from kennisbank.spreadsheet import safe_cell
from kennisbank.web import common
from kennisbank.web.atom import plain

bp = Blueprint("zoeken", __name__)
MAX_API_LIMIT = 100
MAX_API_OFFSET = 10_000
MAX_CSV_ROWS = 500
CSV_FIELDS = ("passage_id", "document_id", "title", "type", "region", "date", "page", "section", "position",
              "regio", "werkend", "ocr", "score", "url", "page_url", "source_url", "snippet", "text")


@bp.get("/")
def index():
    """One search box; hits with facets and filters once there is a query or a filter."""
    q = request.args.get("q", "").strip()
    filters = common.filters_from(request.args)
    page = common.page_number(request.args.get("pagina"))
    if page is None:
        abort(400, description=f"Ongeldig paginanummer: kies 1 tot en met {common.MAX_PAGE}.")
    answer = None
    if q or filters:
        answer = common.search(q, common.PAGE_SIZE, (page - 1) * common.PAGE_SIZE, filters)
    return render_template("zoeken/zoeken.html", q=q, filters=filters, answer=answer, page=page,
                           page_size=common.PAGE_SIZE, endpoint="zoeken.index", has_index=common.has_index())


@bp.get("/zoeken.csv")
def zoeken_csv():
    """The hits of a search (same syntax and filters, the first `limit`, at most 500) as a CSV download for Excel."""
    q = request.args.get("q", "").strip()
    filters = common.filters_from(request.args)
    limit, problem = bounded_int(request.args.get("limit"), "limit", MAX_CSV_ROWS, 1, MAX_CSV_ROWS)
    if problem or not (q or filters):
        abort(400, description=problem or "Geef een zoekvraag (q=…) of een filter mee, zoals op de zoekpagina.")
    answer = common.search(q, limit, 0, filters, facets=False)
    name = f"zoeken-{slugify(q)[:60] if q else 'filters'}.csv"
    return Response(hits_csv(answer["hits"]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def hits_csv(hits: list[dict]) -> str:
    """Hits as CSV the way Dutch Excel opens it: a UTF-8 byte order mark, semicolons, decimal commas, ja/nee,
    snippets as plain text, and no cell that a spreadsheet would run as a formula.

    >>> rows = hits_csv([{"passage_id": "a:1", "title": "-1+1", "score": 2.5, "werkend": True, "regio": ["X", "Y"]}])
    >>> rows.startswith("\\ufeffpassage_id;document_id;"), rows.splitlines()[1]
    (True, "a:1;;'-1+1;;;;;;;X, Y;ja;;2,5;;;;;")
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(CSV_FIELDS)
    for hit in hits:
        writer.writerow([_cell(field, hit.get(field, "")) for field in CSV_FIELDS])
    return "\ufeff" + buf.getvalue()


def _cell(field: str, value: object) -> str:
    """One value as a spreadsheet cell."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    text = plain(str(value)) if field == "snippet" else str(value)
    return safe_cell(text)


@bp.get("/api/search")
def api_search():
    """The engine's JSON for a query; 400 with a reason for a bad limit or offset."""
    limit, problem = bounded_int(request.args.get("limit"), "limit", 10, 1, MAX_API_LIMIT)
    offset, problem2 = bounded_int(request.args.get("offset"), "offset", 0, 0, MAX_API_OFFSET)
    if problem or problem2:
        abort(400, description=problem or problem2)
    explain = yes_no(request.args.get("explain")) is True
    answer = common.search(request.args.get("q", ""), limit, offset, common.filters_from(request.args), explain)
    return jsonify(answer)


def bounded_int(raw: str | None, name: str, default: int, low: int, high: int) -> tuple[int, str]:
    """An integer argument within bounds, or the default plus the reason it is not acceptable.

    >>> bounded_int("5", "limit", 10, 1, 100), bounded_int(None, "limit", 10, 1, 100)
    ((5, ''), (10, ''))
    >>> bounded_int("0", "limit", 10, 1, 100)[1], bounded_int("x", "offset", 0, 0, 9)[1]
    ('limit moet tussen 1 en 100 liggen (gekregen: 0)', "offset moet een geheel getal zijn (gekregen: 'x')")
    """
    raw = (raw or "").strip()
    if raw == "":
        return default, ""
    try:
        value = int(raw)
    except ValueError:
        return default, f"{name} moet een geheel getal zijn (gekregen: {raw[:20]!r})"
    if not low <= value <= high:
        return default, f"{name} moet tussen {low} en {high} liggen (gekregen: {value})"
    return value, ""
