"""The tantivy engine (Rust, for large collections): a generation, its writer and its searcher.

- `schema`: the fields, fed with Kennisbank's own analysed tokens, and a passage as a tantivy document.
- `translate`: query nodes as tantivy queries.

Counts and facets are tantivy's own (a count collector, terms aggregations over fast fields), so they cost the
same whatever the number of matches. A passage's number (`Hit.docnum`) is its segment and its place in it.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from kennisbank.index import fields
from kennisbank.index import query as N
from kennisbank.index.engine import Hit, PassageWriter
from kennisbank.index.tantivy_engine.schema import FIELD_NAMES, LENGTH, document, make_schema, stored
from kennisbank.index.tantivy_engine.translate import to_tantivy, within

META = "meta.json"  # tantivy's table of contents: rewritten by every commit
WRITER_HEAP = 200_000_000  # bytes for the indexing threads together (tantivy needs at least 15 MB a thread)
MAX_BUCKETS = 65_000  # distinct values a facet may have


def exists(folder: Path) -> bool:
    """True when the folder holds a tantivy index."""
    return (folder / META).is_file()


def create(folder: Path) -> TantivyGeneration:
    """An empty generation in a folder."""
    return TantivyGeneration(tantivy.Index(make_schema(), path=str(folder)), folder)


def open(folder: Path) -> TantivyGeneration:
    """The generation in a folder; an exception naming the problem when tantivy cannot read it."""
    ix = tantivy.Index.open(str(folder))
    missing = [name for name in sorted(FIELD_NAMES) if not _has_field(ix.schema, name)]
    if missing:
        raise fields.OtherLayout(", ".join(missing))
    return TantivyGeneration(ix, folder)


def _has_field(schema: tantivy.Schema, name: str) -> bool:
    """Whether the schema defines a field (tantivy says so only by refusing a query on one it lacks)."""
    try:
        tantivy.Query.term_query(schema, name, _probe(name))
    except ValueError as exc:
        return "not defined" not in str(exc)
    return True


def _probe(name: str) -> Any:
    """A value of the right type for a field."""
    return True if name in fields.FLAGS else 0 if name in (*fields.NUMBERS, LENGTH) else "x"


class TantivyGeneration:
    """One tantivy index generation."""

    engine = "tantivy"

    def __init__(self, ix: tantivy.Index, folder: Path):
        self.ix, self.folder = ix, folder

    @contextmanager
    def writer(self, procs: int | None = None, **_: Any) -> Iterator[TantivyWriter]:
        """A writer that commits on success and rolls back (never commits) on any error, which is re-raised.

        procs: indexing threads (bulk loads), else one per core.
        """
        threads = procs or os.cpu_count() or 1
        w = self.ix.writer(heap_size=max(WRITER_HEAP, 20_000_000 * threads), num_threads=threads)
        try:
            yield TantivyWriter(w, self)
        except BaseException:
            w.rollback()
            w.wait_merging_threads()
            raise
        w.commit()
        w.wait_merging_threads()  # merges finished and the writer's lock released
        self.ix.reload()

    def searcher(self) -> TantivySearcher:
        """A searcher over the newest committed state."""
        self.ix.reload()
        return TantivySearcher(self.ix, self.folder)

    def doc_count(self) -> int:
        """How many passages the generation holds."""
        self.ix.reload()
        return self.ix.searcher().num_docs

    def stores_headings(self) -> bool:
        """Whether stored passages keep their headings: tantivy generations always do."""
        return True

    def close(self) -> None:
        """Nothing to release: tantivy frees its files when the last searcher goes."""


class TantivyWriter(PassageWriter):
    """The changes of one tantivy commit."""

    def __init__(self, w: Any, generation: TantivyGeneration):
        self._w, self._generation = w, generation

    def add_fields(self, values: dict[str, Any]) -> None:
        """Add one passage's fields."""
        self._w.add_document(document(values))

    def delete(self, doc_id: str) -> int:
        """Remove all passages of a document; return how many (as committed before this writer)."""
        ix = self._generation.ix
        ix.reload()
        count = ix.searcher().search(to_tantivy(N.Term("document_id", doc_id), ix.schema), 1, count=True).count
        self._w.delete_documents_by_term("document_id", doc_id)
        return count


class TantivySearcher:
    """Searches one tantivy generation as it was when opened."""

    def __init__(self, ix: tantivy.Index, folder: Path):
        self._ix, self._s, self._schema = ix, ix.searcher(), ix.schema
        self._meta = folder / META
        self._stamp = _stamp(self._meta)

    def search(self, q: N.Node, filter: N.Node | None = None, limit: int | None = 10,
               scored: bool = True) -> list[Hit]:
        """The best `limit` passages for q (all with None; in index order when not scored) within filter."""
        limit = self._s.num_docs if limit is None else limit
        if limit <= 0 or not self._s.num_docs:
            return []
        found = self._s.search(within(q, filter, self._schema), limit, count=False)
        hits = [(score, address) for score, address in found.hits]
        if not scored:
            hits.sort(key=lambda h: (h[1].segment_ord, h[1].doc))
        return [Hit(stored(self._s.doc(a).to_dict()), score, _docnum(a)) for score, a in hits]

    def passage(self, pid: str) -> dict[str, Any] | None:
        """The stored fields of one passage by its id ("<document id>:<position>"), or None."""
        hits = self.search(N.Term("pid", pid), limit=1)
        return dict(hits[0]) if hits else None

    def passages(self, doc_id: str) -> list[Hit]:
        """All passages of one document in reading order."""
        q = to_tantivy(N.Term("document_id", doc_id), self._schema)
        found = self._s.search(q, max(1, self._s.num_docs), count=False, order_by_field="position",
                               order=tantivy.Order.Asc)
        return [Hit(stored(self._s.doc(a).to_dict()), None, _docnum(a)) for _, a in found.hits]

    def all_passages(self) -> Iterator[dict[str, Any]]:
        """The stored fields of every passage."""
        return (dict(hit) for hit in self.search(N.Every(), limit=None, scored=False))

    def documents(self) -> dict[str, tuple[str, int]]:
        """Document id -> (sha256, number of passages)."""
        agg = {"doc": {"terms": {"field": "document_id", "size": MAX_BUCKETS},
                       "aggs": {"sha": {"terms": {"field": "sha256", "size": 1}}}}}
        buckets = self._s.aggregate(tantivy.Query.all_query(), agg)["doc"]["buckets"] if self._s.num_docs else []
        return {b["key"]: (b["sha"]["buckets"][0]["key"], b["doc_count"]) for b in buckets}

    def doc_count(self) -> int:
        """How many passages the generation holds."""
        return self._s.num_docs

    def mean_length(self, field: str) -> float:
        """The mean number of terms of a field per passage (text: exactly, from each passage's length)."""
        if not self._s.num_docs:
            return 0.0
        result = self._s.aggregate(tantivy.Query.all_query(), {"mean": {"avg": {"field": LENGTH}}})
        return float(result["mean"]["value"] or 0.0)

    def doc_frequency(self, field: str, text: str) -> int:
        """In how many passages the term occurs."""
        return self._s.doc_freq(field, text)

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """The field's terms within an edit distance of text, sharing its first `prefix` letters."""
        terms = self._s.terms_with_prefix(field, text[:prefix])
        return [t for t, _ in terms if abs(len(t) - len(text)) <= maxdist and _distance(t, text, maxdist) <= maxdist]

    def count(self, q: N.Node | None, filter: N.Node | None = None) -> int:
        """How many passages q matches within filter (exactly, without scoring)."""
        if not self._s.num_docs:
            return 0
        return self._s.search(within(q, filter, self._schema), 1, count=True).count

    def facets(self, q: N.Node | None, filter: N.Node | None, names: tuple[str, ...]) -> dict[str, dict[Any, int]]:
        """Per field, value -> how many passages q matches within filter that have it."""
        if not self._s.num_docs:
            return {name: {} for name in names}
        agg = {name: {"terms": {"field": name, "size": MAX_BUCKETS}} for name in names}
        result = self._s.aggregate(within(q, filter, self._schema), agg)
        out: dict[str, dict[Any, int]] = {}
        for name in names:
            buckets = result[name]["buckets"]
            out[name] = {(bool(b["key"]) if name in fields.FLAGS else b["key"]): b["doc_count"] for b in buckets}
        return out

    def matching(self, q: N.Node | None, filter: N.Node | None, hits: Iterable[Any]) -> set[int]:
        """Which of these hits (their numbers) q matches within filter."""
        hits = list(hits)
        if not hits:
            return set()
        among = tantivy.Query.term_set_query(self._schema, "pid", [h["pid"] for h in hits])
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, within(q, filter, self._schema)),
                                             (tantivy.Occur.Must, among)])
        return {_docnum(a) for _, a in self._s.search(query, len(hits), count=False).hits}

    def up_to_date(self) -> bool:
        """False when a writer has committed since this searcher was opened."""
        return _stamp(self._meta) == self._stamp

    def close(self) -> None:
        """Release the searcher (tantivy frees its files when the last searcher goes)."""
        self._s = None


def _docnum(address: Any) -> int:
    """A passage's number: its segment and its place in it."""
    return address.segment_ord << 32 | address.doc


def _stamp(path: Path) -> tuple[int, int]:
    """When and how big a file was last written (what a commit changes)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


def _distance(a: str, b: str, limit: int) -> int:
    """The edit distance of two words, a swap of two neighbouring letters counting as one edit (as whoosh's
    terms_within counts), or limit + 1 once it is over the limit.

    >>> _distance("analise", "analyse", 2), _distance("team", "teams", 1), _distance("gezin", "regio", 1)
    (1, 1, 2)
    >>> _distance("gezni", "gezin", 2), _distance("kiest", "kent", 2)
    (1, 2)
    """
    before, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]
