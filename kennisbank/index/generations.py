"""Index generations in the data dir: open the active one, build a new one beside it, switch atomically.

data/index is a link to the active generation folder (data/index-<n>); `reindex` fills a new generation and
`activate` points the link at it in one step. Each generation records the engine that built it, the rules
fingerprint and the taxonomy version it was built with.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from indexer import PIPELINE_VERSION
from kennisbank import taxonomie
from kennisbank.analysis import configure, fingerprint
from kennisbank.config import DataDir
from kennisbank.index import engine, fields
from kennisbank.index.engine import Generation

RULES_FILE = "taalregels.txt"  # the rules fingerprint an index generation was built with
TAGS_FILE = "taxonomie.txt"  # the version of the taxonomy its passages were tagged with (taxonomie.load().version)


class IndexDamagedError(RuntimeError):
    """The index cannot be opened or read; `kennisbank reindex` rebuilds it from the store."""


def exists(data: DataDir) -> bool:
    """True when the data dir holds an index (whether it is readable shows on opening)."""
    return data.index.is_dir() and engine.has_index(data.index)


def expected(data: DataDir) -> bool:
    """True when an index should be there: the link to one was made, or the store has documents."""
    return data.index.is_symlink() or data.index.exists() or any(data.records.glob("*.json"))


def _use_word_cache(data: DataDir) -> None:
    """Let the analysis chain keep its compound dictionary in this data dir (same at index and query time)."""
    path = data.word_cache
    if _configured.get("cache") != path:
        data.cache.mkdir(parents=True, exist_ok=True)
        configure(cache=path)
        _configured["cache"] = path


_configured: dict[str, Path] = {}


def open_index(data: DataDir, create: bool = True, engine_name: str | None = None) -> Generation:
    """Open the active index generation, by the engine that built it; when there is none (and create is True),
    create an empty one with the chosen engine ($KENNISBANK_ENGINE, else whoosh)."""
    _use_word_cache(data)
    if not exists(data):
        if expected(data):  # never start a new, empty index over documents that the store still has
            raise IndexDamagedError(f"de index in {data.index} ontbreekt of is onvolledig, terwijl de opslag "
                                    "documenten heeft; herstel hem met 'kennisbank reindex'")
        if not create:
            raise IndexDamagedError(f"geen index in {data.root}; voeg documenten toe of draai 'kennisbank reindex'")
        data.root.mkdir(parents=True, exist_ok=True)
        ix = new_index(data, engine_name)
        activate(data, ix)
        return ix
    try:
        return engine.open_generation(data.index.resolve())
    except fields.OtherLayout as exc:
        raise IndexDamagedError(
            f"de index in {data.index} is gebouwd door een andere versie van Kennisbank (andere velden: {exc}); "
            "bouw hem opnieuw op met 'kennisbank reindex'") from exc
    except Exception as exc:  # every engine raises its own kinds here; all mean the same to the user
        raise IndexDamagedError(
            f"de index in {data.index} ({engine.built_by(data.index)}) is beschadigd of onleesbaar ({exc}); "
            "herstel hem met 'kennisbank reindex'") from exc


def new_index(data: DataDir, engine_name: str | None = None) -> Generation:
    """An empty index in a fresh generation folder beside the active one (not active yet), built by the named
    engine, else the chosen one ($KENNISBANK_ENGINE, else whoosh)."""
    name = engine.chosen(engine_name)
    existing = [int(p.name.split("-")[1]) for p in data.generations() if p.name.split("-")[1].isdigit()]
    folder = data.generation(max(existing, default=0) + 1)
    folder.mkdir(parents=True)
    (folder / RULES_FILE).write_text(rules_fingerprint() + "\n", encoding="utf-8")
    (folder / TAGS_FILE).write_text(taxonomie.load(data).version + "\n", encoding="utf-8")
    return engine.create(folder, name)


def rules_fingerprint() -> str:
    """A short hash of what decides the index's content: the analysis rules and word lists, the taxonomy that
    tags passages, the ingest pipeline's version and the fields' layout. Under another one, passages, forms, tags
    or stored fields differ."""
    digest = hashlib.sha256(f"{fingerprint()} {PIPELINE_VERSION} {fields.LAYOUT}".encode())
    for path in sorted(taxonomie.DATA_DIR.glob("*.toml")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def stale_rules(data: DataDir) -> str | None:
    """A plain-words problem when the active index was built under other rules, else None."""
    marker = data.index / RULES_FILE
    built = marker.read_text(encoding="utf-8").strip() if marker.exists() else "onbekend"
    if built == (now := rules_fingerprint()):
        return None
    return (f"de index is gebouwd met andere taalregels, taxonomie of verwerking (versie {built}, nu {now}): "
            "zoeken en vergelijken missen dan vormen en labels; bouw hem opnieuw op met 'kennisbank reindex'")


def tags_version(folder: Path) -> str:
    """The taxonomy version a generation's passages were tagged with; a generation from before the data dir's
    taxonomy layer existed was tagged with the package's."""
    marker = folder / TAGS_FILE
    if marker.exists():
        return marker.read_text(encoding="utf-8").strip()
    return taxonomie.layers.version(taxonomie.DATA_DIR, None)


def stale_tags(data: DataDir) -> str | None:
    """A plain-words problem when the active index's tags were made with another taxonomy than the one in effect."""
    built, now = tags_version(data.index), taxonomie.load(data).version
    if built == now:
        return None
    return (f"de labels van de passages zijn gemaakt met een andere taxonomie (versie {built}, nu {now}): "
            "vergelijken en filters volgen de wijziging pas als ze bijgewerkt zijn; de taak daarvoor loopt in "
            "de webserver, of maak hem af met 'kennisbank jobs --run'")


def building(data: DataDir) -> list[Generation]:
    """The generations beside the active one that still open and were made under the current rules and taxonomy
    (one a re-tag left when it was stopped); others are removed."""
    active, wanted, version = data.index.resolve(), rules_fingerprint(), taxonomie.load(data).version
    found = []
    for folder in sorted(data.generations()):
        if folder.resolve() == active or not folder.is_dir():
            continue
        marker = folder / RULES_FILE
        try:
            if marker.read_text(encoding="utf-8").strip() == wanted and tags_version(folder) == version:
                found.append(engine.open_generation(folder))
                continue
        except Exception:  # unreadable or half-made: start again
            pass
        shutil.rmtree(folder, ignore_errors=True)
    return found


def activate(data: DataDir, ix: Generation) -> None:
    """Point data/index at the folder of ix in one atomic step and remove older generations."""
    folder = ix.folder
    tmp = data.index_link_tmp
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(folder.name)
    if data.index.exists() and not data.index.is_symlink():
        shutil.rmtree(data.index)  # a plain folder from an older layout
    os.replace(tmp, data.index)
    for old in data.generations():
        if old.is_dir() and old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)


def discard(data: DataDir, ix: Generation) -> None:
    """Remove an index generation that was never activated (a failed or interrupted rebuild)."""
    folder = ix.folder
    if folder.resolve() != data.index.resolve() and folder.parent == data.root:
        shutil.rmtree(folder, ignore_errors=True)
