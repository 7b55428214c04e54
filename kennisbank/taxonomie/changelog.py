"""The log of the taxonomy's changes, and how a change reaches the data dir's layer: checked on the whole
taxonomy it would make, the layer's files replaced atomically, logged with the files as they were (for undo),
and a re-tag job queued."""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kennisbank import taxonomie
from kennisbank.config import DataDir
from kennisbank.taxonomie import TaxonomieError, layers

log = logging.getLogger(__name__)
HEADER = ("De eigen aanvullingen en wijzigingen van deze organisatie op de taxonomie van Kennisbank.\n"
          "Gemaakt met 'kennisbank taxonomie' of /beheer/taxonomie; zie de README voor de vorm.")


@dataclass
class Change:
    """One logged change of the taxonomy, and the re-tag job that brings the passages' tags in line."""

    nummer: int
    actie: str  # toegevoegd, gewijzigd, verwijderd, geïmporteerd, ongedaan gemaakt
    wat: str  # what changed, in Dutch
    wie: str
    wanneer: str
    soort: str = ""
    naam: str = ""
    ongedaan: bool = False
    voor: dict[str, str | None] = field(default_factory=dict, repr=False)  # layer files as they were
    job: str = ""

    def public(self) -> dict[str, Any]:
        """The change as JSON-ready data, without the files it replaced."""
        return {k: v for k, v in asdict(self).items() if k != "voor"}


def write(data: DataDir, files: dict[str, dict | None], change: Change) -> Change:
    """Check the taxonomy the files would make, then replace them (None: remove) and log the change."""
    rendered = {name: layers.dumps(content, _table(name), HEADER) if content else None  # empty: no file
                for name, content in files.items()}
    with tempfile.TemporaryDirectory() as tmp:
        for name in layers.NAMES:
            text = rendered[name] if name in rendered else _text(data.taxonomie / name)
            if text is not None:
                (Path(tmp) / name).write_text(text, encoding="utf-8")
        try:
            taxonomie.build(taxonomie.DATA_DIR, Path(tmp))
        except TaxonomieError as exc:
            raise TaxonomieError(str(exc).replace(tmp, str(data.taxonomie))) from exc
    change.voor = {name: _text(data.taxonomie / name) for name in rendered}
    put(data, rendered)
    append(data, history(data), change)
    log.info("taxonomie: %s (door %s)", change.wat, change.wie)
    return queued(data, change)


def _table(name: str) -> str:
    """The array-of-tables key of a layer file."""
    return next(table for file, table in layers.FILES.values() if file == name)


def _text(path: Path) -> str | None:
    """A file's text, None when it is not there."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def put(data: DataDir, files: dict[str, str | None]) -> None:
    """Replace layer files (None: remove); every new file is written in full before any is replaced."""
    from kennisbank.store import atomic_write

    data.taxonomie.mkdir(parents=True, exist_ok=True)
    staged = []
    try:
        for name, text in files.items():
            if text is not None:
                staged.append((data.taxonomie / f".nieuw-{name}", data.taxonomie / name))
                atomic_write(staged[-1][0], text.encode("utf-8"))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    for name, text in files.items():
        if text is None:
            (data.taxonomie / name).unlink(missing_ok=True)


def history(data: DataDir) -> list[Change]:
    """Every logged change, oldest first."""
    text = _text(data.taxonomie_log)
    return [Change(**c) for c in json.loads(text)] if text else []


def append(data: DataDir, history: list[Change], change: Change) -> None:
    """Log a change (numbered) and write the log atomically."""
    from kennisbank.store import atomic_write

    change.nummer = max((c.nummer for c in history), default=0) + 1
    payload = json.dumps([asdict(c) for c in [*history, change]], ensure_ascii=False, indent=1)
    atomic_write(data.taxonomie_log, payload.encode("utf-8"))


def queued(data: DataDir, change: Change) -> Change:
    """Queue re-tagging for the change."""
    from kennisbank import index, jobs

    if index.exists(data):
        change.job = jobs.submit_retag(data)
    return change


def now() -> str:
    """The time of a change."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
