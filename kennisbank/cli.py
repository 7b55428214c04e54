"""The `kennisbank` command: add, ingest, search, compare and manage documents in one data dir."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kennisbank import commands_beheer
from kennisbank.config import resolve

log = logging.getLogger("kennisbank")
_OCR_TIMEOUT = "tijdslimiet voor OCR per document in seconden (standaard $KENNISBANK_OCR_TIMEOUT of 1800)"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kennisbank", description="Kennisbank kind- en gezinsbescherming")
    p.add_argument("--data", help="datamap (standaard $KENNISBANK_DATA of ./data)")
    p.add_argument("-v", "--verbose", action="store_true", help="meer logregels")
    p.add_argument("--engine", dest="new_engine", help="engine voor een nieuwe index: whoosh (standaard) of "
                                                      "tantivy (grote collecties); standaard $KENNISBANK_ENGINE")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMANDO")

    add = sub.add_parser("add", help="bestanden toevoegen (PDF, DOCX, Markdown, tekst)")
    add.add_argument("files", nargs="+", type=Path)
    for flag in ("title", "type", "region", "date", "id"):
        add.add_argument(f"--{flag}")
    add.add_argument("--ocr-timeout", type=float, help=_OCR_TIMEOUT)
    add.add_argument("--nieuwe-regio", action="store_true",
                     help="een proeftuin of regio die de tekst noemt en de taxonomie niet kent meteen toevoegen")

    ingest = sub.add_parser("ingest", help="alle ondersteunde bestanden van een map toevoegen")
    ingest.add_argument("directory", type=Path)
    ingest.add_argument("--ocr-timeout", type=float, help=_OCR_TIMEOUT)

    jobs = sub.add_parser("jobs", help="achtergrondtaken (OCR van scans) tonen of afmaken")
    jobs.add_argument("--run", action="store_true", help="onafgemaakte jobs nu afmaken")
    jobs.add_argument("--json", action="store_true")
    jobs.add_argument("--ocr-timeout", type=float, help=_OCR_TIMEOUT)

    docs = sub.add_parser("documents", help="lijst van documenten")
    docs.add_argument("--json", action="store_true")

    doc = sub.add_parser("document", help="de passages van één document met hun labels")
    doc.add_argument("id")
    doc.add_argument("--json", action="store_true")

    rm = sub.add_parser("remove", help="een document verwijderen")
    rm.add_argument("id")

    reindex = sub.add_parser("reindex", help="de index opnieuw opbouwen uit de opgeslagen originelen")
    reindex.add_argument("--engine", help="bouw de nieuwe index met deze engine: whoosh of tantivy "
                                          "(standaard: die van de huidige index)")
    sub.add_parser("check", help="controleer of opslag en index overeenkomen")

    search = sub.add_parser("search", help="zoeken in passages")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--offset", type=int, default=0)
    search.add_argument("--json", action="store_true")
    search.add_argument("--explain", action="store_true",
                        help="toon per hit welke vormen matchten en wat elk kenmerk aan de score bijdroeg")

    _taxonomie_parser(sub)
    commands_beheer.add_parsers(sub)

    cmp_ = sub.add_parser("vergelijk", help="proeftuinen vergelijken op een vraagstuk")
    cmp_.add_argument("thema", nargs="*")
    cmp_.add_argument("--regio", action="append", default=[])
    cmp_.add_argument("--matrix", action="store_true")
    cmp_.add_argument("--json", action="store_true")
    cmp_.add_argument("--csv", action="store_true")

    serve = sub.add_parser("serve", help="de webapplicatie starten")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--workers", type=int, default=1,
                       help="werkprocessen, elk met een eigen index-zoeker (standaard 1; meer dan 1: gunicorn)")
    serve.add_argument("--threads", type=int, default=4, help="threads per werkproces (standaard 4)")
    serve.add_argument("--corpus", type=Path, help="map om bij een lege index eerst in te lezen")
    return p


def _taxonomie_parser(sub) -> None:
    """`kennisbank taxonomie [--json]` lists; its subcommands change the data dir's own layer of the taxonomy."""
    tax = sub.add_parser("taxonomie", help="de domeintaxonomie tonen of aanvullen (regio's, vraagstukken, ...)")
    tax.add_argument("--json", action="store_true")
    actions = tax.add_subparsers(dest="actie", metavar="ACTIE")
    kinds = ("regio", "vraagstuk", "organisatie")
    for name, text in (("add", "een regio, vraagstuk of organisatie toevoegen"),
                       ("edit", "een item wijzigen (gegeven lijsten vervangen de oude)")):
        p = actions.add_parser(name, help=text)
        p.add_argument("soort", choices=kinds)
        p.add_argument("naam")
        if name == "edit":
            p.add_argument("--naam", dest="nieuwe_naam", help="nieuwe naam (bij een regio blijft de oude een alias)")
        default = None if name == "edit" else []
        for flag, dest in (("alias", "aliassen"), ("project", "projectnamen"), ("gemeente", "gemeenten"),
                           ("term", "termen"), ("afkorting", "afkortingen")):
            p.add_argument(f"--{flag}", dest=dest, action="append", default=default, metavar=flag.upper())
        p.add_argument("--json", action="store_true")
    rm = actions.add_parser("remove", help="een item verwijderen")
    rm.add_argument("soort", choices=kinds)
    rm.add_argument("naam")
    rm.add_argument("--toch", action="store_true", help="ook als documenten het nog gebruiken")
    rm.add_argument("--json", action="store_true")
    for name, text in (("log", "wie wat wanneer veranderde"), ("undo", "de laatste wijziging ongedaan maken"),
                       ("export", "de eigen aanvullingen als TOML (naar stdout)")):
        actions.add_parser(name, help=text).add_argument("--json", action="store_true")
    imp = actions.add_parser("import", help="eigen aanvullingen uit een TOML-bestand (vervangt de huidige)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--json", action="store_true")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:  # pypdf's repair notes name no file; a refused file gets its own line anyway
        logging.getLogger("pypdf").setLevel(logging.ERROR)
    data = resolve(args.data)
    if args.new_engine:  # the engine new indexes get; an existing one is always opened by its own
        os.environ["KENNISBANK_ENGINE"] = args.new_engine
    from kennisbank import commands, taxonomie  # the command bodies; imported here so --help stays instant
    from kennisbank.gegevens import logboek

    module = commands_beheer if args.command in commands_beheer.COMMANDS else commands
    handler = getattr(module, f"cmd_{args.command}")
    taxonomie.use(data.taxonomie)  # this run's taxonomy: the package's with this data dir's own layer
    logboek.door(logboek.cli_user())  # who the logboek names for this run's writes
    try:
        return handler(data, args)
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except (commands.UserError, taxonomie.TaxonomieError) as exc:  # the latter: a layer file edited by hand
        print(f"kennisbank: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
