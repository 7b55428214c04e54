"""The audit log (logboek): append-only, one JSON line per event in data/logboek.jsonl; never edited by the app.

Each event has the time, who (an account, or cli:<os user> for the command line), the action, its object, the
client address and the result (gelukt, mislukt or geweigerd). Who and the address come from `door`, which the
CLI sets once and the web app per request; the keepers of the data dir write the events of their own writes.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
import unicodedata
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any, TypeVar

from kennisbank.config import DataDir
from kennisbank.spreadsheet import safe_cell

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
_door: ContextVar[tuple[str, str]] = ContextVar("logboek_door", default=("systeem", ""))


class Resultaat(StrEnum):
    """How an event ended; the values are stored and shown."""

    GELUKT = "gelukt"
    MISLUKT = "mislukt"
    GEWEIGERD = "geweigerd"  # refused for lack of role


@dataclass(frozen=True)
class Gebeurtenis:
    """One line of the logboek."""

    tijd: str
    wie: str
    actie: str
    object: str
    adres: str
    resultaat: str
    reden: str = ""


def door(wie: str, adres: str = "") -> Token:
    """From now on (in this context) events are by `wie` from `adres`; give the token to `einde`."""
    return _door.set((wie, adres))


def einde(token: Token) -> None:
    """Who acts is as it was before `door`."""
    _door.reset(token)


def who() -> str:
    """Who acts now (in this context): an account, cli:<os user>, 'anoniem' or 'systeem'."""
    return _door.get()[0]


def cli_user() -> str:
    """Who acts at the command line: cli:<os user>."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment (a container without passwd entry)
        return "cli:onbekend"


def write(data: DataDir, actie: str, object_: str, resultaat: str = Resultaat.GELUKT, reden: str = "",
          wie: str | None = None) -> Gebeurtenis:
    """Append one event (one write of one line, so lines of concurrent writers never mix)."""
    who, adres = _door.get()
    event = Gebeurtenis(datetime.now(timezone.utc).isoformat(timespec="milliseconds"), _plain(wie or who, 100),
                        _plain(actie, 200), _plain(object_, 300), _plain(adres, 100), str(resultaat),
                        _plain(reden, 500))
    line = (json.dumps(asdict(event), ensure_ascii=False) + "\n").encode("utf-8")
    try:
        data.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(data.logboek, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as exc:  # the write it records has happened (or failed) already
        # a done write that goes unlogged is a gap to shout about; a failed one (a full or read-only disk, most
        # likely the same cause) is already reported to the user by its own error
        level = logging.ERROR if event.resultaat == Resultaat.GELUKT else logging.INFO
        log.log(level, "logboek niet bijgewerkt (%s): %s", exc, line.decode("utf-8").strip())
    return event


def _plain(text: str, limit: int) -> str:
    """Text without control or format characters (a typed user name may hold terminal escapes), at most limit long.

    >>> _plain("anouk\x1b[31m\u202e", 100)
    'anouk[31m'
    """
    return "".join(c for c in str(text) if unicodedata.category(c)[0] != "C")[:limit]


def recorded(actie: str, object_: Callable[..., str]) -> Callable[[F], F]:
    """Decorate a write fn(data, ...): its event is logged as gelukt, or as mislukt with the reason when it raises."""
    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapped(data: DataDir, *args: Any, **kwargs: Any) -> Any:
            what = object_(*args, **kwargs)
            try:
                result = fn(data, *args, **kwargs)
            except Exception as exc:
                write(data, actie, what, Resultaat.MISLUKT, str(exc))
                raise
            write(data, actie, what)
            return result
        return wrapped  # type: ignore[return-value]
    return decorate


def read(data: DataDir, wie: str | None = None, sinds: str | None = None, actie: str | None = None
         ) -> list[Gebeurtenis]:
    """The events, newest first; only those by `wie`, from the day or time `sinds` (ISO), or whose action
    contains `actie`, when given. Lines that cannot be read are skipped with a warning."""
    try:
        lines = data.logboek.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    events = []
    for number, line in enumerate(lines, 1):
        try:
            event = Gebeurtenis(**json.loads(line))
        except (ValueError, TypeError):
            log.warning("logboek regel %d onleesbaar, overgeslagen", number)
            continue
        if wie and event.wie.lower() != wie.strip().lower():
            continue
        if sinds and event.tijd < sinds:
            continue
        if actie and actie.lower() not in event.actie.lower():
            continue
        events.append(event)
    return events[::-1]


def check_since(text: str) -> str:
    """A --sinds value as an ISO date or time; ValueError with the reason for anything else.

    >>> check_since("2026-12-07"), check_since("2026-12-07T05:00")
    ('2026-12-07', '2026-12-07T05:00')
    """
    try:
        datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text[:40]}' is geen datum: gebruik JJJJ-MM-DD of JJJJ-MM-DDTUU:MM") from None
    return text.strip()


FIELDS = ("tijd", "wie", "actie", "object", "adres", "resultaat", "reden")


def as_csv(events: list[Gebeurtenis]) -> str:
    """The events as CSV with a header line, each cell safe from spreadsheet formulas (spreadsheet.safe_cell)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for event in events:
        row = [getattr(event, f) for f in FIELDS]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
