"""Changing the taxonomy in a data dir's layer: add, edit and remove regio's, vraagstukken and organisaties, a log
of who changed what (with undo), export and import; shared by the CLI and the web.

Every change is checked on the whole taxonomy it would make (checks, and the loader's own rules) before a file
is written; the layer's files are then replaced atomically and the change is logged with the files as they were.
A change queues re-tagging (jobs.submit_retag). Writers take the data dir's writer lock, one at a time.
"""
from __future__ import annotations

import logging
from typing import Any

from kennisbank import taxonomie
from kennisbank.analysis import is_stopword, slugify
from kennisbank.config import DataDir
from kennisbank.gegevens import logboek
from kennisbank.taxonomie import TaxonomieError, changelog, layers, normaliseer
from kennisbank.taxonomie.changelog import Change
from kennisbank.taxonomie.checks import NAME_FIELDS, check_entry, title, usage

log = logging.getLogger(__name__)
KINDS = tuple(NAME_FIELDS)  # regio, vraagstuk, organisatie
LIST_FIELDS = ("aliassen", "projectnamen", "gemeenten", "termen", "afkortingen")
EXPORT_TABLES = {table: attr for attr, (_, table) in layers.FILES.items()}


class InUseError(TaxonomieError):
    """An entry that documents still use; removing it needs the beheerder's explicit yes."""


def _file(kind: str) -> tuple[str, str]:
    """(file name, array-of-tables key) of a kind."""
    return layers.FILES[NAME_FIELDS[kind][0]]


def _clean(values: Any) -> list[str]:
    """Stripped, non-empty values, each normalised name once, in the order given."""
    out: dict[str, str] = {}
    for value in values or ():
        if (text := " ".join(str(value).split())) and normaliseer(text) not in out:
            out[normaliseer(text)] = text
    return list(out.values())


def new_entry(kind: str, naam: str, **fields: Any) -> dict[str, Any]:
    """An entry of a kind as the layer file holds it, from a name and lists (aliassen, projectnamen, gemeenten,
    termen, afkortingen); an organisation's abbreviation that is also an ordinary word counts in exact spelling."""
    naam = " ".join(naam.split())
    if kind == "regio":
        return {"id": slugify(naam), "naam": naam, "aliassen": _clean(fields.get("aliassen")),
                "projectnamen": _clean(fields.get("projectnamen")), "gemeenten": _clean(fields.get("gemeenten")),
                "landelijk": bool(fields.get("landelijk", False))}
    abbreviations = _clean(fields.get("afkortingen"))
    if kind == "vraagstuk":
        return {"id": slugify(naam), "label": naam, "termen": _clean(fields.get("termen")),
                "afkortingen": abbreviations}
    return {"id": slugify(naam), "label": naam, "termen": _clean([naam, *fields.get("termen", ())]),
            "afkortingen": [a for a in abbreviations if not is_stopword(a)],
            "exacte_afkortingen": [a for a in abbreviations if is_stopword(a)]}


def _as_entry(kind: str, current: Any) -> dict[str, Any]:
    """An existing Concept or Regio as a layer entry."""
    fields = [f for f in ("id", "naam", "aliassen", "projectnamen", "gemeenten", "landelijk", "label", "termen",
                          "afkortingen", "exacte_afkortingen") if hasattr(current, f)]
    entry = {f: list(v) if isinstance(v := getattr(current, f), tuple) else v for f in fields}
    return {k: v for k, v in entry.items() if kind == "regio" or k not in ("exacte_afkortingen",) or v}


LISTS_OF = {"regio": ("aliassen", "projectnamen", "gemeenten"), "vraagstuk": ("termen", "afkortingen"),
            "organisatie": ("termen", "afkortingen")}


def _own_lists(kind: str, fields: dict[str, Any]) -> None:
    """Refuse lists a kind does not have (an organisation has no aliases)."""
    if wrong := [f for f, values in fields.items() if values and f not in LISTS_OF[kind]]:
        raise TaxonomieError(f"een {kind} heeft geen {' of '.join(wrong)}; wel: {', '.join(LISTS_OF[kind])}")


@logboek.recorded("taxonomie toegevoegd", lambda kind, naam, *a, **k: f"{kind} {naam}")
def add(data: DataDir, kind: str, naam: str, wie: str, **fields: Any) -> Change:
    """Add an entry of a kind; refused (TaxonomieError) when it exists or breaks a rule."""
    _own_lists(kind, fields)
    entry = new_entry(kind, naam, **fields)
    with _changing(data) as tax:
        if title(entry) and tax.entry(kind, title(entry)) is not None:
            raise TaxonomieError(f"{kind} '{naam}' bestaat al; wijzig het met 'kennisbank taxonomie edit {kind} "
                                 f"\"{naam}\" …' of op /beheer/taxonomie")
        check_entry(tax, kind, entry)
        return _replace(data, kind, entry, wie, "toegevoegd", _summary(kind, entry))


@logboek.recorded("taxonomie gewijzigd", lambda kind, name, *a, **k: f"{kind} {name}")
def edit(data: DataDir, kind: str, name: str, wie: str, naam: str | None = None, **fields: Any) -> Change:
    """Change an entry: a new name (the old one stays a region's alias, so documents keep finding it) and the
    lists given, which replace the old ones; lists not given stay."""
    _own_lists(kind, fields)
    with _changing(data) as tax:
        current = _find(tax, kind, name)
        entry = _as_entry(kind, current)
        key = "naam" if kind == "regio" else "label"
        if naam and " ".join(naam.split()) != entry[key]:
            if kind == "regio":
                fields.setdefault("aliassen", entry["aliassen"])
                fields["aliassen"] = [*fields["aliassen"], entry[key]]
            entry[key] = " ".join(naam.split())
        for field_name, values in fields.items():
            if values is not None and field_name in LISTS_OF[kind]:
                entry[field_name] = _clean(values)
        if kind == "organisatie":
            entry["termen"] = _clean([entry["label"], *entry["termen"]])
        check_entry(tax, kind, entry)
        return _replace(data, kind, entry, wie, "gewijzigd", f"{kind} '{title(current)}' gewijzigd: "
                        + _summary(kind, entry))


@logboek.recorded("taxonomie verwijderd", lambda kind, name, *a, **k: f"{kind} {name}")
def remove(data: DataDir, kind: str, name: str, wie: str, force: bool = False) -> Change:
    """Remove an entry; one that documents still use is refused (InUseError) unless force."""
    with _changing(data) as tax:
        current = _find(tax, kind, name)
        used = usage(data, tax, kind, current)
        if used and not force:
            count = "1 document" if len(used) == 1 else f"{len(used)} documenten"
            raise InUseError(f"{kind} '{title(current)}' wordt nog gebruikt door {count} ({', '.join(used[:5])}"
                             f"{', …' if len(used) > 5 else ''}); laat het staan, of verwijder het toch (de documenten "
                             "houden hun tekst; wat naar dit item verwees wordt onbekend)")
        name_, table = _file(kind)
        content = layers.read(data.taxonomie / name_)
        own = [e for e in content.get(table, []) if e.get("id") != current.id]
        removed = list(content.get(layers.REMOVED, []))
        if any(e.get("id") == current.id for e in layers.read(taxonomie.DATA_DIR / name_).get(table, [])):
            removed = [*removed, current.id] if current.id not in removed else removed
        new = {**({layers.REMOVED: removed} if removed else {}), **({table: own} if own else {})}
        note = f" (nog gebruikt door {len(used)} document{'en' if len(used) != 1 else ''})" if used else ""
        change = Change(0, "verwijderd", f"{kind} '{title(current)}' verwijderd{note}", wie, changelog.now(), kind,
                        title(current))
        return changelog.write(data, {name_: new}, change)


@logboek.recorded("taxonomie ongedaan gemaakt", lambda *a, **k: "laatste wijziging")
def undo(data: DataDir, wie: str) -> Change:
    """Undo the newest change that is not undone yet: the layer's files back as they were before it."""
    with _changing(data):
        history = changelog.history(data)
        last = next((c for c in reversed(history) if not c.ongedaan and c.actie != "ongedaan gemaakt"), None)
        if last is None:
            raise TaxonomieError("er is geen wijziging om ongedaan te maken")
        changelog.put(data, last.voor)
        last.ongedaan = True
        change = Change(0, "ongedaan gemaakt", f"ongedaan gemaakt: {last.wat}", wie, changelog.now(), last.soort,
                        last.naam)
        changelog.append(data, history, change)
        return changelog.queued(data, change)


def history(data: DataDir) -> list[Change]:
    """Every logged change, oldest first."""
    return changelog.history(data)


def export(data: DataDir) -> str:
    """The layer as one TOML document (every kind, and what it removes), to review or import elsewhere."""
    out: dict[str, Any] = {layers.REMOVED: {}}
    tables: dict[str, list] = {}
    for attr, (name, table) in layers.FILES.items():
        content = layers.read(data.taxonomie / name)
        if content.get(layers.REMOVED):
            out[layers.REMOVED][table] = content[layers.REMOVED]
        tables[table] = content.get(table, [])
    text = layers.dumps({k: v for k, v in out.items() if v}, None, changelog.HEADER)
    for table, entries in tables.items():
        text += "\n" + layers.dumps({table: entries}, table) if entries else ""
    return text


@logboek.recorded("taxonomie geïmporteerd", lambda *a, **k: "eigen aanvullingen")
def import_toml(data: DataDir, text: str, wie: str) -> Change:
    """Replace the layer by an exported TOML document; a malformed or invalid one changes nothing."""
    import tomllib

    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomieError(f"het bestand is geen geldige TOML: {exc}") from exc
    removed = content.pop(layers.REMOVED, {})
    if unknown := set(content) - set(EXPORT_TABLES):
        raise TaxonomieError(f"onbekende onderdelen in het bestand: {sorted(unknown)}; verwacht "
                             f"{', '.join(EXPORT_TABLES)} en {layers.REMOVED}")
    if not isinstance(removed, dict) or set(removed) - set(EXPORT_TABLES):
        raise TaxonomieError(f"'{layers.REMOVED}' moet per soort een lijst van ids geven, bijv. "
                             f"{layers.REMOVED} = {{ regio = [\"zeeland\"] }}")
    files = {}
    for attr, (name, table) in layers.FILES.items():
        part = {**({layers.REMOVED: removed[table]} if removed.get(table) else {}),
                **({table: content[table]} if content.get(table) else {})}
        files[name] = part or None
    with _changing(data):
        counts = ", ".join(f"{len(content.get(t, []))} {t}" for t in ("regio", "vraagstuk", "organisatie"))
        counts = counts.replace("regio,", "regio's,").replace("vraagstuk,", "vraagstukken,")
        change = Change(0, "geïmporteerd", f"taxonomie geïmporteerd ({counts})", wie, changelog.now())
        return changelog.write(data, files, change)


# --- plumbing ---------------------------------------------------------------------------------------------------

class _changing:
    """Hold the writer lock and give the taxonomy as it is now."""

    def __init__(self, data: DataDir):
        from kennisbank import index

        self.data, self.lock = data, index.write_lock(data)

    def __enter__(self) -> taxonomie.Taxonomie:
        self.lock.__enter__()
        return taxonomie.load(self.data)

    def __exit__(self, *exc: Any) -> None:
        self.lock.__exit__(*exc)


def _find(tax: taxonomie.Taxonomie, kind: str, name: str) -> Any:
    """The entry of a kind with this name, or a TaxonomieError that says there is none."""
    if kind not in KINDS:
        raise TaxonomieError(f"onbekende soort '{kind}'; kies uit: {', '.join(KINDS)}")
    found = tax.entry(kind, name)
    if found is None:
        raise TaxonomieError(f"geen {kind} met de naam '{name}'; 'kennisbank taxonomie' toont wat er is")
    return found


def _summary(kind: str, entry: dict[str, Any]) -> str:
    """An entry in one line of Dutch."""
    parts = [f"{k}: {', '.join(v)}" for k, v in entry.items() if isinstance(v, list) and v]
    return f"{kind} '{entry.get('naam') or entry['label']}'" + (f" ({'; '.join(parts)})" if parts else "")


def _replace(data: DataDir, kind: str, entry: dict[str, Any], wie: str, actie: str, wat: str) -> Change:
    """Put an entry in the layer (replacing its id there), write and log it."""
    name, table = _file(kind)
    content = layers.read(data.taxonomie / name)
    own = [e for e in content.get(table, []) if e.get("id") != entry["id"]] + [entry]
    removed = [i for i in content.get(layers.REMOVED, []) if i != entry["id"]]
    new = {**({layers.REMOVED: removed} if removed else {}), table: own}
    change = Change(0, actie, wat if actie != "toegevoegd" else f"{wat} toegevoegd", wie, changelog.now(), kind,
                    entry.get("naam") or entry["label"])
    return changelog.write(data, {name: new}, change)
