"""The taxonomy's two layers: the package's TOML files (the defaults) and a data dir's own, in the same format.

A data dir's `taxonomie/<soort>.toml` holds the organisation's additions and changes: an entry with a new id is
added, an entry with the id of a package entry replaces it, and `verwijderd = ["id", ...]` lists package
entries that no longer count. In `werkende_elementen.toml` the layer's `termen` are added and its `verwijderd`
terms dropped. Both layers are checked by the same rules; the version of the result is a hash of both.
"""
from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any

FILES = {  # attribute -> (file, array-of-tables key)
    "basisprincipes": ("basisprincipes.toml", "basisprincipe"),
    "vraagstukken": ("vraagstukken.toml", "vraagstuk"),
    "organisaties": ("organisaties.toml", "organisatie"),
    "afkortingen": ("afkortingen.toml", "afkorting"),
    "regios": ("regios.toml", "regio"),
}
WERKEND = "werkende_elementen.toml"
REMOVED = "verwijderd"
NAMES = (*(name for name, _ in FILES.values()), WERKEND)


class TaxonomieError(ValueError):
    """A taxonomy file or change that cannot be used; the message names the file or entry and the problem."""


def read(path: Path) -> dict[str, Any]:
    """One TOML file ({} when it is not there); a syntax error names the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomieError(f"{path}: geen geldige TOML ({exc})") from exc


def _checked_top(content: dict[str, Any], allowed: set[str], where: str) -> None:
    """Refuse unknown top-level keys and a `verwijderd` that is no list of ids."""
    if unknown := set(content) - allowed:
        raise TaxonomieError(f"{where}: onbekende sleutels {sorted(unknown)}")
    removed = content.get(REMOVED, [])
    if not isinstance(removed, list) or not all(isinstance(v, str) and v for v in removed):
        raise TaxonomieError(f"{where}: '{REMOVED}' moet een lijst van ids zijn")


def entries(package: Path, layer: Path | None, name: str, table: str) -> list[tuple[dict[str, Any], str]]:
    """(entry, where it comes from) of one kind: the package's, with the layer's replacing, added or removed."""
    base = read(package / name)
    _checked_top(base, {table}, name)
    out = [(e, name) for e in base.get(table, [])]
    if layer is None:
        return out
    path = layer / name
    own = read(path)
    _checked_top(own, {table, REMOVED}, str(path))
    removed = set(own.get(REMOVED, []))
    added = list(own.get(table, []))
    replacing = {e.get("id"): e for e in added if isinstance(e, dict)}
    merged = []
    for entry, where in out:
        ident = entry.get("id")
        if ident in replacing:
            merged.append((replacing[ident], str(path)))
            added.remove(replacing[ident])
        elif ident not in removed:
            merged.append((entry, where))
    return merged + [(e, str(path)) for e in added]


def werkende_termen(package: Path, layer: Path | None) -> tuple[list[Any], str]:
    """The signal terms of werkende elementen, the layer's added and its `verwijderd` dropped."""
    base = read(package / WERKEND)
    _checked_top(base, {"termen"}, WERKEND)
    terms = list(base.get("termen", []))
    if layer is None:
        return terms, WERKEND
    own = read(layer / WERKEND)
    _checked_top(own, {"termen", REMOVED}, str(layer / WERKEND))
    removed = set(own.get(REMOVED, []))
    return [t for t in terms if t not in removed] + list(own.get("termen", [])), str(layer / WERKEND)


def stamp(layer: Path | None) -> tuple[tuple[str, int, int, int], ...]:
    """What changes when a layer file is written (name, inode, mtime, size): cheap to take on every look-up."""
    if layer is None:
        return ()
    out = []
    for name in NAMES:
        try:
            st = os.stat(layer / name)
        except FileNotFoundError:
            continue
        out.append((name, st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(out)


def version(package: Path, layer: Path | None) -> str:
    """A short hash of both layers' files: equal versions tag passages alike."""
    digest = hashlib.sha256()
    for folder in (package, layer):
        for name in NAMES if folder is not None else ():
            if (path := folder / name).exists():
                digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def dumps(content: dict[str, Any], table: str | None, header: str = "") -> str:
    """A layer file as TOML: top-level lists first, then the entries as an array of tables.

    >>> print(dumps({"verwijderd": ["a"], "regio": [{"id": "x", "naam": "X", "landelijk": False}]}, "regio"))
    verwijderd = ["a"]
    <BLANKLINE>
    [[regio]]
    id = "x"
    naam = "X"
    landelijk = false
    <BLANKLINE>
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"{key} = {_value(value)}" for key, value in content.items() if key != table]
    for entry in content.get(table, []) if table else []:
        lines += ["", f"[[{table}]]", *(f"{key} = {_value(value)}" for key, value in entry.items())]
    return "\n".join(lines).lstrip("\n") + "\n"


def _value(value: Any) -> str:
    """A string, boolean or list of strings as TOML (a JSON string is a valid TOML basic string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)
