"""Beheer: log in, list documents, add (with an optional check of the inferred metadata), replace, remove; and the
taxonomy: list, add, edit, remove entries, the log of changes with undo."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from indexer.model import DOCUMENT_TYPES
from kennisbank import documents, jobs
from kennisbank.config import DataDir
from kennisbank.gegevens import gebruikers, logboek
from kennisbank.store import Store
from kennisbank.taxonomie import TaxonomieError
from kennisbank.taxonomie import beheer as taxonomie_beheer
from kennisbank.taxonomie.checks import usage as taxonomie_usage
from kennisbank.web import auth, common, uploads

log = logging.getLogger(__name__)
bp = Blueprint("beheer", __name__, url_prefix="/beheer")


def _form_context(**extra) -> dict:
    """What every upload form needs: the choices for type and regio."""
    return {"types": DOCUMENT_TYPES, "region_names": [r.naam for r in common.taxonomie().regios], **extra}


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    """The login form; at most LOGIN_MAX_FAILURES failures per address per window."""
    next_url = auth.safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("beheer/login.html", next=next_url, configured=auth.configured())
    limiter, key = auth.limiter(), auth.client_key()
    wait = limiter.retry_after(key)
    if wait:
        log.warning("inloggen geblokkeerd voor %s (%d s)", key, wait)
        logboek.write(common.data_dir(), "inloggen", request.form.get("gebruiker", "")[:40],
                      logboek.Resultaat.GEWEIGERD, "te veel mislukte pogingen")
        abort(429, description=f"Te veel mislukte pogingen; probeer het over {wait // 60 + 1} minuten opnieuw.",
              retry_after=wait)
    user = request.form.get("gebruiker", "")[:100]
    who = auth.verify(user, request.form.get("wachtwoord", ""))
    if who is None:
        limiter.fail(key)
        log.warning("mislukte inlogpoging vanaf %s", key)
        logboek.write(common.data_dir(), "inloggen", user[:40], logboek.Resultaat.MISLUKT,
                      "geblokkeerd" if _blocked(user) else "onbekende naam of verkeerd wachtwoord", wie=user[:40])
        return render_template("beheer/login.html", next=next_url, configured=auth.configured(),
                               error="Onbekende gebruikersnaam of verkeerd wachtwoord."), 401
    limiter.reset(key)
    auth.start_session(who)
    log.info("%s %s ingelogd", who.rol, who.naam)
    logboek.write(common.data_dir(), "inloggen", who.naam, wie=who.naam)
    return redirect(next_url or url_for("beheer.overzicht"))


def _blocked(user: str) -> bool:
    """True when the name is that of a blocked account."""
    account = gebruikers.get(common.data_dir(), user)
    return account is not None and account.geblokkeerd


@bp.post("/uitloggen")
def logout():
    """End the session."""
    session.clear()
    flash("U bent uitgelogd.")
    return redirect(url_for("zoeken.index"))


@bp.get("")
@auth.login_required
def overzicht():
    """All documents with links to replace or remove them, and what `check` finds."""
    data = common.data_dir()
    problems = documents.check(data) if common.has_index() else []
    return render_template("beheer/beheer.html", records=Store(data).all(), problems=problems)


@bp.route("/toevoegen", methods=["GET", "POST"])
@auth.login_required
def toevoegen():
    """Upload files; 'controleren' shows the inferred metadata first, otherwise they are added at once."""
    if request.method == "GET":
        return render_template("beheer/toevoegen.html", **_form_context(values={}))
    files = [(uploads.clean_filename(f.filename), f.read()) for f in request.files.getlist("bestanden") if f.filename]
    overrides, problems = uploads.read_fields(request.form)
    if not files:
        problems.append("kies minstens één bestand")
    if len(files) > 1 and "title" in overrides:
        problems.append("een titel geldt voor één bestand; laat hem leeg of gebruik 'Eerst controleren'")
    if problems:
        return render_template("beheer/toevoegen.html", **_form_context(values=request.form, problems=problems)), 400
    if request.form.get("actie") == "controleren":
        token = uploads.stage(common.data_dir(), files)
        previews = [{**uploads.inferred(content, name), **overrides} for name, content in files]
        return render_template("beheer/controleren.html", token=token, previews=previews, **_form_context())
    outcomes = [uploads.add_upload(common.data_dir(), content, name, overrides) for name, content in files]
    return render_template("beheer/resultaat.html", outcomes=outcomes), (200 if any(o.ok for o in outcomes) else 422)


def _staged() -> tuple[DataDir, str, list[tuple[str, bytes]]]:
    """The data dir, the form's upload token and the files staged under it; 400 when the upload is gone."""
    data, token = common.data_dir(), request.form.get("token", "")
    files = uploads.staged(data, token)
    if files is None:
        abort(400, description="Deze upload is verlopen of onbekend; voeg de bestanden opnieuw toe.")
    return data, token, files


@bp.post("/toevoegen/bevestigen")
@auth.login_required
def bevestigen():
    """Add the staged files with the metadata as checked and edited on the preview page."""
    data, token, files = _staged()
    fields = [uploads.read_fields(request.form, f"-{i}") for i in range(len(files))]
    problems = [f"{files[i][0]}: {p}" for i, (_, ps) in enumerate(fields) for p in ps]
    if problems:
        previews = [{"filename": name, **{f: request.form.get(f"{f}-{i}", "") for f in uploads.FIELDS}}
                    for i, (name, _) in enumerate(files)]
        return render_template("beheer/controleren.html", token=token, previews=previews, problems=problems,
                               **_form_context()), 400
    outcomes = [uploads.add_upload(data, content, name, overrides)
                for (name, content), (overrides, _) in zip(files, fields)]
    uploads.unstage(data, token)
    return render_template("beheer/resultaat.html", outcomes=outcomes), (200 if any(o.ok for o in outcomes) else 422)


@bp.post("/toevoegen/nieuwe-regio")
@auth.beheerder_required
def nieuwe_regio():
    """From the preview: add a region the text names (one click), then the preview again, with the edits kept."""
    data, token, files = _staged()
    position, _, name = request.form.get("nieuwe_regio", "").partition("|")
    problems = []
    try:
        flash(f"Toegevoegd: {taxonomie_beheer.add(data, 'regio', name, _wie()).wat}.")
    except TaxonomieError as exc:
        problems.append(str(exc))
    previews = []
    for i, (filename, content) in enumerate(files):
        posted = {f: request.form.get(f"{f}-{i}", "") for f in uploads.FIELDS}
        preview = {**uploads.inferred(content, filename), **{k: v for k, v in posted.items() if v}}
        if not problems and position == str(i) and not posted["region"]:
            preview["region"] = name
        previews.append(preview)
    return render_template("beheer/controleren.html", token=token, previews=previews, problems=problems,
                           **_form_context()), 400 if problems else 200


@bp.route("/<doc_id>/vervangen", methods=["GET", "POST"])
@auth.login_required
def vervangen(doc_id: str):
    """A new file (or none: the stored original) and edited metadata for an existing document id."""
    data = common.data_dir()
    store = Store(data)
    record = store.get(doc_id)
    if record is None:
        abort(404, description=f"Er is geen document met id '{doc_id[:120]}'.")
    if request.method == "GET":
        values = {"title": record.title, "type": record.type, "region": record.region, "date": record.date}
        return render_template("beheer/vervangen.html", record=record, **_form_context(values=values))
    overrides, problems = uploads.read_fields(request.form)
    upload = request.files.get("bestand")
    if problems:
        return render_template("beheer/vervangen.html", record=record,
                               **_form_context(values=request.form, problems=problems)), 400
    if upload and upload.filename:
        name, content = uploads.clean_filename(upload.filename), upload.read()
    else:
        name, content = record.filename, store.read_original(record)
    outcome = uploads.add_upload(data, content, name, {**overrides, "id": record.id})
    return render_template("beheer/resultaat.html", outcomes=[outcome]), (200 if outcome.ok else 422)


@bp.route("/<doc_id>/verwijderen", methods=["GET", "POST"])
@auth.login_required
def verwijderen(doc_id: str):
    """Ask for confirmation (GET), then remove the document from the store and the index (POST)."""
    data = common.data_dir()
    record = Store(data).get(doc_id)
    if record is None:
        abort(404, description=f"Er is geen document met id '{doc_id[:120]}'.")
    if request.method == "GET":
        return render_template("beheer/verwijderen.html", record=record)
    documents.remove(data, doc_id)
    log.info("document %s verwijderd door %s", doc_id, session.get("beheerder"))
    flash(f"Verwijderd: {record.title}")
    return redirect(url_for("beheer.overzicht"))


# --- the taxonomy: list, add, edit, remove, undo (logic in kennisbank.taxonomie.beheer) ---

def _wie() -> str:
    """Who makes a change, for the taxonomy's log."""
    return f"{session.get('beheerder')} (web)"


def _lists(form) -> dict[str, list[str]]:
    """The list fields of a taxonomy form: one value per line."""
    return {f: [line.strip() for line in form.get(f, "").splitlines() if line.strip()]
            for f in taxonomie_beheer.LIST_FIELDS if f in form}


def _taxonomie_page(problems: list[str] | None = None, values: dict | None = None, status: int = 200):
    """The taxonomy overview with the add forms, the log and the newest re-tag job."""
    data = common.data_dir()
    retag = next((j.as_dict() for j in reversed(jobs.all_jobs(data)) if j.task == jobs.JobTask.RETAG), None)
    return render_template("beheer/taxonomie.html", tax=common.taxonomie(), problems=problems or [],
                           values=values or {}, history=list(reversed(taxonomie_beheer.history(data))),
                           retag=retag), status


@bp.get("/taxonomie")
@auth.beheerder_required
def taxonomie_overzicht():
    """Regio's, vraagstukken and organisaties, with forms to add them and the log of changes."""
    return _taxonomie_page()


@bp.post("/taxonomie/toevoegen")
@auth.beheerder_required
def taxonomie_toevoegen():
    """Add a regio, vraagstuk or organisatie; a refusal shows the form again with the reason."""
    kind = request.form.get("soort", "")
    if kind not in taxonomie_beheer.KINDS:
        abort(400, description="Kies een regio, vraagstuk of organisatie.")
    try:
        change = taxonomie_beheer.add(common.data_dir(), kind, request.form.get("naam", ""), _wie(),
                                      **_lists(request.form))
    except TaxonomieError as exc:
        return _taxonomie_page([str(exc)], {"soort": kind, **request.form}, 400)
    flash(f"Toegevoegd: {change.wat}. De labels van de passages worden op de achtergrond bijgewerkt.")
    return redirect(url_for("beheer.taxonomie_overzicht"))


@bp.route("/taxonomie/<kind>/<ident>/wijzigen", methods=["GET", "POST"])
@auth.beheerder_required
def taxonomie_wijzigen(kind: str, ident: str):
    """Edit an entry: its name and its lists (one per line)."""
    entry = _entry(kind, ident)
    if request.method == "GET":
        return render_template("beheer/taxonomie_wijzigen.html", kind=kind, entry=entry, problems=[])
    try:
        change = taxonomie_beheer.edit(common.data_dir(), kind, ident, _wie(), request.form.get("naam"),
                                       **_lists(request.form))
    except TaxonomieError as exc:
        return render_template("beheer/taxonomie_wijzigen.html", kind=kind, entry=entry, problems=[str(exc)]), 400
    flash(f"Gewijzigd: {change.wat}.")
    return redirect(url_for("beheer.taxonomie_overzicht"))


@bp.route("/taxonomie/<kind>/<ident>/verwijderen", methods=["GET", "POST"])
@auth.beheerder_required
def taxonomie_verwijderen(kind: str, ident: str):
    """Ask (with the documents that use it), then remove; in use, only with 'toch verwijderen'."""
    entry, data = _entry(kind, ident), common.data_dir()
    used = taxonomie_usage(data, common.taxonomie(), kind, entry)
    if request.method == "GET":
        return render_template("beheer/taxonomie_verwijderen.html", kind=kind, entry=entry, used=used, problems=[])
    try:
        change = taxonomie_beheer.remove(data, kind, ident, _wie(), force=request.form.get("toch") == "ja")
    except TaxonomieError as exc:
        return render_template("beheer/taxonomie_verwijderen.html", kind=kind, entry=entry, used=used,
                               problems=[str(exc)]), 409
    flash(f"Verwijderd: {change.wat}.")
    return redirect(url_for("beheer.taxonomie_overzicht"))


@bp.post("/taxonomie/ongedaan-maken")
@auth.beheerder_required
def taxonomie_ongedaan():
    """Undo the newest change of the taxonomy."""
    try:
        change = taxonomie_beheer.undo(common.data_dir(), _wie())
    except TaxonomieError as exc:
        return _taxonomie_page([str(exc)], status=400)
    flash(f"{change.wat[0].upper()}{change.wat[1:]}.")
    return redirect(url_for("beheer.taxonomie_overzicht"))


def _entry(kind: str, ident: str):
    """The entry of a kind by its id, or 404."""
    found = common.taxonomie().entry(kind, ident) if kind in taxonomie_beheer.KINDS else None
    if found is None or found.id != ident:
        abort(404, description=f"Er is geen {kind[:20]} met id '{ident[:120]}'.")
    return found
