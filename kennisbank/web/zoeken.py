"""Zoeken: the search page and /api/search."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from kennisbank.config import yes_no
from kennisbank.web import common

bp = Blueprint("zoeken", __name__)
MAX_API_LIMIT = 100
MAX_API_OFFSET = 10_000


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
