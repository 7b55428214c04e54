"""Nieuw: what has been added, newest first, with the search page's filters."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from kennisbank.nieuw import nieuwste
from kennisbank.web import common

bp = Blueprint("nieuw", __name__)
PAGE_SIZE = 25


@bp.get("/nieuw")
def overzicht():
    """Documents by date added (25 a page) with type, region, date and main vraagstukken; regio/thema/type filters."""
    filters = common.filters_from(request.args)
    page = common.page_number(request.args.get("pagina"))
    if page is None:
        abort(400, description=f"Ongeldig paginanummer: kies 1 tot en met {common.MAX_PAGE}.")
    listing = common.with_engine(nieuwste, filters, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return render_template("nieuw/nieuw.html", listing=listing, filters=filters, page=page, page_size=PAGE_SIZE,
                           endpoint="nieuw.overzicht")
