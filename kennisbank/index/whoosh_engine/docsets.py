"""Which passages a query matches, as bitsets (Python ints, bit n = docnum n): counts and facets without scoring.

Scoring every match only to count it, and whoosh's facet collector (which reads the postings of every value
of a multi-valued field on each search), both cost time in proportion to the index. Here the postings of a
term are read once per segment (segments never change; deletions are masked at search time), kept in a
bounded cache, and a count or a facet is an AND of bitsets plus int.bit_count().
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

from kennisbank.index import query as N
from kennisbank.index.whoosh_engine.translate import to_whoosh

MAX_TERMS = 1024  # cached bitsets per segment: at most 1024 x (passages / 8) bytes in all, 45 MB at 360,000
MAX_SEGMENTS = 64
_segments: OrderedDict[tuple, "_SegmentCache"] = OrderedDict()
_lock = threading.Lock()


def to_bits(ids: Any, size: int) -> int:
    """A bitset from docnums below size.

    >>> bin(to_bits([0, 3], 4)), to_bits([], 10)
    ('0b1001', 0)
    """
    flags = np.zeros(size, dtype=bool)
    flags[np.fromiter(ids, dtype=np.int64)] = True
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


class _SegmentCache:
    """Bitsets of terms and of non-term queries in one segment, local docnums, deletions not applied."""

    def __init__(self) -> None:
        self.items: OrderedDict[tuple, int] = OrderedDict()

    def get(self, key: tuple, make) -> int:
        with _lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        bits = make()
        with _lock:
            self.items[key] = bits
            while len(self.items) > MAX_TERMS:
                self.items.popitem(last=False)
        return bits


def segment_key(reader: Any) -> tuple:
    """What names one segment across searchers: its index folder and segment id."""
    segment = reader.segment()
    return (id(reader.storage) if segment is None else getattr(reader.storage, "folder", ""),
            segment.segment_id() if segment is not None else id(reader))


def _segment_cache(reader: Any) -> _SegmentCache:
    """The cache of one segment (by index folder and segment id)."""
    key = segment_key(reader)
    with _lock:
        cache = _segments.get(key)
        if cache is None:
            cache = _segments[key] = _SegmentCache()
            while len(_segments) > MAX_SEGMENTS:
                _segments.popitem(last=False)
        _segments.move_to_end(key)
        return cache


def _term_ids(reader: Any, field: str, text: Any) -> list[int]:
    """All docnums of a term's postings in one segment, deleted ones included, read a block at a time."""
    if (field, text) not in reader:
        return []
    m = reader.postings(field, text)
    if isinstance(m, FilterMatcher):
        m = m.child  # deletions are masked by the caller
    if not hasattr(m, "_read_ids"):
        return list(m.all_ids())
    ids: list[int] = []
    while m.is_active():  # whole blocks instead of one posting at a time (whoosh's W3LeafMatcher)
        m._read_ids()
        ids.extend(m._ids[m._i:])
        m._next_block()
    return ids


def _unweighted(q: N.Node) -> N.Node:
    """A phrase or term without its boost: the same matches, so one cached bitset whatever its weight."""
    return q.with_boost(1.0) if isinstance(q, (N.Phrase, N.Term)) and q.boost != 1.0 else q


class DocSets:
    """Bitsets over one searcher's documents; make a new one when the searcher is refreshed."""

    def __init__(self, searcher: Any):
        self.searcher = searcher
        self.leaves = []
        live = 0
        for reader, offset in searcher.reader().leaf_readers():
            size = reader.doc_count_all()
            deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else ()
            mask = (1 << size) - 1
            if deleted:
                mask &= ~to_bits(deleted, size)
            self.leaves.append((reader, offset, size, mask, _segment_cache(reader)))
            live |= mask << offset
        self.live = live
        self._facet_values: dict[str, list[tuple[Any, int]]] = {}

    def term(self, field: str, text: Any) -> int:
        """The live documents with this term."""
        out = 0
        for reader, offset, size, mask, cache in self.leaves:
            btext = reader._text_to_bytes(field, text) if field in reader.schema else None
            if btext is None:
                continue
            bits = cache.get(("t", field, btext), lambda: to_bits(_term_ids(reader, field, btext), size))
            out |= (bits & mask) << offset
        return out

    def query(self, q: N.Node | None) -> int:
        """The live documents a query matches (boosts and optional parts do not change that)."""
        if q is None or isinstance(q, N.Every):
            return self.live
        if isinstance(q, N.Term):
            return self.term(q.field, q.text)
        if isinstance(q, N.Nothing):
            return 0
        if isinstance(q, N.And):
            bits = self.live
            for sub in q.parts:
                bits &= self.query(sub)
                if not bits:
                    break
            return bits
        if isinstance(q, N.Or):
            bits = 0
            for sub in q.parts:
                bits |= self.query(sub)
            return bits
        if isinstance(q, N.AndNot):
            return self.query(q.positive) & ~self.query(q.negative)
        if isinstance(q, N.AndMaybe):
            return self.query(q.required)
        if isinstance(q, N.Constant):
            return self.query(q.child)
        return self._matched(to_whoosh(_unweighted(q)))

    def _matched(self, q: Any) -> int:
        """Any other query (phrases, spans): whoosh's own matcher per segment, cached by the query's repr."""
        out = 0
        key = ("q", repr(q))
        for i, (reader, offset, size, mask, cache) in enumerate(self.leaves):
            sub = self.searcher.subsearchers[i][0] if self.searcher.subsearchers else self.searcher
            bits = cache.get(key, lambda: to_bits(q.matcher(sub).all_ids(), size))
            out |= (bits & mask) << offset
        return out

    def count(self, q: N.Node | None, within: int | None = None) -> int:
        """How many live documents q matches (within a bitset, when given)."""
        bits = self.query(q)
        return (bits if within is None else bits & within).bit_count()

    def facet_values(self, field: str) -> list[tuple[Any, int]]:
        """Every value of a field with the bitset of its documents."""
        if field not in self._facet_values:
            decode = self.searcher.schema[field].from_bytes
            values = self.searcher.reader().lexicon(field)
            self._facet_values[field] = [(decode(v), self.term(field, decode(v))) for v in values]
        return self._facet_values[field]

    def facet_counts(self, within: int, fields: tuple[str, ...]) -> dict[str, dict[Any, int]]:
        """Value -> number of documents in `within` that have it, per field; values with none left out."""
        out: dict[str, dict[Any, int]] = {}
        for field in fields:
            counts = {}
            for value, bits in self.facet_values(field):
                n = (bits & within).bit_count()
                if n:
                    counts[value] = n
            out[field] = counts
        return out
