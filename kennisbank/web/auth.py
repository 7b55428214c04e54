"""The one beheer account: password check, login rate limit, the login_required guard, and a hash helper.

Make a password hash with `python -m kennisbank.web.auth 'wachtwoord'` (or `flask --app kennisbank.web
wachtwoord-hash`) and put it in KENNISBANK_ADMIN_PASSWORD_HASH, the user name in KENNISBANK_ADMIN_USER.
"""
from __future__ import annotations

import functools
import getpass
import hmac
import logging
import sys
from collections.abc import Callable

import click
from flask import abort, current_app, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from kennisbank.web import common
from kennisbank.web.limits import LoginLimiter

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check against when no account is set, so every attempt costs the same work."""
    return generate_password_hash("kennisbank-geen-account")


def configured() -> bool:
    """True when an account has been set up."""
    return bool(current_app.config.get("ADMIN_USER") and current_app.config.get("ADMIN_PASSWORD_HASH"))


def verify(user: str, password: str) -> bool:
    """True for the configured user name and password; always does the same hashing work."""
    want_user = current_app.config.get("ADMIN_USER") or ""
    stored = current_app.config.get("ADMIN_PASSWORD_HASH") or ""
    try:
        ok_password = check_password_hash(stored or _dummy_hash(), password)
    except (ValueError, TypeError):
        log.error("KENNISBANK_ADMIN_PASSWORD_HASH is geen geldige werkzeug-hash")
        ok_password = False
    return bool(want_user and stored) and hmac.compare_digest(user.encode(), want_user.encode()) and ok_password


def limiter() -> LoginLimiter:
    """The process's login limiter."""
    return common.state().limiter


def client_key() -> str:
    """Whom the rate limit counts: the client address (after ProxyFix when proxies are trusted)."""
    return request.remote_addr or "onbekend"


def login_required(view: Callable) -> Callable:
    """Views for the beheerder only: GET goes to the login page, anything else gets 401."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if session.get("beheerder"):
            return view(*args, **kwargs)
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("beheer.login", next=request.full_path.rstrip("?")))
        abort(401, description="Log eerst in als beheerder.")
    return wrapped


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
