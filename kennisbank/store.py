"""The document store: original files by content hash plus one JSON record each; the source of truth."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from kennisbank.config import DataDir

log = logging.getLogger(__name__)

EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "markdown": ".md", "text": ".txt"}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")


class RecordStatus(StrEnum):
    """Where a stored document stands with the index; the values are stored in the record files."""

    PENDING = "pending"  # saved, its passages not yet committed to the index
    INDEXED = "indexed"


@dataclass
class Record:
    """The metadata record of one stored document."""

    id: str
    title: str
    type: str
    region: str
    date: str
    sha256: str
    kind: str
    filename: str
    pages: int = 0
    passages: int = 0
    added: str = ""
    status: str = RecordStatus.PENDING  # a RecordStatus: pending until the index has its passages, then indexed
    extra: dict = field(default_factory=dict)

    @property
    def extension(self) -> str:
        """The file extension of the stored original."""
        return EXTENSIONS.get(self.kind, ".bin")


def sha256(content: bytes) -> str:
    """The hex sha256 of some bytes."""
    return hashlib.sha256(content).hexdigest()


def valid_id(doc_id: str) -> bool:
    """True for ids that are safe as file names (what analysis.slugify makes).

    >>> valid_id("factsheet-proeftuinen"), valid_id("../x"), valid_id(""), valid_id("plan\\n")
    (True, False, False, False)
    """
    return bool(_ID_RE.fullmatch(doc_id))  # not match(): its $ also matches before a trailing newline


def atomic_write(path: Path, content: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """Originals and records in one data directory."""

    def __init__(self, data: DataDir):
        self.data = data

    def original_path(self, record: Record) -> Path:
        """Where the original of a record lives."""
        return self.data.originals / f"{record.sha256}{record.extension}"

    def put_original(self, content: bytes, kind: str) -> str:
        """Store file bytes under their hash (idempotent); return the hash."""
        digest = sha256(content)
        path = self.data.originals / f"{digest}{EXTENSIONS.get(kind, '.bin')}"
        if not path.exists():
            atomic_write(path, content)
        return digest

    def read_original(self, record: Record) -> bytes:
        """The bytes of a stored original."""
        return self.original_path(record).read_bytes()

    def save(self, record: Record) -> None:
        """Write a record atomically."""
        if not valid_id(record.id):
            raise ValueError(f"ongeldige document-id: {record.id!r}")
        payload = json.dumps(asdict(record), ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(self.data.records / f"{record.id}.json", payload)

    def get(self, doc_id: str) -> Record | None:
        """The record with this id, or None."""
        if not valid_id(doc_id):
            return None
        path = self.data.records / f"{doc_id}.json"
        if not path.exists():
            return None
        return Record(**json.loads(path.read_text(encoding="utf-8")))

    def all(self) -> list[Record]:
        """All records, sorted by id."""
        if not self.data.records.exists():
            return []
        records = []
        for path in sorted(self.data.records.glob("*.json")):
            try:
                records.append(Record(**json.loads(path.read_text(encoding="utf-8"))))
            except (ValueError, TypeError) as exc:
                log.warning("onleesbaar record %s overgeslagen: %s", path.name, exc)
        return records

    def by_sha(self, digest: str) -> Record | None:
        """The record whose original has this hash, or None."""
        return next((r for r in self.all() if r.sha256 == digest), None)

    def delete(self, record: Record) -> None:
        """Remove a record, and its original when no other record uses it."""
        (self.data.records / f"{record.id}.json").unlink(missing_ok=True)
        if not any(r.sha256 == record.sha256 for r in self.all()):
            self.original_path(record).unlink(missing_ok=True)
