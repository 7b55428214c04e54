"""All whoosh access: the schema, opening, and writer/searcher context managers, plus the writers' lock."""
from __future__ import annotations

import errno
import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.query import Term
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.writing import IndexWriter

from indexer import PIPELINE_VERSION
from kennisbank import taxonomie
from kennisbank.analysis import configure, exact_analyzer, fingerprint, parts_analyzer, text_analyzer, whole_analyzer
from kennisbank.config import DataDir

log = logging.getLogger(__name__)

INDEX_NAME = "passages"
RULES_FILE = "taalregels.txt"  # the rules fingerprint an index generation was built with
LOCK_TIMEOUT = 120.0  # seconds a writer waits for another before it gives up with BusyError
LOCK_TIMEOUT_VAR = "KENNISBANK_LOCK_TIMEOUT"  # overrides LOCK_TIMEOUT (seconds), read at every lock

# Fields that hold taxonomy labels; searchable as filters and counted as facets.
TAG_FIELDS = ("regio", "principe", "thema", "organisatie", "genoemd")


def _fix_andnot_first_hit() -> None:
    """Patch whoosh 2.7's AndNotMatcher, which let an excluded passage through as the first hit of a segment.

    Its _find_first only skipped when both sub-matchers stood on the same id, so with the exclusion still
    behind ("Tilburg -verklarende": the first Tilburg passage also says "verklarende") that passage matched.
    Known upstream as whoosh-community/whoosh#419, not fixed in whoosh-reloaded 2.7.5.
    """
    from whoosh.matching.binary import AndNotMatcher

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()  # skips the exclusion forward first, then every excluded id

    AndNotMatcher._find_first = _find_first


_fix_andnot_first_hit()


class BusyError(RuntimeError):
    """Another process is writing to this data dir."""


class IndexDamagedError(RuntimeError):
    """The index cannot be opened or read; `kennisbank reindex` rebuilds it from the store."""


def make_schema() -> Schema:
    """The schema of one passage."""
    return Schema(
        pid=ID(stored=True, unique=True),
        document_id=ID(stored=True),
        sha256=ID(stored=True),
        title=TEXT(analyzer=text_analyzer(), stored=True),
        type=ID(stored=True),
        region=ID(stored=True),
        date=ID(stored=True),
        jaar=ID(stored=True),
        page=NUMERIC(stored=True),
        position=NUMERIC(stored=True, sortable=True),
        section=STORED(),  # the whole section path, for display and diversity
        heading=TEXT(analyzer=text_analyzer()),  # headings a passage opens with: where a section starts
        text=TEXT(analyzer=whole_analyzer(), stored=True, phrase=True),  # whole words, stemmed
        parts=TEXT(analyzer=parts_analyzer(), phrase=False),  # parts of compounds: a weaker kind of match
        exact=TEXT(analyzer=exact_analyzer(), phrase=True),
        regio=KEYWORD(stored=True, commas=True, scorable=False),
        principe=KEYWORD(stored=True, commas=True, scorable=False),
        thema=KEYWORD(stored=True, commas=True, scorable=False),
        organisatie=KEYWORD(stored=True, commas=True, scorable=False),
        genoemd=KEYWORD(stored=True, commas=True, scorable=False),
        werkend=BOOLEAN(stored=True),
        ocr=BOOLEAN(stored=True),
        tags=STORED(),
    )


def exists(data: DataDir) -> bool:
    """True when the data dir holds an index (a table of contents; whether it is readable shows on opening)."""
    return any(data.index.glob(f"_{INDEX_NAME}_*.toc"))


def expected(data: DataDir) -> bool:
    """True when an index should be there: the link to one was made, or the store has documents."""
    return data.index.is_symlink() or data.index.exists() or any(data.records.glob("*.json"))


@functools.lru_cache(maxsize=1)
def _field_names() -> frozenset[str]:
    return frozenset(make_schema().names())


def _use_word_cache(data: DataDir) -> None:
    """Let the analysis chain keep its compound dictionary in this data dir (same at index and query time)."""
    path = data.word_cache
    if _configured.get("cache") != path:
        data.cache.mkdir(parents=True, exist_ok=True)
        configure(cache=path)
        _configured["cache"] = path


_configured: dict[str, Path] = {}


def open_index(data: DataDir, create: bool = True) -> Any:
    """Open the index, creating an empty one when there is none (and create is True)."""
    _use_word_cache(data)
    if not exists(data):
        if expected(data):  # never start a new, empty index over documents that the store still has
            raise IndexDamagedError(f"de index in {data.index} ontbreekt of is onvolledig, terwijl de opslag "
                                    "documenten heeft; herstel hem met 'kennisbank reindex'")
        if not create:
            raise IndexDamagedError(f"geen index in {data.root}; voeg documenten toe of draai 'kennisbank reindex'")
        data.root.mkdir(parents=True, exist_ok=True)
        ix = new_index(data)
        activate(data, ix)
        return ix
    try:
        ix = whoosh_index.open_dir(str(data.index), indexname=INDEX_NAME)
        ix.doc_count()  # reads the segment list, so a damaged TOC shows here, not in the first search
    except Exception as exc:  # whoosh raises many kinds here; all mean the same to the user
        raise IndexDamagedError(
            f"de index in {data.index} is beschadigd of onleesbaar ({type(exc).__name__}: {exc}); "
            "herstel hem met 'kennisbank reindex'") from exc
    if frozenset(ix.schema.names()) != _field_names():
        raise IndexDamagedError(f"de index in {data.index} is gemaakt door een andere versie van Kennisbank "
                                "(andere velden); bouw hem opnieuw op met 'kennisbank reindex'")
    return ix


def new_index(data: DataDir) -> Any:
    """An empty index in a fresh generation folder beside the active one (not active yet)."""
    existing = [int(p.name.split("-")[1]) for p in data.generations() if p.name.split("-")[1].isdigit()]
    folder = data.generation(max(existing, default=0) + 1)
    folder.mkdir(parents=True)
    (folder / RULES_FILE).write_text(rules_fingerprint() + "\n", encoding="utf-8")
    return whoosh_index.create_in(str(folder), make_schema(), indexname=INDEX_NAME)


def rules_fingerprint() -> str:
    """A short hash of what decides the index's content: the analysis rules and word lists, the taxonomy that
    tags passages, and the ingest pipeline's version. Under another one, passages, forms or tags differ."""
    digest = hashlib.sha256(f"{fingerprint()} {PIPELINE_VERSION}".encode())
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


def activate(data: DataDir, ix: Any) -> None:
    """Point data/index at the folder of ix in one atomic step and remove older generations."""
    folder = Path(ix.storage.folder)
    tmp = data.index_link_tmp
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(folder.name)
    if data.index.exists() and not data.index.is_symlink():
        shutil.rmtree(data.index)  # a plain folder from an older layout
    os.replace(tmp, data.index)
    for old in data.generations():
        if old.is_dir() and old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)


def discard(data: DataDir, ix: Any) -> None:
    """Remove an index generation that was never activated (a failed or interrupted rebuild)."""
    folder = Path(ix.storage.folder)
    if folder.resolve() != data.index.resolve() and folder.parent == data.root:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def write_lock(data: DataDir, timeout: float | None = None) -> Iterator[None]:
    """Hold the data dir's writer lock; wait at most timeout seconds (default lock_timeout()), then raise BusyError."""
    data.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(data.write_lock, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + (lock_timeout() if timeout is None else timeout)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise BusyError("er loopt al een andere schrijfactie (ingest, verwijderen of reindex) "
                                    "op deze datamap; probeer het straks opnieuw") from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def lock_timeout() -> float:
    """Seconds a writer waits for the lock: $KENNISBANK_LOCK_TIMEOUT, else LOCK_TIMEOUT.

    >>> os.environ[LOCK_TIMEOUT_VAR] = "2.5"; lock_timeout()
    2.5
    >>> os.environ[LOCK_TIMEOUT_VAR] = "nonsens"; lock_timeout() == LOCK_TIMEOUT; del os.environ[LOCK_TIMEOUT_VAR]
    True
    """
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT_VAR, LOCK_TIMEOUT)))
    except ValueError:
        return LOCK_TIMEOUT


@contextmanager
def writer(ix: Any, **options: Any) -> Iterator[IndexWriter]:
    """A writer that commits on success and cancels (never commits) on any error, which is re-raised.

    options go to whoosh's ix.writer (bulk loads: procs, limitmb, multisegment).
    """
    w = ix.writer(timeout=LOCK_TIMEOUT, **options)
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    w.commit()


@contextmanager
def searcher(ix: Any) -> Iterator[Any]:
    """A BM25F searcher over the newest committed state."""
    s = ix.searcher()
    try:
        yield s
    finally:
        s.close()


def passage_fields(meta: Any, sha: str, passage: Any, pid: str) -> dict[str, Any]:
    """The stored and indexed fields of one passage of a document."""
    section = " › ".join(passage.section)
    tags = {
        "principe": [t.__dict__ for t in passage.principes],
        "thema": [t.__dict__ for t in passage.themas],
        "organisatie": [t.__dict__ for t in passage.organisaties],
        "genoemd": [t.__dict__ for t in passage.genoemd],
        "werkend": list(passage.werkend),
    }
    return {
        "pid": pid,
        "document_id": meta.id,
        "sha256": sha,
        "title": meta.title,
        "type": meta.type,
        "region": meta.region,
        "date": meta.date,
        "jaar": meta.year,
        "page": passage.page,
        "position": passage.position,
        "section": section,
        "heading": " / ".join(passage.headings),
        "text": passage.text,
        "parts": passage.text,
        "exact": f"{passage.text}\n{section}",
        "regio": ",".join(passage.regio),
        "principe": ",".join(t.id for t in passage.principes),
        "thema": ",".join(t.id for t in passage.themas),
        "organisatie": ",".join(t.id for t in passage.organisaties),
        "genoemd": ",".join(t.id for t in passage.genoemd),
        "werkend": bool(passage.werkend),
        "ocr": passage.ocr,
        "tags": json.dumps(tags, ensure_ascii=False),
    }


def replace_document(ix: Any, meta: Any, sha: str, passages: Iterable[Any]) -> int:
    """Replace all passages of one document in a single commit; return how many were written."""
    count = 0
    with writer(ix) as w:
        w.delete_by_term("document_id", meta.id)
        for passage in passages:
            w.add_document(**passage_fields(meta, sha, passage, f"{meta.id}:{passage.position}"))
            count += 1
    return count


def delete_document(ix: Any, doc_id: str) -> int:
    """Remove all passages of one document in a single commit; return how many were removed."""
    with writer(ix) as w:
        removed = w.delete_by_term("document_id", doc_id)
    return removed


def indexed_documents(ix: Any) -> dict[str, tuple[str, int]]:
    """Document id -> (sha256, number of passages), as the index holds them."""
    counts: dict[str, tuple[str, int]] = {}
    with searcher(ix) as s:
        for doc_id in s.lexicon("document_id"):
            key = doc_id.decode("utf-8") if isinstance(doc_id, bytes) else doc_id
            hits = s.search(Term("document_id", key), limit=None)
            if hits.scored_length():  # the lexicon still lists ids whose passages were deleted, until a merge
                counts[key] = (hits[0]["sha256"], hits.scored_length())
    return counts
