"""Personal accounts in the data dir (gebruikers.json, written atomically under a lock): a role and a scrypt hash.

Roles: a `redacteur` adds, replaces and removes documents; a `beheerder` also changes the taxonomy and the accounts.
A changed password or a block gives the account a new `sleutel`, which ends the sessions made with the old one.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import StrEnum

from kennisbank.config import DataDir
from kennisbank.gegevens import logboek

MIN_LENGTH = 12
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # 16 MiB and some 50 ms per hash: slow for guessing, quick for a login
COMMON = frozenset({  # passwords of 12+ characters that lists of leaked passwords start with
    "123456789012", "1234567890123", "12345678910", "111111111111", "000000000000", "qwertyuiopas",
    "qwerty123456", "password1234", "passwordpassword", "wachtwoord12", "wachtwoord123", "wachtwoord1234",
    "wachtwoord!!", "welkom123456", "welkomwelkom", "welkom2024!!", "welkom2025!!", "welkom2026!!",
    "kennisbank123", "kennisbank2026", "administrator", "beheerder123", "iloveyou1234", "abcdefghijkl",
    "abc123abc123", "zomer2026!!!", "voorjaar2026", "letmeinletmein", "geheimgeheim", "wachtwoordwachtwoord",
})


class Rol(StrEnum):
    """What an account may do; the values are stored and shown."""

    REDACTEUR = "redacteur"  # documents: add, replace, remove; see jobs
    BEHEERDER = "beheerder"  # also the taxonomy, the accounts, the logboek and every job


class GebruikerError(ValueError):
    """A refused account change, with the reason in plain Dutch."""


@dataclass
class Gebruiker:
    """One personal account."""

    naam: str
    rol: str
    hash: str = field(repr=False)
    sleutel: str = field(default_factory=lambda: secrets.token_hex(8), repr=False)  # new: old sessions end
    geblokkeerd: bool = False
    aangemaakt: str = ""

    def public(self) -> dict:
        """The account without its hash and session key."""
        return {"naam": self.naam, "rol": self.rol, "geblokkeerd": self.geblokkeerd, "aangemaakt": self.aangemaakt}


def password_problem(password: str) -> str | None:
    """Why a password is refused, or None.

    >>> password_problem("kort"), password_problem("Welkom123456") is not None, password_problem("paars-fietsje-9")
    ('het wachtwoord is te kort: minstens 12 tekens, dit heeft er 4', True, None)
    """
    if len(password) < MIN_LENGTH:
        return f"het wachtwoord is te kort: minstens {MIN_LENGTH} tekens, dit heeft er {len(password)}"
    if password.lower() in COMMON or len(set(password)) < 4:
        return "dit wachtwoord staat op de lijst van veelgebruikte wachtwoorden; kies een ander"
    return None


def make_hash(password: str) -> str:
    """A salted scrypt hash: scrypt$n$r$p$salt$hash (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + f"{salt.hex()}${digest.hex()}"


def hash_matches(stored: str, password: str) -> bool:
    """True when password gives the stored hash; a malformed hash matches nothing."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return kind == "scrypt" and hmac.compare_digest(got.hex(), digest)


@functools.cache
def _dummy_hash() -> str:
    """A hash to check when a name is unknown, so every attempt costs the same (made once, when first needed)."""
    return make_hash("kennisbank-geen-account")


def check_name(naam: str) -> str:
    """The account name as stored (lower case); refused unless it is 2-40 letters, digits, '.', '_' or '-'."""
    clean = naam.strip().lower()
    if not _NAME_RE.fullmatch(clean):
        raise GebruikerError(f"ongeldige gebruikersnaam {naam[:40]!r}: 2 tot 40 kleine letters, cijfers, '.', '_' "
                             "of '-', te beginnen met een letter of cijfer")
    return clean


def check_role(rol: str) -> Rol:
    """The role by its name; refused for anything else."""
    try:
        return Rol(rol.strip().lower())
    except ValueError:
        raise GebruikerError(f"onbekende rol '{rol[:40]}'; kies redacteur of beheerder") from None


def all_accounts(data: DataDir) -> list[Gebruiker]:
    """Every account, by name."""
    try:
        raw = json.loads(data.gebruikers.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return sorted((Gebruiker(**g) for g in raw["gebruikers"]), key=lambda g: g.naam)


def get(data: DataDir, naam: str) -> Gebruiker | None:
    """The account with this name, or None."""
    wanted = naam.strip().lower()
    return next((g for g in all_accounts(data) if g.naam == wanted), None)


def authenticate(data: DataDir, naam: str, password: str) -> Gebruiker | None:
    """The account when the name and password are right and it is not blocked; always does one hash."""
    account = get(data, naam)
    ok = hash_matches(account.hash if account else _dummy_hash(), password)
    return account if account and ok and not account.geblokkeerd else None


@contextmanager
def _changing(data: DataDir) -> Iterator[dict[str, Gebruiker]]:
    """The accounts by name, to change in place; written atomically on leaving (under the accounts lock), owner
    only (atomic_write's temporary file is 0600)."""
    from kennisbank.store import atomic_write

    data.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(data.gebruikers_lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        accounts = {g.naam: g for g in all_accounts(data)}
        yield accounts
        payload = {"gebruikers": [asdict(g) for g in sorted(accounts.values(), key=lambda g: g.naam)]}
        atomic_write(data.gebruikers, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
    finally:
        os.close(fd)


def _existing(accounts: dict[str, Gebruiker], naam: str) -> Gebruiker:
    """The named account, or GebruikerError."""
    found = accounts.get(naam.strip().lower())
    if found is None:
        raise GebruikerError(f"er is geen gebruiker '{naam[:40]}'")
    return found


def _keep_a_beheerder(accounts: dict[str, Gebruiker], naam: str) -> None:
    """Refuse a change that leaves no unblocked beheerder among the accounts but the one named."""
    others = [g for g in accounts.values() if g.rol == Rol.BEHEERDER and not g.geblokkeerd and g.naam != naam]
    if accounts[naam].rol == Rol.BEHEERDER and not others:
        raise GebruikerError(f"'{naam}' is de laatste beheerder; maak eerst een andere gebruiker beheerder")


def _object(naam: str, *args, **kwargs) -> str:
    """The logboek's object of an account change: the account's name."""
    return naam.strip().lower()[:40]


@logboek.recorded("gebruiker toegevoegd", _object)
def add(data: DataDir, naam: str, rol: str, password: str) -> Gebruiker:
    """Make an account; refused for a taken or bad name, an unknown role or a weak password."""
    clean, role = check_name(naam), check_role(rol)
    if problem := password_problem(password):
        raise GebruikerError(problem)
    with _changing(data) as accounts:
        if clean in accounts:
            raise GebruikerError(f"gebruiker '{clean}' bestaat al")
        account = Gebruiker(clean, role, make_hash(password),
                            aangemaakt=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        accounts[clean] = account
    return account


@logboek.recorded("rol gewijzigd", _object)
def set_role(data: DataDir, naam: str, rol: str) -> Gebruiker:
    """Give an account another role; the last beheerder stays one."""
    role = check_role(rol)
    with _changing(data) as accounts:
        account = _existing(accounts, naam)
        if role != Rol.BEHEERDER:
            _keep_a_beheerder(accounts, account.naam)
        account.rol = role
    return account


@logboek.recorded("wachtwoord gewijzigd", _object)
def set_password(data: DataDir, naam: str, password: str) -> Gebruiker:
    """A new password; the account's open sessions end."""
    if problem := password_problem(password):
        raise GebruikerError(problem)
    with _changing(data) as accounts:
        account = _existing(accounts, naam)
        account.hash, account.sleutel = make_hash(password), secrets.token_hex(8)
    return account


@logboek.recorded("gebruiker geblokkeerd", _object)
def block(data: DataDir, naam: str) -> Gebruiker:
    """Block an account (its sessions end, it cannot log in); the last beheerder cannot be blocked."""
    with _changing(data) as accounts:
        account = _existing(accounts, naam)
        _keep_a_beheerder(accounts, account.naam)
        account.geblokkeerd, account.sleutel = True, secrets.token_hex(8)
    return account


@logboek.recorded("gebruiker gedeblokkeerd", _object)
def unblock(data: DataDir, naam: str) -> Gebruiker:
    """Let a blocked account log in again."""
    with _changing(data) as accounts:
        account = _existing(accounts, naam)
        account.geblokkeerd = False
    return account


@logboek.recorded("gebruiker verwijderd", _object)
def remove(data: DataDir, naam: str) -> Gebruiker:
    """Remove an account (its sessions end); the last beheerder cannot be removed."""
    with _changing(data) as accounts:
        account = _existing(accounts, naam)
        _keep_a_beheerder(accounts, account.naam)
        del accounts[account.naam]
    return account
