"""Who is logged in: personal accounts (kennisbank.gegevens.gebruikers) and the env-var account, the session
check at every request, the login_required and role_required guards, and a hash helper.

The env-var account (KENNISBANK_ADMIN_USER and KENNISBANK_ADMIN_PASSWORD_HASH) is a beheerder, so an existing
setup keeps working; make a hash for it with `python -m kennisbank.web.auth 'wachtwoord'` (or `flask --app
kennisbank.web wachtwoord-hash`). A session holds the account's name and `sleutel`; the role is read from the
account at every request. When the account is blocked, removed or gets a new password, the sleutel no longer
matches and the session ends at its next request.
"""
from __future__ import annotations

import functools
import getpass
import hmac
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from kennisbank.gegevens import gebruikers, logboek
from kennisbank.gegevens.gebruikers import Rol
from kennisbank.web import common
from kennisbank.web.limits import LoginLimiter

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check against when no account is set, so every attempt costs the same work."""
    return generate_password_hash("kennisbank-geen-account")


@dataclass(frozen=True)
class Ingelogd:
    """Who a session is for: an account's name, its role, and the sleutel its session was made with."""

    naam: str
    rol: str
    sleutel: str


def configured() -> bool:
    """True when an account has been set up: a personal one, or the env-var account."""
    return env_account() or bool(gebruikers.all_accounts(common.data_dir()))


def env_account() -> bool:
    """True when the env-var account is set."""
    return bool(current_app.config.get("ADMIN_USER") and current_app.config.get("ADMIN_PASSWORD_HASH"))


def _env_key() -> str:
    """The env-var account's sleutel: it changes with its password hash, which ends its sessions."""
    import hashlib

    return "env-" + hashlib.sha256((current_app.config.get("ADMIN_PASSWORD_HASH") or "").encode()).hexdigest()[:16]


def verify(user: str, password: str) -> Ingelogd | None:
    """Who logs in with this name and password: a personal account (not blocked), else the env-var account."""
    account = gebruikers.authenticate(common.data_dir(), user, password)
    env_ok = _verify_env(user, password)  # always: a personal name costs the same work as any other
    if account is not None:
        return Ingelogd(account.naam, account.rol, account.sleutel)
    if env_ok and gebruikers.get(common.data_dir(), user) is None:
        return Ingelogd(user, Rol.BEHEERDER, _env_key())
    return None


def _verify_env(user: str, password: str) -> bool:
    """True for the env-var account's name and password; always does the same hashing work."""
    want_user = current_app.config.get("ADMIN_USER") or ""
    stored = current_app.config.get("ADMIN_PASSWORD_HASH") or ""
    try:
        ok_password = check_password_hash(stored or _dummy_hash(), password)
    except (ValueError, TypeError):
        log.error("KENNISBANK_ADMIN_PASSWORD_HASH is geen geldige werkzeug-hash")
        ok_password = False
    return bool(want_user and stored) and hmac.compare_digest(user.encode(), want_user.encode()) and ok_password


def start_session(who: Ingelogd) -> None:
    """A fresh session for who."""
    session.clear()
    session.permanent = True
    session.update(beheerder=who.naam, sleutel=who.sleutel)


def _still_valid(naam: str, sleutel: str) -> Ingelogd | None:
    """The session's account as it is now, or None when it was blocked, removed or got a new password."""
    account = gebruikers.get(common.data_dir(), naam)
    if account is not None:
        ok = not account.geblokkeerd and account.sleutel == sleutel
        return Ingelogd(account.naam, account.rol, sleutel) if ok else None
    if env_account() and naam == current_app.config["ADMIN_USER"] and sleutel == _env_key():
        return Ingelogd(naam, Rol.BEHEERDER, sleutel)
    return None


def check_session() -> None:
    """Before every request: end a session whose account changed, and tell the logboek who acts from where."""
    who = None
    if session.get("beheerder"):
        who = _still_valid(session["beheerder"], session.get("sleutel", ""))
        if who is None:
            log.info("sessie van %s beëindigd (account geblokkeerd, verwijderd of nieuw wachtwoord)",
                     session["beheerder"])
            session.clear()
    g.ingelogd = who
    g.logboek_token = logboek.door(who.naam if who else "anoniem", client_key())


def end_request(exc: BaseException | None) -> None:
    """After every request: the logboek's actor as it was."""
    token = g.pop("logboek_token", None)
    if token is not None:
        logboek.einde(token)


def current() -> Ingelogd | None:
    """Who this request is from (after check_session), or None."""
    return g.get("ingelogd")


def is_beheerder() -> bool:
    """True when this request is from a beheerder."""
    who = current()
    return who is not None and who.rol == Rol.BEHEERDER


def template_names() -> dict[str, bool]:
    """What templates know of who is logged in: from the account checked at this request, not the session."""
    return {"logged_in": current() is not None, "is_beheerder": is_beheerder()}


def limiter() -> LoginLimiter:
    """The process's login limiter."""
    return common.state().limiter


def client_key() -> str:
    """Whom the rate limit counts: the client address (after ProxyFix when proxies are trusted)."""
    return request.remote_addr or "onbekend"


def login_required(view: Callable) -> Callable:
    """Views for logged-in accounts: GET goes to the login page, anything else gets 401."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current() is not None:
            return view(*args, **kwargs)
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("beheer.login", next=request.full_path.rstrip("?")))
        abort(401, description="Log eerst in.")
    return wrapped


def beheerder_required(view: Callable) -> Callable:
    """Views for beheerders only: as login_required, and a redacteur gets 403 (logged in the logboek)."""
    @functools.wraps(view)
    def checked(*args, **kwargs):
        who = current()
        if who is not None and who.rol != Rol.BEHEERDER:
            logboek.write(common.data_dir(), "toegang", f"{request.method} {request.path[:200]}",
                          logboek.Resultaat.GEWEIGERD, f"rol {who.rol}; nodig: beheerder")
            abort(403, description="Dit mag alleen een beheerder; u bent ingelogd als redacteur.")
        return view(*args, **kwargs)
    return login_required(checked)


def safe_next(target: str | None) -> str | None:
    """A local path to go to after login, or None for anything that could leave the site.

    >>> safe_next("/beheer?x=1"), safe_next("//evil.example"), safe_next("https://evil.example"), safe_next("/\\\\x")
    ('/beheer?x=1', None, None, None)
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@click.command("wachtwoord-hash")
@click.argument("password", required=False)
def hash_command(password: str | None) -> None:
    """Print a password hash for KENNISBANK_ADMIN_PASSWORD_HASH."""
    click.echo(make_hash(password or getpass.getpass("Wachtwoord: ")))


def make_hash(password: str) -> str:
    """A werkzeug password hash; refuses passwords shorter than 10 characters."""
    if len(password) < 10:
        raise click.UsageError("kies een wachtwoord van minstens 10 tekens")
    return generate_password_hash(password)


def main(argv: list[str] | None = None) -> int:
    """`python -m kennisbank.web.auth [wachtwoord]` prints a hash."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        print(make_hash(argv[0] if argv else getpass.getpass("Wachtwoord: ")))
    except click.UsageError as exc:
        print(f"kennisbank: {exc.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
