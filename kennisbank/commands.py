"""The bodies of the CLI commands: thin wrappers that print what the library modules return."""
from __future__ import annotations

import re
import sys
from argparse import Namespace

from kennisbank.cli_common import UserError
from kennisbank.cli_common import print_json as _out
from kennisbank.cli_common import progress as _progress
from kennisbank.config import DataDir


def _report(outcomes) -> int:
    """Print one line per file (names without control characters); exit 1 when any file was refused."""
    from kennisbank.documents import safe_filename

    for o in outcomes:
        if o.ok:
            print(f"{o.status}: {safe_filename(o.filename)} -> {o.doc_id} ({o.passages} passages)")
        else:
            print(f"geweigerd: {safe_filename(o.filename)}: {o.message}", file=sys.stderr)
    failed = sum(not o.ok for o in outcomes)
    if len(outcomes) > 1:
        print(f"{len(outcomes) - failed} van {len(outcomes)} bestanden verwerkt, {failed} geweigerd")
    return 1 if failed else 0


def _guard(fn):
    """Turn busy and damaged-index errors into user errors."""
    from kennisbank import index

    def wrapper(data: DataDir, args: Namespace) -> int:
        try:
            return fn(data, args)
        except (index.BusyError, index.IndexDamagedError) as exc:
            raise UserError(str(exc)) from exc
        except BrokenPipeError:
            raise  # output piped into `head`: cli.main ends quietly
        except OSError as exc:
            raise UserError(f"kan niet schrijven in de datamap {data.root}: {exc.strerror or exc}") from exc
    return wrapper


_ocr_started: list[str] = []  # files whose OCR line was printed (when stderr is no terminal)


def _ocr_progress(done: int, total: int, filename: str) -> None:
    """OCR progress: a bar per page on a terminal, otherwise one line per file when OCR starts."""
    if sys.stderr.isatty():
        _progress(done, total, f"OCR {filename}")
    elif filename not in _ocr_started:
        _ocr_started.append(filename)
        pages = "1 pagina" if total == 1 else f"{total} pagina's"
        print(f"OCR: {filename} ({pages} zonder tekst, {done} al gelezen)", file=sys.stderr, flush=True)


_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def _checked_overrides(args: Namespace) -> dict:
    """The metadata flags of `add`, checked as the web form checks them; a bad value is a UserError."""
    from indexer.model import DOCUMENT_TYPES
    from kennisbank.store import valid_id
    from kennisbank.taxonomie import load

    overrides = {k: getattr(args, k) for k in ("id", "title", "type", "region", "date")}
    if overrides["type"] and overrides["type"] not in DOCUMENT_TYPES:
        raise UserError(f"onbekend documenttype '{overrides['type']}'; kies uit: {', '.join(DOCUMENT_TYPES)}")
    if overrides["id"] and not valid_id(overrides["id"]):
        raise UserError(f"ongeldige --id {overrides['id']!r}: alleen kleine letters, cijfers en streepjes, "
                        "zoals 'plan-zeeland-2023'")
    if overrides["date"] and not _DATE.fullmatch(overrides["date"]):
        raise UserError("--date moet de vorm JJJJ, JJJJ-MM of JJJJ-MM-DD hebben")
    if overrides["region"] and overrides["region"] != "landelijk":
        regio = load().regio_by_name(overrides["region"])
        if regio is None:
            raise UserError(f"onbekende regio '{overrides['region']}'; voeg haar toe met 'kennisbank taxonomie add "
                            f"regio \"{overrides['region']}\"', of kies uit: landelijk, "
                            + ", ".join(r.naam for r in load().regios))
        overrides["region"] = regio.naam
    return overrides


@_guard
def cmd_add(data: DataDir, args: Namespace) -> int:
    from kennisbank.jobs import add_path

    overrides = _checked_overrides(args)
    if len(args.files) > 1 and (args.id or args.title):
        raise UserError("--id en --title gelden voor één bestand; geef er één tegelijk")
    outcomes, proposals, job = [], [], ""
    for i, path in enumerate(args.files, 1):
        if not path.is_file():
            from kennisbank.documents import AddStatus, Outcome
            outcomes.append(Outcome(str(path), AddStatus.REFUSED, message="bestand bestaat niet"))
            continue
        wanted = dict(overrides)
        if not overrides["region"] and (found := _unknown_regions(path)):
            job = _add_regions(data, found, wanted) if args.nieuwe_regio else job
            proposals += [] if args.nieuwe_regio else [(path.name, name) for name in found]
        _progress(i - 1, len(args.files), path.name)
        outcomes.append(add_path(data, path, wanted, _ocr_progress, args.ocr_timeout))
    _progress(len(args.files), len(args.files), "klaar")
    code = _report(outcomes)
    for filename, name in proposals:
        print(f"voorstel: {filename} noemt '{name}', een proeftuin of regio die de taxonomie niet kent; voeg haar "
              f"toe met 'kennisbank taxonomie add regio \"{name}\"', of voeg het bestand toe met --nieuwe-regio")
    if job:
        from kennisbank.commands_taxonomie import _retag

        _retag(data, job, _progress, False)
    return code


def _unknown_regions(path) -> list[str]:
    """Proeftuinen or regions a file's text names that the taxonomy does not know (none for unreadable files)."""
    from indexer.pipeline import prepare
    from kennisbank.taxonomie import checks, load

    try:
        pages = prepare(path.read_bytes(), path.name, None, enrich=False).pages
    except Exception:  # refused or unreadable: adding it says why
        return []
    return checks.unknown_regions(load(), "\n".join(page.text for page in pages))


def _add_regions(data: DataDir, names: list[str], overrides: dict) -> str:
    """Add the regions to the taxonomy (--nieuwe-regio); one named region becomes the document's. The re-tag job."""
    from kennisbank.commands_taxonomie import who
    from kennisbank.taxonomie import TaxonomieError, beheer

    job = ""
    for name in names:
        try:
            change = beheer.add(data, "regio", name, who())
        except TaxonomieError as exc:
            raise UserError(f"regio '{name}' kan niet worden toegevoegd: {exc}") from exc
        print(change.wat)
        job = change.job or job
    if len(names) == 1:
        overrides["region"] = names[0]
    return job


@_guard
def cmd_ingest(data: DataDir, args: Namespace) -> int:
    from indexer.metadata import read_manifest
    from kennisbank.documents import SUPPORTED_SUFFIXES
    from kennisbank.jobs import add_path

    if not args.directory.is_dir():
        raise UserError(f"map bestaat niet: {args.directory}")
    files = sorted(p for p in args.directory.iterdir()
                   if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name != "README.md")
    if not files:
        raise UserError(f"geen PDF-, DOCX-, Markdown- of tekstbestanden in {args.directory}")
    manifest = read_manifest(args.directory.resolve())
    outcomes = []
    for i, path in enumerate(files, 1):
        _progress(i - 1, len(files), path.name)
        outcomes.append(add_path(data, path, manifest.get(path.resolve()), _ocr_progress, args.ocr_timeout))
    _progress(len(files), len(files), "klaar")
    return _report(outcomes)


@_guard
def cmd_jobs(data: DataDir, args: Namespace) -> int:
    from kennisbank import jobs

    if args.run:
        outcomes = jobs.run_pending(data, _ocr_progress, args.ocr_timeout)
        if not outcomes:
            print("geen onafgemaakte jobs")
        return _report(outcomes)
    found = jobs.all_jobs(data)
    if args.json:
        _out({"jobs": [job.as_dict() for job in found]})
        return 0
    if not found:
        print("geen jobs")
    for job in found:
        print(f"{job.id}  {job.state:<8} {job.progress:<20} {job.filename}  {job.doc_id or job.message}")
    return 0


def cmd_documents(data: DataDir, args: Namespace) -> int:
    from dataclasses import asdict

    from kennisbank.store import Store

    records = Store(data).all()
    if args.json:
        _out({"documents": [asdict(r) for r in records]})
        return 0
    if not records:
        print("nog geen documenten")
    for r in records:
        print(f"{r.id:<50} {r.type:<15} {_region(r.region):<22} {r.date or '-':<10} {r.passages:>4} passages  "
              f"{r.title}")
    return 0


def cmd_document(data: DataDir, args: Namespace) -> int:
    from kennisbank.browse import document_passages

    doc = document_passages(data, args.id)
    if doc is None:
        raise UserError(f"geen document met id '{args.id}'")
    if args.json:
        _out(doc)
        return 0
    print(f"{doc['title']} ({doc['type']}, {_region(doc['region'])}, {doc['date'] or '-'})")
    for p in doc["passages"]:
        tags = "; ".join(f"{k}: {', '.join(v)}" for k, v in p["labels"].items() if v)
        print(f"\n[{p['position']}] p.{p['page']} {p['section']}\n  {tags or '(geen labels)'}")
        print("  " + p["text"][:300].replace("\n", " ") + ("…" if len(p["text"]) > 300 else ""))
    return 0


def _region(name: str) -> str:
    """A document's region as shown: '-' when it has none, marked when the taxonomy no longer knows it."""
    from kennisbank.taxonomie import load

    if not name or name == "landelijk" or load().regio_by_name(name):
        return name or "-"
    return f"{name} (onbekende regio)"


@_guard
def cmd_remove(data: DataDir, args: Namespace) -> int:
    from kennisbank.documents import remove

    record = remove(data, args.id)
    if record is None:
        raise UserError(f"geen document met id '{args.id}'")
    print(f"verwijderd: {record.id} ({record.title})")
    return 0


@_guard
def cmd_reindex(data: DataDir, args: Namespace) -> int:
    from kennisbank import index
    from kennisbank.documents import reindex

    try:
        engine = index.chosen(args.engine) if args.engine else None
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    count, problems = reindex(data, progress=_progress, engine=engine)
    print(f"index opnieuw opgebouwd: {count} documenten (engine: {index.built_by(data.index)})")
    for o in problems:
        print(f"overgeslagen: {o.doc_id}: {o.message}", file=sys.stderr)
    return 1 if problems else 0


def cmd_check(data: DataDir, args: Namespace) -> int:
    from kennisbank import index
    from kennisbank.documents import check

    problems = check(data)
    for line in problems:
        print(line)
    if not problems:
        print("in orde: opslag en index komen overeen")
    if index.exists(data):  # on stderr: stdout stays one line per problem
        print(f"index gebouwd door: {index.built_by(data.index)}", file=sys.stderr)
    return 1 if problems else 0


@_guard
def cmd_search(data: DataDir, args: Namespace) -> int:
    from kennisbank.search.engine import Engine

    if not 1 <= args.limit <= 100 or args.offset < 0:
        raise UserError("--limit moet tussen 1 en 100 liggen en --offset mag niet negatief zijn")
    answer = Engine(data).search(" ".join(args.query), limit=args.limit, offset=args.offset,
                                 explain=args.explain)
    if args.json:
        _out(answer)
        return 0
    for note in answer["notes"]:
        print(f"let op: {note}")
    if answer["suggestion"]:
        print(f"Bedoelde u: {answer['suggestion']}")
    print(f"{answer['total']} passages gevonden")
    for i, hit in enumerate(answer["hits"], args.offset + 1):
        snippet = hit["snippet"].replace("<mark>", "\033[1m").replace("</mark>", "\033[0m")
        print(f"\n{i}. {hit['title']} — p.{hit['page']} — {hit['section'] or '(begin)'}  [{hit['score']}]")
        print(f"   {snippet}")
        if args.explain:
            for term, forms in hit["explain"].items():
                print(f"   · {term}: {', '.join(forms)}")
            parts = sorted(hit.get("features", {}).items(), key=lambda kv: -abs(kv[1]))
            print("   · score: " + ", ".join(f"{name} {value:+.2f}" for name, value in parts if value))
    if answer["facets"]:
        print()
        for name, counts in answer["facets"].items():
            if counts:
                print(f"{name}: " + ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:8]))
    return 0


def cmd_taxonomie(data: DataDir, args: Namespace) -> int:
    from kennisbank.taxonomie import load

    if args.actie:
        from kennisbank import commands_taxonomie

        return commands_taxonomie.run(data, args, _progress)
    tax = load()
    groups = tax.as_dict()
    if args.json:
        _out(groups)
        return 0
    for name, items in groups.items():
        print(f"\n{name.upper()}")
        for item in items:
            extra = item.get("afkortingen") or item.get("aliassen") or []
            print(f"  {item.get('label') or item.get('naam')}" + (f"  ({', '.join(extra)})" if extra else ""))
    return 0


@_guard
def cmd_vergelijk(data: DataDir, args: Namespace) -> int:
    from kennisbank import index, vergelijk
    from kennisbank.search.engine import Engine

    if not index.exists(data):
        print("de index is nog leeg: voeg eerst documenten toe", file=sys.stderr)
        return 2
    engine = Engine(data)
    try:
        if args.matrix:
            m = vergelijk.matrix(engine, args.regio)
            if args.csv:
                print(vergelijk.matrix_csv(m))
            else:
                _out(m)
            return 0
        if not args.thema:
            print("geef een thema of --matrix", file=sys.stderr)
            return 2
        result = vergelijk.compare(engine, " ".join(args.thema), args.regio)
    except ValueError as exc:  # e.g. an unknown region
        raise UserError(str(exc)) from exc
    if args.json:
        _out(result)
    elif args.csv:
        print(vergelijk.compare_csv(result), end="")
    else:
        print(f"{result['label']}\n{vergelijk.RULE}\n")
        for r in result["regions"]:
            print(f"{'✓' if r['addressed'] else '·'} {r['region']:<22} {r['passages']:>3} passages")
            for ev in r["evidence"]:
                print(f"    - {ev['title']} p.{ev['page']} {ev['section']}")
    return 0


def cmd_serve(data: DataDir, args: Namespace) -> int:
    from kennisbank.web.serve import serve

    return serve(data, args.host, args.port, args.workers, args.corpus, args.threads)
