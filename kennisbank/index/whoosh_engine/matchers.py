"""A faster OR for small segments: whoosh's own preloaded OR, without its scan of every passage of a segment.

In segments of up to 5,000 passages whoosh runs an OR as an `ArrayUnionMatcher`: it adds its parts' scores into
an array of 2,048 places, then finds each match by stepping through every place, and clears the array place by
place before the next block. Stage 1's OR of every form of every concept builds one per segment and per nested
OR, so at ×100 (18 segments) that Python stepping was a large part of a search. This matcher remembers which
places received a score and jumps between them; scores are added in the same order, so every hit and every score
is the same (tests/index/whoosh_engine/test_matchers.py).
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from whoosh.matching.combo import ArrayUnionMatcher
from whoosh.query.compound import PreloadedOr

_applied: list[bool] = []


class PlacesUnionMatcher(ArrayUnionMatcher):
    """ArrayUnionMatcher that keeps the sorted places of the current block that hold a match."""

    def __init__(self, submatchers: list[Any], doccount: int, boost: float = 1.0, scored: bool = True,
                 partsize: int = 2048):
        self._places: list[int] = []
        super().__init__(submatchers, doccount, boost=boost, scored=scored, partsize=partsize)

    def _read_part(self) -> None:
        """Add up the next block's scores, clearing only the places the last block used."""
        boost, scored, a = self._boost, self._scored, self._a
        offset = self._docnum
        limit = min(offset + self._partsize, self._doccount)
        for i in self._places:
            a[i] = 0
        touched: set[int] = set()
        for m in self._submatchers:
            while m.is_active() and m.id() < limit:
                i = m.id() - offset
                if scored:
                    a[i] += m.score() * boost
                else:
                    a[i] = 1
                touched.add(i)
                m.next()
        self._places = sorted(i for i in touched if a[i] > 0)  # whoosh counts a place as a match when above 0
        self._offset, self._limit = offset, limit

    def _find_next(self) -> None:
        """Stand on the first match at or after the current passage, reading further blocks as needed."""
        while True:
            at = bisect_left(self._places, self._docnum - self._offset)
            if at < len(self._places):
                self._docnum = self._offset + self._places[at]
                return
            self._docnum = self._min_id()
            self._read_part()
            if self._docnum >= self._doccount:
                return

    def all_ids(self) -> Iterator[int]:
        """Every matching passage from here on."""
        while self.is_active():
            yield self._docnum
            self.next()


def apply() -> None:
    """Make whoosh's preloaded OR use PlacesUnionMatcher (once)."""
    if _applied:
        return

    def _matcher(self: Any, subs: list[Any], searcher: Any, context: Any) -> Any:
        scored = context.weighting is not None if context else True
        matchers = [sub.matcher(searcher, context) for sub in subs]
        return PlacesUnionMatcher(matchers, searcher.doc_count_all(), boost=self.boost, scored=scored)

    PreloadedOr._matcher = _matcher
    _applied.append(True)
