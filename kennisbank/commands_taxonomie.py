"""The bodies of `kennisbank taxonomie ACTIE`: change the data dir's own layer of the taxonomy (taxonomie.beheer),
print what changed (or JSON), then bring the passages' tags in line in the foreground (the re-tag job)."""
from __future__ import annotations

import getpass
import json
import sys
from argparse import Namespace

from kennisbank.cli_common import UserError, print_json
from kennisbank.config import DataDir

LISTS = ("aliassen", "projectnamen", "gemeenten", "termen", "afkortingen")


def who() -> str:
    """The user at the command line, for the change log."""
    try:
        return f"{getpass.getuser()} (opdrachtregel)"
    except Exception:  # no user name in this environment (a container without passwd entry)
        return "opdrachtregel"


def run(data: DataDir, args: Namespace, progress) -> int:
    """Do one taxonomy action; a refusal is a UserError with the reason."""
    from kennisbank.index import BusyError
    from kennisbank.taxonomie import TaxonomieError, beheer

    try:
        if args.actie in ("log", "export"):
            return _show(data, args, beheer)
        change = _change(data, args, beheer)
    except beheer.InUseError as exc:
        raise UserError(f"{exc} (met --toch)") from exc
    except (TaxonomieError, BusyError) as exc:
        raise UserError(str(exc)) from exc
    labels = _retag(data, change.job, progress, args.json)
    if args.json:
        print_json({"wijziging": change.public(), "labels": labels})
    return 0


def _change(data: DataDir, args: Namespace, beheer):
    """The change the arguments ask for."""
    lists = {k: getattr(args, k) for k in LISTS if hasattr(args, k)}
    if args.actie == "add":
        change = beheer.add(data, args.soort, args.naam, who(), **lists)
    elif args.actie == "edit":
        change = beheer.edit(data, args.soort, args.naam, who(), args.nieuwe_naam, **lists)
    elif args.actie == "remove":
        change = beheer.remove(data, args.soort, args.naam, who(), force=args.toch)
    elif args.actie == "undo":
        change = beheer.undo(data, who())
    else:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"kan {args.file} niet lezen: {exc}") from exc
        change = beheer.import_toml(data, text, who())
    if not args.json:
        print(change.wat)
    return change


def _show(data: DataDir, args: Namespace, beheer) -> int:
    """`log` and `export`."""
    if args.actie == "export":
        text = beheer.export(data)
        print(json.dumps({"toml": text}, ensure_ascii=False) if args.json else text, end="" if not args.json else "\n")
        return 0
    changes = beheer.history(data)
    if args.json:
        print_json({"wijzigingen": [c.public() for c in changes]})
        return 0
    if not changes:
        print("nog geen wijzigingen van de taxonomie")
    for c in changes:
        print(f"{c.nummer:>3}. {c.wanneer.replace('T', ' ')[:16]}  {c.wie:<28} {c.wat}"
              + ("  [ongedaan gemaakt]" if c.ongedaan else ""))
    return 0


def _retag(data: DataDir, job_id: str, progress, quiet: bool) -> dict | None:
    """Run the change's re-tag job here and now; None when there is none (no index yet)."""
    from kennisbank import jobs

    if not job_id:
        return None
    outcome = jobs.run_job(data, job_id, progress)
    status = jobs.status(data, job_id)
    if quiet:
        return status
    if outcome is None:
        print("de labels worden bijgewerkt door een ander proces (de webserver) of later: zie 'kennisbank jobs'",
              file=sys.stderr)
    elif outcome.ok:
        print(f"labels bijgewerkt: {outcome.message}")
    else:
        print(f"labels bijwerken mislukt: {outcome.message}", file=sys.stderr)
    return status
