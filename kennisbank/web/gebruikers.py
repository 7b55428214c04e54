"""Gebruikers: the beheerder's page of personal accounts (add, change role, block, unblock, new password, remove);
the rules live in kennisbank.gegevens.gebruikers, shared with `kennisbank gebruiker`."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from kennisbank.gegevens import gebruikers
from kennisbank.web import auth, common

bp = Blueprint("gebruikers", __name__, url_prefix="/beheer/gebruikers")
ACTIONS = {  # form action: (change, what the flash says)
    "rol": (lambda data, naam, form: gebruikers.set_role(data, naam, form.get("rol", "")), "rol gewijzigd"),
    "blokkeer": (lambda data, naam, form: gebruikers.block(data, naam), "geblokkeerd; open sessies zijn beëindigd"),
    "deblokkeer": (lambda data, naam, form: gebruikers.unblock(data, naam), "kan weer inloggen"),
    "wachtwoord": (lambda data, naam, form: gebruikers.set_password(data, naam, form.get("wachtwoord", "")),
                   "nieuw wachtwoord gezet; open sessies zijn beëindigd"),
    "verwijder": (lambda data, naam, form: gebruikers.remove(data, naam), "verwijderd"),
}


def _page(problems: list[str] | None = None, values: dict | None = None, status: int = 200):
    """The accounts page, with the reasons of a refusal and the values typed."""
    accounts = gebruikers.all_accounts(common.data_dir())
    return render_template("beheer/gebruikers.html", accounts=accounts, problems=problems or [],
                           values=values or {}, roles=[r.value for r in gebruikers.Rol],
                           env_user=current_app.config.get("ADMIN_USER") if auth.env_account() else ""), status


@bp.get("")
@auth.beheerder_required
def overzicht():
    """Every account with its role and state, and a form to add one."""
    return _page()


@bp.post("/toevoegen")
@auth.beheerder_required
def toevoegen():
    """Add an account; a refusal shows the form again with the reason."""
    try:
        account = gebruikers.add(common.data_dir(), request.form.get("naam", ""), request.form.get("rol", ""),
                                 request.form.get("wachtwoord", ""))
    except gebruikers.GebruikerError as exc:
        return _page([str(exc)], {"naam": request.form.get("naam", ""), "rol": request.form.get("rol", "")}, 400)
    flash(f"Gebruiker {account.naam} toegevoegd ({account.rol}).")
    return redirect(url_for("gebruikers.overzicht"))


@bp.post("/<naam>/<actie>")
@auth.beheerder_required
def wijzigen(naam: str, actie: str):
    """One change of one account (see ACTIONS); a refusal (the last beheerder, a weak password) says why."""
    if actie not in ACTIONS:
        return _page([f"onbekende actie '{actie[:40]}'"], status=404)
    change, said = ACTIONS[actie]
    try:
        account = change(common.data_dir(), naam, request.form)
    except gebruikers.GebruikerError as exc:
        return _page([str(exc)], status=400)
    flash(f"Gebruiker {account.naam}: {said}.")
    return redirect(url_for("gebruikers.overzicht"))
