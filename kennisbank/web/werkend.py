"""Werkende elementen: passages flagged as what works, filterable by vraagstuk and regio."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from kennisbank.web import common

bp = Blueprint("werkend", __name__)


@bp.get("/werkende-elementen")
def werkende_elementen():
    """A search restricted to werkend=ja; optional words and thema/regio filters."""
    q = request.args.get("q", "").strip()
    filters = common.filters_from(request.args)
    filters.pop("werkend", None)
    page = common.page_number(request.args.get("pagina"))
    if page is None:
        abort(400, description=f"Ongeldig paginanummer: kies 1 tot en met {common.MAX_PAGE}.")
    answer = None
    if common.has_index():
        answer = common.search(q, common.PAGE_SIZE, (page - 1) * common.PAGE_SIZE, {**filters, "werkend": ["ja"]})
        answer["facets"].pop("werkend", None)
    return render_template("werkend/werkend.html", q=q, filters=filters, answer=answer, page=page,
                           page_size=common.PAGE_SIZE, endpoint="werkend.werkende_elementen")
