"""Every workaround for a whoosh bug, in one place: what it works around, and in which version.

All of them concern whoosh-reloaded 2.7.5 (the pinned version; whoosh 2.7.4 has the same code). When whoosh
is upgraded, check each against the new version (tests/index/whoosh_engine/test_workarounds.py) and drop what
it fixes.

1. `AndNotMatcher` let an excluded passage through as the first hit of a segment (whoosh-community/whoosh#419),
   and, in a search with a limit, `AndNotMatcher.replace()` hands the collector's minimum score on to the
   required side, which then skips passages that belong in the top (57 of 60 random "-word" searches of the
   shared corpus lost some): both patched by `apply()` when the index package is imported.
2. A scored search with a limit replaces its matcher every ten matches by a simpler one (`Matcher.replace`) that
   leaves out the sub-matchers which, by their `max_quality()`, cannot lift a passage above the lowest score of
   the top so far. Some matchers under-report that maximum (`ArrayUnionMatcher`, the OR whoosh picks in segments
   of up to 5,000 passages, gives the highest of its parts' maxima where it scores their sum; correcting only
   that still lost passages, so others do too), and the passages that only the dropped side matches are lost:
   stage 1 of "wat kost de projectleider" at ×100 lost 123 of its true top 200, the best passage among them,
   and 12 of the 75 dev queries lost top-10 passages in a data dir whose five PDFs were added one by one
   (several segments). `apply()` turns the replacing off in every collector.
3. `Searcher.refresh()` reuses a segment's reader with its old deletions and keeps segments that a merge or a
   reindex replaced, so removed passages stay and others double: `reading.OpenIndex` never calls it and opens
   the index afresh instead.
"""
from __future__ import annotations

from typing import Any

from whoosh.collectors import ScoredCollector
from whoosh.matching.binary import AndNotMatcher

_applied: list[bool] = []


def apply() -> None:
    """Patch whoosh's AndNotMatcher and its scored collectors (once).

    Its _find_first only skipped when both sub-matchers stood on the same id, so with the exclusion still
    behind ("Tilburg -verklarende": the first Tilburg passage also says "verklarende") that passage matched.
    """
    if _applied:
        return

    def _find_first(self: Any) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()  # skips the exclusion forward first, then every excluded id

    replace = AndNotMatcher.replace

    def _replace(self: Any, minquality: float = 0) -> Any:
        return replace(self, 0)  # never skip by quality under an exclusion: exact top hits cost a little more

    collector_init = ScoredCollector.__init__

    def _collector_init(self: Any, replace: int = 0) -> None:
        collector_init(self, replace=0)  # never drop sub-matchers by their (unreliable) maximum score

    AndNotMatcher._find_first = _find_first
    AndNotMatcher.replace = _replace
    ScoredCollector.__init__ = _collector_init
    _applied.append(True)
