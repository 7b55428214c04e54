"""Adding, replacing, removing and re-indexing documents: the store and the index kept in step."""
from __future__ import annotations

import logging
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from pathlib import Path

from indexer.model import Metadata, RefusedError
from kennisbank import index
from kennisbank.config import DataDir
from kennisbank.gegevens import logboek
from kennisbank.store import Record, RecordStatus, Store, sha256
from kennisbank.taxonomie import with_data_layer

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".md", ".markdown", ".txt"}


class AddStatus(StrEnum):
    """What happened to one added file; the values are shown to users."""

    ADDED = "toegevoegd"
    REPLACED = "vervangen"
    PRESENT = "al aanwezig"
    REFUSED = "geweigerd"


@dataclass
class Outcome:
    """What happened to one file."""

    filename: str
    status: str  # an AddStatus (uploads.Queued has its own)
    doc_id: str = ""
    message: str = ""
    passages: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """False only for refused files."""
        return self.status != AddStatus.REFUSED


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add_bytes(data: DataDir, content: bytes, filename: str, overrides: dict | None = None,
              ocr=False) -> Outcome:
    """Add one file: identical content is a no-op, the same id with new content replaces; in the logboek as
    'document toegevoegd' or 'document vervangen', or as failed with the reason.

    ocr: False, True or an indexer.ocr.OcrSettings (see ocr_settings); kennisbank.jobs passes it.
    """
    try:
        outcome = _add_bytes(data, content, filename, overrides, ocr)
    except Exception as exc:
        logboek.write(data, "document toevoegen", safe_filename(filename), logboek.Resultaat.MISLUKT, str(exc))
        raise
    if outcome.status == AddStatus.REFUSED:
        logboek.write(data, "document toevoegen", safe_filename(filename), logboek.Resultaat.MISLUKT, outcome.message)
    elif outcome.status != AddStatus.PRESENT:
        logboek.write(data, f"document {outcome.status}", outcome.doc_id)
    return outcome


@with_data_layer
def _add_bytes(data: DataDir, content: bytes, filename: str, overrides: dict | None, ocr) -> Outcome:
    """add_bytes without the logboek."""
    from indexer.pipeline import prepare  # the heavy pipeline loads only for writes

    started = time.perf_counter()
    store = Store(data.ensure())
    digest = sha256(content)
    present = store.by_sha(digest)
    if present and present.status == RecordStatus.INDEXED and not _changes(present, overrides):
        return Outcome(filename, AddStatus.PRESENT, present.id, f"zelfde inhoud als '{present.title}'",
                       present.passages)
    try:
        prepared = prepare(content, filename, overrides, ocr=ocr_settings(data, ocr))
    except RefusedError as exc:
        return Outcome(filename, AddStatus.REFUSED, message=str(exc))
    meta = prepared.meta
    with index.write_lock(data):
        ix = index.open_index(data)
        previous = store.get(meta.id)
        if (previous and previous.sha256 == digest and previous.status == RecordStatus.INDEXED
                and not _changes(previous, overrides)):
            return Outcome(filename, AddStatus.PRESENT, meta.id, "al aanwezig", previous.passages)
        record = _record(meta, digest, prepared.kind, filename, len(prepared.pages), len(prepared.passages))
        had_original = store.original_path(record).exists()
        store.put_original(content, prepared.kind)
        try:
            store.save(record)  # pending: the index has not got it yet
            index.replace_document(ix, meta, digest, prepared.passages)
        except BaseException:  # a full disk, an I/O error, Ctrl+C: nothing of this file may stay behind
            _undo(store, record, previous, had_original)
            raise
        record.status = RecordStatus.INDEXED
        store.save(record)
        if previous and previous.sha256 != digest:
            _drop_unused_original(store, previous)
    status = AddStatus.REPLACED if previous and previous.status == RecordStatus.INDEXED else AddStatus.ADDED
    return Outcome(filename, status, meta.id, meta.title, len(prepared.passages), time.perf_counter() - started)


def _changes(record: Record, overrides: dict | None) -> bool:
    """True when the user asks for metadata that differs from the stored record."""
    return any(v and getattr(record, k, v) != v for k, v in (overrides or {}).items() if k != "id")


def _record(meta: Metadata, digest: str, kind: str, filename: str, pages: int, passages: int) -> Record:
    return Record(id=meta.id, title=meta.title, type=meta.type, region=meta.region, date=meta.date,
                  sha256=digest, kind=kind, filename=safe_filename(filename), pages=pages,
                  passages=passages, added=_now())


def safe_filename(name: str) -> str:
    """The last part of a file name without control or format characters: a label, never a path.

    >>> safe_filename("../../etc/passwd"), safe_filename("C:\\\\map\\\\plan.pdf")
    ('passwd', 'plan.pdf')
    >>> safe_filename("a\\x1b[31mb\\u202e.md")
    'a[31mb.md'
    """
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()[:200] or "document"


def _undo(store: Store, record: Record, previous: Record | None, had_original: bool) -> None:
    """After a failed commit: the previous record back (or none), and no original that only this add stored."""
    try:
        if previous is not None:
            store.save(previous)
        else:
            (store.data.records / f"{record.id}.json").unlink(missing_ok=True)
        if not had_original:
            _drop_unused_original(store, record)
    except OSError as exc:  # the disk may still be full; check() reports what is left
        log.error("terugdraaien van %s mislukt: %s", record.id, exc)


def _drop_unused_original(store: Store, old: Record) -> None:
    """Delete an original that no record points at any more."""
    if not any(r.sha256 == old.sha256 for r in store.all()):
        store.original_path(old).unlink(missing_ok=True)


def add_path(data: DataDir, path: Path, overrides: dict | None = None) -> Outcome:
    """Add one file from disk; unreadable files are refused, not raised."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        return Outcome(path.name, AddStatus.REFUSED, message=f"kan het bestand niet lezen ({exc.strerror})")
    return add_bytes(data, content, path.name, overrides)


def remove(data_dir: DataDir, doc_id: str) -> Record | None:
    """Remove a document from the index and the store; None when it does not exist. Logged in the logboek."""
    try:
        record = _remove(data_dir, doc_id)
    except Exception as exc:
        logboek.write(data_dir, "document verwijderd", doc_id[:120], logboek.Resultaat.MISLUKT, str(exc))
        raise
    if record is None:
        logboek.write(data_dir, "document verwijderd", doc_id[:120], logboek.Resultaat.MISLUKT, "bestaat niet")
    else:
        logboek.write(data_dir, "document verwijderd", doc_id)
    return record


def _remove(data_dir: DataDir, doc_id: str) -> Record | None:
    """remove without the logboek."""
    store = Store(data_dir)
    with index.write_lock(data_dir):
        record = store.get(doc_id)
        if record is None:
            return None
        index.delete_document(index.open_index(data_dir), doc_id)
        store.delete(record)
    return record


@logboek.recorded("index opnieuw opgebouwd", lambda *args, **kwargs: "index")
@with_data_layer
def reindex(data_dir: DataDir, progress=None, engine: str | None = None) -> tuple[int, list[Outcome]]:
    """Rebuild the whole index from the stored originals and records; swap it in only when complete. The new
    generation is built by `engine` when given (a data dir converts to it), else by the active one's."""
    from indexer.pipeline import prepare

    store = Store(data_dir.ensure())
    problems: list[Outcome] = []
    count = 0
    with index.write_lock(data_dir):
        current = index.built_by(data_dir.index) if index.exists(data_dir) else None
        ix = index.new_index(data_dir, engine or current)
        records = store.all()
        try:
            with index.writer(ix) as w:
                for i, record in enumerate(records, 1):
                    try:
                        prepared = prepare(store.read_original(record), record.filename, _overrides(record),
                                           ocr=ocr_settings(data_dir, True))
                    except (RefusedError, OSError) as exc:
                        problems.append(Outcome(record.filename, AddStatus.REFUSED, record.id, str(exc)))
                        continue
                    w.add(prepared.meta, record.sha256, prepared.passages)
                    record.status, record.passages = RecordStatus.INDEXED, len(prepared.passages)
                    count += 1
                    if progress:
                        progress(i, len(records), record.id)
            index.activate(data_dir, ix)
        except BaseException:  # the active index stays as it was; the half-built generation goes
            index.discard(data_dir, ix)
            raise
        for record in records:
            store.save(record)
    return count, problems


def _overrides(record: Record) -> dict:
    """The metadata of a record as overrides for the pipeline."""
    return {"id": record.id, "title": record.title, "type": record.type, "region": record.region,
            "date": record.date}


@with_data_layer
def check(data_dir: DataDir) -> list[str]:
    """Everything on which the store and the index disagree, in plain words; empty when all is well."""
    store = Store(data_dir)
    problems = []
    if not index.exists(data_dir) and not index.expected(data_dir):
        return []  # nothing stored, nothing indexed: a new data dir
    try:
        ix = index.open_index(data_dir, create=False)
        indexed = index.indexed_documents(ix)
    except index.IndexDamagedError as exc:
        return [str(exc)]
    if stale := index.stale_rules(data_dir):
        problems.append(stale)
    elif stale := index.stale_tags(data_dir):
        problems.append(stale)
    records = {r.id: r for r in store.all()}
    for doc_id, record in records.items():
        if not store.original_path(record).exists():
            problems.append(f"{doc_id}: origineel ontbreekt ({record.sha256[:12]})")
        if record.status != RecordStatus.INDEXED:
            problems.append(f"{doc_id}: toevoegen niet afgemaakt (status {record.status}); voeg opnieuw toe of reindex")
        elif doc_id not in indexed:
            problems.append(f"{doc_id}: staat in de opslag maar niet in de index")
        elif indexed[doc_id][0] != record.sha256:
            problems.append(f"{doc_id}: de index heeft een andere versie dan de opslag")
        elif indexed[doc_id][1] != record.passages:
            problems.append(f"{doc_id}: {indexed[doc_id][1]} passages in de index, {record.passages} verwacht")
    for doc_id in indexed.keys() - records.keys():
        problems.append(f"{doc_id}: staat in de index maar niet in de opslag")
    return problems


# --- OCR (issue 9): scanned pages are read with tesseract; their text is cached under data/cache/ocr/ ---

def ocr_settings(data_dir: DataDir, ocr=True):
    """OCR settings (indexer.ocr.OcrSettings) that cache OCR'd pages in the data dir; None when ocr is off."""
    if not ocr:
        return None
    from dataclasses import replace

    from indexer.ocr import OcrSettings

    settings = ocr if isinstance(ocr, OcrSettings) else OcrSettings()
    return replace(settings, cache_dir=settings.cache_dir or data_dir.ocr_cache)
