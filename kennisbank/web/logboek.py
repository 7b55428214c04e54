"""Logboek: the beheerder's view of the audit log (kennisbank.gegevens.logboek), newest first, filtered by who,
since when and action, and the same selection as CSV."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from kennisbank.gegevens import logboek
from kennisbank.web import auth, common

bp = Blueprint("logboek", __name__, url_prefix="/beheer/logboek")
PAGE = 500  # events shown on the page; the CSV has all of the selection


def _selection() -> tuple[dict[str, str], list[str], list[logboek.Gebeurtenis]]:
    """The filters from the query string, what is wrong with them, and the events they select."""
    wanted = {k: request.args.get(k, "").strip()[:100] for k in ("wie", "sinds", "actie")}
    problems = []
    since = None
    if wanted["sinds"]:
        try:
            since = logboek.check_since(wanted["sinds"])
        except ValueError as exc:
            problems.append(str(exc))
    events = logboek.read(common.data_dir(), wie=wanted["wie"] or None, sinds=since, actie=wanted["actie"] or None)
    return wanted, problems, events


@bp.get("")
@auth.beheerder_required
def overzicht():
    """The newest events of the selection."""
    wanted, problems, events = _selection()
    return render_template("beheer/logboek.html", filters=wanted, problems=problems, events=events[:PAGE],
                           total=len(events)), 400 if problems else 200


@bp.get("/logboek.csv")
@auth.beheerder_required
def csv_export():
    """The whole selection as CSV (a download)."""
    _, problems, events = _selection()
    response = Response(logboek.as_csv(events), status=400 if problems else 200, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="logboek.csv"'
    return response
