"""Bulk loads: many documents with one index commit per batch, optionally prepared in worker processes.

The same outcomes and crash rules as documents.add_bytes (which commits every document on its own): records
are saved pending before their batch's commit and indexed after it, so a killed load leaves whole documents
only, and running it again finishes the job.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from indexer.model import RefusedError
from kennisbank import index, taxonomie
from kennisbank.config import DataDir
from kennisbank.documents import AddStatus, Outcome, _changes, _drop_unused_original, _record, _undo
from kennisbank.store import Record, RecordStatus, Store, sha256

BULK_BATCH = 50  # documents per index commit


@taxonomie.with_data_layer
def add_many(data: DataDir, files: Iterable[tuple[str, bytes, dict | None]], batch: int = BULK_BATCH,
             workers: int = 1, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Add many (filename, bytes, overrides) files with one index commit per `batch` documents: for bulk loads.

    Outcomes as add_bytes gives them. Each batch is written under the data dir lock; its records are saved
    pending before the commit and indexed after it, so a killed run leaves whole documents only and a rerun
    finishes the job. workers > 1 runs the pipeline in that many processes while this one indexes.
    """
    store = Store(data.ensure())
    indexed = {r.sha256: r for r in store.all() if r.status == RecordStatus.INDEXED}
    outcomes: list[Outcome] = []
    pending: list = []  # in input order: Outcomes already known, and (filename, bytes, sha, Prepared, start)

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome)

    def flush() -> None:
        written = iter(_write_batch(data, store, [p for p in pending if isinstance(p, tuple)]))
        for item in pending:
            if isinstance(item, tuple):
                item, record = next(written)
                indexed[record.sha256] = record
            done(item)
        pending.clear()

    def present(filename: str, digest: str) -> Outcome:
        return Outcome(filename, AddStatus.PRESENT, indexed[digest].id, "al aanwezig", indexed[digest].passages)

    for filename, content, overrides, digest, prepared, started in _prepared(data, files, indexed, workers, batch):
        if prepared is None or isinstance(prepared, Outcome):
            pending.append(prepared or present(filename, digest))
            continue
        queued = [p for p in pending if isinstance(p, tuple)]
        if any(p[2] == digest or p[3].meta.id == prepared.meta.id for p in queued):
            flush()  # the same document twice: the second one must see the first one's commit
            if digest in indexed and not _changes(indexed[digest], overrides):
                pending.append(present(filename, digest))
                continue
        pending.append((filename, content, digest, prepared, started))
        if len(queued) + 1 >= batch:
            flush()
    flush()
    return outcomes


def _prepared(data: DataDir, files: Iterable[tuple[str, bytes, dict | None]], indexed: dict[str, Record],
              workers: int, ahead_max: int):
    """(filename, bytes, overrides, sha, Prepared | refusal Outcome | None for present, start time) in order.

    With workers, up to ahead_max files are being prepared while the caller indexes the previous ones.
    """
    pool = ProcessPoolExecutor(workers, initializer=taxonomie.use, initargs=(data.taxonomie,)) if workers > 1 else None
    ahead: deque = deque()
    try:
        for filename, content, overrides in files:
            digest, started = sha256(content), time.perf_counter()
            present = indexed.get(digest)
            if present and not _changes(present, overrides):
                ahead.append((filename, content, overrides, digest, None, started))
            elif pool:
                ahead.append((filename, content, overrides, digest, pool.submit(_prepare, content, filename, overrides),
                              started))
            else:
                ahead.append((filename, content, overrides, digest, _prepare(content, filename, overrides), started))
            while ahead and (len(ahead) > ahead_max + 2 * workers or not hasattr(ahead[0][4], "result")
                             or ahead[0][4].done()):
                yield _resolved(ahead.popleft())
        while ahead:
            yield _resolved(ahead.popleft())
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def _resolved(item: tuple) -> tuple:
    """An item with its prepare future replaced by the result."""
    return item[:4] + ((item[4].result() if hasattr(item[4], "result") else item[4]),) + item[5:]


def _prepare(content: bytes, filename: str, overrides: dict | None):
    """The pipeline for one file, or a refusal Outcome (runs in a worker process too)."""
    from indexer.pipeline import prepare

    try:
        return prepare(content, filename, overrides)
    except RefusedError as exc:
        return Outcome(filename, AddStatus.REFUSED, message=str(exc))


def _write_batch(data: DataDir, store: Store, batch: list) -> list[tuple[Outcome, Record]]:
    """Index prepared documents in one commit, their records pending before it and indexed after it.

    When the batch fails (a full disk, a bad id, Ctrl+C), its records and new originals are taken back, as
    add_bytes does for one file, and the error is raised; a crash instead leaves pending records behind.
    """
    outcomes: list[tuple[Outcome, Record]] = []
    written: list[tuple] = []
    if not batch:
        return outcomes
    with index.write_lock(data):
        ix = index.open_index(data)
        try:
            with index.writer(ix) as w:
                for filename, content, digest, prepared, started in batch:
                    meta = prepared.meta
                    previous = store.get(meta.id)
                    record = _record(meta, digest, prepared.kind, filename, len(prepared.pages),
                                     len(prepared.passages))
                    had_original = store.original_path(record).exists()
                    written.append((record, previous, filename, digest, started, had_original))
                    store.put_original(content, prepared.kind)
                    store.save(record)
                    w.replace(meta, digest, prepared.passages)
        except BaseException:
            for record, previous, _f, _d, _s, had_original in reversed(written):
                _undo(store, record, previous, had_original)
            raise
        for record, previous, filename, digest, started, _had in written:
            record.status = RecordStatus.INDEXED
            store.save(record)
            if previous and previous.sha256 != digest:
                _drop_unused_original(store, previous)
            status = AddStatus.REPLACED if previous and previous.status == RecordStatus.INDEXED else AddStatus.ADDED
            outcomes.append((Outcome(filename, status, record.id, record.title, record.passages,
                                     time.perf_counter() - started), record))
    return outcomes
