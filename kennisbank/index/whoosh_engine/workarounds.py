"""Every workaround for a whoosh bug, in one place: what it works around, and in which version.

All of them concern whoosh-reloaded 2.7.5 (the pinned version; whoosh 2.7.4 has the same code). When whoosh
is upgraded, check each against the new version (tests/index/whoosh_engine/test_workarounds.py) and drop what
it fixes.

1. `AndNotMatcher` let an excluded passage through as the first hit of a segment (whoosh-community/whoosh#419),
   and, in a search with a limit, `AndNotMatcher.replace()` hands the collector's minimum score on to the
   required side, which then skips passages that belong in the top (57 of 60 random "-word" searches of the
   shared corpus lost some): both patched by `apply()` when the index package is imported.
2. `Searcher.refresh()` reuses a segment's reader with its old deletions and keeps segments that a merge or a
   reindex replaced, so removed passages stay and others double: `reading.OpenIndex` never calls it and opens
   the index afresh instead.
"""
from __future__ import annotations

from typing import Any

from whoosh.matching.binary import AndNotMatcher

_applied: list[bool] = []


def apply() -> None:
    """Patch whoosh's AndNotMatcher (once).

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

    AndNotMatcher._find_first = _find_first
    AndNotMatcher.replace = _replace
    _applied.append(True)
