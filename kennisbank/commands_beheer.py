"""The bodies of `kennisbank gebruiker`, `logboek`, `backup` and `restore`: running Kennisbank in an organisation."""
from __future__ import annotations

import getpass
import sys
from argparse import Namespace
from pathlib import Path

from kennisbank.cli_common import UserError, print_json
from kennisbank.config import DataDir

COMMANDS = ("gebruiker", "logboek", "backup", "restore")


def add_parsers(sub) -> None:
    """The subcommands of this module on the `kennisbank` parser."""
    users = sub.add_parser("gebruiker", help="persoonlijke accounts: toevoegen, tonen, rol, wachtwoord, blokkeren")
    actions = users.add_subparsers(dest="actie", metavar="ACTIE", required=True)
    add = actions.add_parser("add", help="een account maken (wachtwoord via stdin of twee keer gevraagd)")
    add.add_argument("naam")
    add.add_argument("--rol", required=True, help="redacteur of beheerder")
    actions.add_parser("list", help="alle accounts").add_argument("--json", action="store_true")
    role = actions.add_parser("rol", help="een account een andere rol geven")
    role.add_argument("naam")
    role.add_argument("rol", help="redacteur of beheerder")
    for name, text in (("wachtwoord", "een nieuw wachtwoord zetten (open sessies eindigen)"),
                       ("blokkeer", "een account blokkeren (open sessies eindigen)"),
                       ("deblokkeer", "een geblokkeerd account weer toelaten"),
                       ("verwijder", "een account verwijderen (open sessies eindigen)")):
        actions.add_parser(name, help=text).add_argument("naam")
    book = sub.add_parser("logboek", help="wie wat wanneer deed (nieuwste eerst)")
    book.add_argument("--json", action="store_true")
    book.add_argument("--wie", help="alleen van dit account, of cli:<gebruiker>")
    book.add_argument("--sinds", help="vanaf deze datum (JJJJ-MM-DD) of tijd (JJJJ-MM-DDTUU:MM, UTC)")
    book.add_argument("--actie", help="alleen acties die dit woord bevatten")
    backup = sub.add_parser("backup", help="een samenhangende momentopname van de datamap als .tar.gz")
    backup.add_argument("file", type=Path, metavar="BESTAND.tar.gz")
    restore = sub.add_parser("restore", help="een backup terugzetten in een nieuwe, lege datamap (--data)")
    restore.add_argument("file", type=Path, metavar="BESTAND.tar.gz")


def read_password(prompt: str = "Wachtwoord") -> str:
    """A password: asked twice without echo at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass(f"{prompt} (nog eens): ") != first:
            raise UserError("de twee wachtwoorden verschillen; er is niets veranderd")
        return first
    line = sys.stdin.readline()
    if not line:
        raise UserError("geen wachtwoord op standaardinvoer; bijv. printf 'wachtwoord\\n' | kennisbank gebruiker …")
    return line.rstrip("\r\n")


def cmd_gebruiker(data: DataDir, args: Namespace) -> int:
    from kennisbank.gegevens import gebruikers

    try:
        if args.actie == "list":
            return _list(gebruikers.all_accounts(data), args.json)
        if args.actie == "add":
            account = gebruikers.add(data, args.naam, args.rol, read_password())
            print(f"gebruiker {account.naam} toegevoegd ({account.rol})")
        elif args.actie == "rol":
            account = gebruikers.set_role(data, args.naam, args.rol)
            print(f"gebruiker {account.naam} is nu {account.rol}")
        elif args.actie == "wachtwoord":
            account = gebruikers.set_password(data, args.naam, read_password("Nieuw wachtwoord"))
            print(f"wachtwoord van {account.naam} gewijzigd; open sessies zijn beëindigd")
        elif args.actie == "blokkeer":
            print(f"gebruiker {gebruikers.block(data, args.naam).naam} geblokkeerd; open sessies zijn beëindigd")
        elif args.actie == "deblokkeer":
            print(f"gebruiker {gebruikers.unblock(data, args.naam).naam} kan weer inloggen")
        else:
            print(f"gebruiker {gebruikers.remove(data, args.naam).naam} verwijderd")
    except gebruikers.GebruikerError as exc:
        raise UserError(str(exc)) from exc
    return 0


def _list(accounts, as_json: bool) -> int:
    """`gebruiker list`: one line per account, or JSON (never a hash)."""
    if as_json:
        print_json({"gebruikers": [a.public() for a in accounts]})
        return 0
    if not accounts:
        print("nog geen persoonlijke accounts; maak er een met 'kennisbank gebruiker add NAAM --rol beheerder'")
    for a in accounts:
        print(f"{a.naam:<24} {a.rol:<10} {'geblokkeerd' if a.geblokkeerd else 'actief':<12} {a.aangemaakt[:10]}")
    return 0


def cmd_logboek(data: DataDir, args: Namespace) -> int:
    from dataclasses import asdict

    from kennisbank.gegevens import logboek

    try:
        since = logboek.check_since(args.sinds) if args.sinds else None
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    events = logboek.read(data, wie=args.wie, sinds=since, actie=args.actie)
    if args.json:
        print_json({"gebeurtenissen": [asdict(e) for e in events]})
        return 0
    if not events:
        print("geen gebeurtenissen in het logboek" + (" met deze filters" if args.wie or args.sinds else ""))
    for e in events:
        reason = f"  ({e.reden})" if e.reden else ""
        print(f"{e.tijd[:19].replace('T', ' ')}  {e.wie:<20} {e.resultaat:<9} {e.actie}: {e.object}"
              f"{'  [' + e.adres + ']' if e.adres else ''}{reason}")
    return 0


def cmd_backup(data: DataDir, args: Namespace) -> int:
    from kennisbank import index
    from kennisbank.gegevens import backup

    try:
        manifest = backup.backup(data, args.file)
    except (backup.BackupError, index.BusyError) as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"kan de backup {args.file} niet schrijven: {exc.strerror or exc}") from exc
    print(f"backup gemaakt: {args.file} ({manifest['documenten']} documenten, {len(manifest['bestanden'])} "
          f"bestanden, engine {manifest['engine'] or '-'})")
    return 0


def cmd_restore(data: DataDir, args: Namespace) -> int:
    from kennisbank.gegevens import backup

    try:
        manifest = backup.restore(data, args.file)
    except backup.BackupError as exc:
        raise UserError(f"{exc}; er is niets geschreven") from exc
    except OSError as exc:
        raise UserError(f"kan niet schrijven in {data.root}: {exc.strerror or exc}") from exc
    print(f"teruggezet in {data.root}: {manifest['documenten']} documenten uit de backup van {manifest['gemaakt']} "
          f"(Kennisbank {manifest['kennisbank']}); controleer met 'kennisbank check'")
    return 0
