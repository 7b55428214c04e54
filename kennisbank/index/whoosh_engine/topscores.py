"""Stage 1's best passages by whoosh's own BM25F, added up over arrays instead of one posting at a time.

whoosh scores a wide OR in Python posting by posting: at ×100 a compound's part (`text:team^0.3` for `wijkteam`)
matches half the collection, and stage 1 was most of a search. Here a term's postings are read a block at a time,
scored by whoosh's formula (`scoring.bm25`, the same operations in the same order, so the same numbers) over
whole arrays, and added per passage in the order whoosh's preloaded OR adds them. Phrases and any other query
are still run by whoosh's matchers, which visit only their own (few) matches. The top passages and their scores
are whoosh's (tests/index/whoosh_engine/test_topscores.py); only the work to get them is less. One difference
in rounding: in a segment of over 5,000 passages whoosh adds an OR's parts along a tree of unions, in another
order, so a sum may differ in its last bit, and passages of equal text (equal scores) may then come in another
order than whoosh's (that order follows segment sizes there; here it is always the index order).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

from kennisbank.index import query as N
from kennisbank.index.whoosh_engine.docsets import DocSets, _segment_cache, segment_key
from kennisbank.index.whoosh_engine.translate import flat_parts, to_whoosh

Scored = tuple[np.ndarray, np.ndarray]  # ascending docnums (int64) and their scores (float64)
_NONE: Scored = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
POSTINGS_BYTES = 48 << 20  # postings kept decoded (segments never change): all of a ×100 text field is ~25 MB
_postings_cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_cached_bytes = [0]
_lock = threading.Lock()


def bits_to_flags(bits: int, size: int) -> np.ndarray:
    """A bitset (bit n = docnum n) as booleans.

    >>> bits_to_flags(0b1001, 5).tolist()
    [True, False, False, True, False]
    """
    raw = np.frombuffer(bits.to_bytes((size + 7) // 8 or 1, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:size].astype(bool)


class TopScores:
    """Scored top-N searches over one whoosh searcher (BM25F with its B and K1)."""

    def __init__(self, searcher: Any, docsets: DocSets):
        self.searcher, self.docsets = searcher, docsets
        self.size = searcher.doc_count_all()
        self.leaves = [(sub, offset) for sub, offset in (searcher.subsearchers or [(searcher, 0)])]
        self.weighting = searcher.weighting
        self._live: np.ndarray | None = None

    def top(self, q: N.Node, filter: N.Node | None, limit: int) -> list[tuple[int, float]]:
        """The best `limit` (docnum, score) pairs, best first; equal scores in index order, as whoosh keeps them."""
        ids, scores = self.scored(q)
        keep = self.live()[ids] if filter is None else bits_to_flags(self.docsets.query(filter), self.size)[ids]
        ids, scores = ids[keep], scores[keep]
        if len(ids) > limit:
            kth = np.partition(-scores, limit - 1)[limit - 1]
            near = -scores <= kth
            ids, scores = ids[near], scores[near]
        order = np.lexsort((ids, -scores))[:limit]
        return [(int(ids[i]), float(scores[i])) for i in order]

    def live(self) -> np.ndarray:
        """Which docnums are not deleted."""
        if self._live is None:
            self._live = bits_to_flags(self.docsets.live, self.size)
        return self._live

    def scored(self, q: N.Node) -> Scored:
        """The passages a query matches and whoosh's score for each."""
        if isinstance(q, N.Term) and self._scorable(q.field):
            return self._term(q)
        if isinstance(q, N.Or):
            return self._sum([self.scored(p) for p in flat_parts(q)], q.boost)
        if isinstance(q, N.AndNot):
            ids, scores = self.scored(q.positive)
            keep = ~bits_to_flags(self.docsets.query(q.negative), self.size)[ids]
            return ids[keep], scores[keep]
        if isinstance(q, N.AndMaybe):
            (ids, scores), (opt_ids, opt_scores) = self.scored(q.required), self.scored(q.optional)
            extra = np.zeros(self.size)
            extra[opt_ids] = opt_scores
            return ids, scores + extra[ids]
        if isinstance(q, N.Phrase) and self._scorable(q.field):
            return self._phrase(q)
        if isinstance(q, N.Every):  # every passage at the same score (whoosh: the query's boost)
            ids = np.flatnonzero(self.live())
            return ids, np.full(len(ids), float(q.boost))
        if isinstance(q, N.Constant):
            ids = np.flatnonzero(bits_to_flags(self.docsets.query(q.child), self.size))
            return ids, np.full(len(ids), float(q.score))
        return self._whoosh(q)

    def _scorable(self, field: str) -> bool:
        """Whether whoosh scores the field by BM25F (else its own scorer applies)."""
        return field in self.searcher.schema and self.searcher.schema[field].scorable

    def _sum(self, parts: list[Scored], boost: float) -> Scored:
        """An OR as whoosh's preloaded OR adds it: part after part, each times the OR's boost, a passage matching
        when its sum is above 0; one part alone is that part (whoosh does not apply the OR's boost then)."""
        if len(parts) < 2:
            return parts[0] if parts else _NONE
        total = np.zeros(self.size)
        for ids, scores in parts:
            total[ids] += scores * boost if boost != 1.0 else scores
        ids = np.flatnonzero(total > 0)
        return ids, total[ids]

    def _term(self, q: N.Term) -> Scored:
        """A term's postings scored as whoosh's BM25FScorer scores them, times the term's boost."""
        field = self.searcher.schema[q.field]
        btext = field.to_bytes(q.text)
        if (q.field, btext) not in self.searcher.reader():
            return _NONE
        w = self.weighting
        idf, avgfl = self.searcher.idf(q.field, btext), self.searcher.avg_field_length(q.field) or 1
        b, k1 = w._field_B.get(q.field, w.B), w.K1
        found = [_postings(sub.reader(), q.field, btext) for sub, _ in self.leaves]
        ids = np.concatenate([local + offset for (_, offset), (local, _) in zip(self.leaves, found)])
        tf = np.concatenate([weights for _, weights in found])
        fl = np.concatenate([_lengths(sub.reader(), q.field)[local]
                             for (sub, _), (local, _) in zip(self.leaves, found)])
        scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return ids, scores * q.boost if q.boost != 1.0 else scores

    def _phrase(self, q: N.Phrase) -> Scored:
        """A phrase as whoosh scores it: the sum of its words' scores (a binary tree of intersections) times
        its boost, in the passages where the words stand as the phrase (docsets, which keep that per segment)."""
        ids = np.flatnonzero(bits_to_flags(self.docsets.query(q), self.size))
        if not len(ids):
            return _NONE
        words = []
        for word in q.words:
            dense = np.zeros(self.size)
            word_ids, scores = self._term(N.Term(q.field, word))
            dense[word_ids] = scores
            words.append(dense[ids])
        scores = _tree_sum(words)
        return ids, scores * q.boost if q.boost != 1.0 else scores

    def _whoosh(self, q: N.Node) -> Scored:
        """Any other query by whoosh's own matcher, segment by segment (it visits only its matches)."""
        wq, context = to_whoosh(q), self.searcher.context()
        ids: list[int] = []
        scores: list[float] = []
        for sub, offset in self.leaves:
            m = wq.matcher(sub, context)
            while m.is_active():
                ids.append(m.id() + offset)
                scores.append(m.score())
                m.next()
        return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)


def _tree_sum(parts: list[np.ndarray]) -> np.ndarray:
    """Arrays added as whoosh's binary tree of matchers adds them: (first half) + (second half), recursively.

    >>> _tree_sum([np.array([1.0]), np.array([2.0]), np.array([4.0])]).tolist()
    [7.0]
    """
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


def _postings(reader: Any, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings in one segment, deleted passages included: docnums and weights (term frequencies);
    the most recently used are kept decoded, up to POSTINGS_BYTES."""
    key = (segment_key(reader), field, btext)
    with _lock:
        if key in _postings_cache:
            _postings_cache.move_to_end(key)
            return _postings_cache[key]
    found = _read_postings(reader, field, btext)
    with _lock:
        _postings_cache[key] = found
        _cached_bytes[0] += found[0].nbytes + found[1].nbytes
        while _cached_bytes[0] > POSTINGS_BYTES and len(_postings_cache) > 1:
            ids, weights = _postings_cache.popitem(last=False)[1]
            _cached_bytes[0] -= ids.nbytes + weights.nbytes
    return found


def _read_postings(reader: Any, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings in one segment as stored, read a block at a time."""
    if (field, btext) not in reader:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    m = reader.postings(field, btext)
    if isinstance(m, FilterMatcher):
        m = m.child  # deletions are masked by the caller
    if not hasattr(m, "_read_data") or m._byteids:
        pairs = _walk(m)
        return np.array([i for i, _ in pairs], dtype=np.int64), np.array([w for _, w in pairs], dtype=np.float64)
    blocks, weights = [], []
    while m.is_active():  # whole blocks of whoosh's W3LeafMatcher: docnum deltas and weights
        m._read_data()
        deltas, w = m._data[0], m._data[1]
        blocks.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))  # each block's deltas start from 0
        n = m._blocklength
        weights.append(np.ones(n) if w is None else np.full(n, w) if isinstance(w, float)
                       else np.asarray(w, dtype=np.float64))
        m._next_block()
    if not blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(blocks), np.concatenate(weights)


def _walk(m: Any) -> list[tuple[int, float]]:
    """Every (docnum, weight) of a matcher, one posting at a time."""
    out = []
    while m.is_active():
        out.append((m.id(), m.weight()))
        m.next()
    return out


def _lengths(reader: Any, field: str) -> np.ndarray:
    """Every passage's length in a field, as whoosh stores it (one byte, decoded), cached per segment."""
    def read() -> np.ndarray:
        return np.array([reader.doc_field_length(d, field, 1) or 1 for d in range(reader.doc_count_all())],
                        dtype=np.float64)
    return _segment_cache(reader).get(("len", field), read)
