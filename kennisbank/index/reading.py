"""Reading: a searcher over one generation, and the open index a process keeps between searches."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from kennisbank.config import DataDir
from kennisbank.index.engine import Generation, Searcher
from kennisbank.index.generations import open_index


@contextmanager
def searcher(ix: Generation) -> Iterator[Searcher]:
    """A searcher over the newest committed state, closed afterwards."""
    s = ix.searcher()
    try:
        yield s
    finally:
        s.close()


class OpenIndex:
    """The index a process keeps open; reopened when a writer has committed or a reindex switched generations."""

    def __init__(self, data: DataDir):
        self.data = data
        self._searcher: Searcher | None = None
        self._folder = ""  # the index generation the searcher reads

    def searcher(self) -> Searcher:
        """An up-to-date searcher (cheap when nothing changed)."""
        folder = os.path.realpath(self.data.index)
        try:
            fresh = self._searcher is not None and folder == self._folder and self._searcher.up_to_date()
        except Exception:  # the generation folder went away under us
            fresh = False
        if not fresh:  # opened afresh: whoosh's own refresh() is not to be trusted (see its workarounds)
            self.close()
            self._searcher = open_index(self.data, create=False).searcher()
            self._folder = folder
        return self._searcher

    @property
    def is_open(self) -> bool:
        """Whether a searcher is open (the index was read since the last close)."""
        return self._searcher is not None

    def close(self) -> None:
        """Release the open searcher."""
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None


def indexed_documents(ix: Generation) -> dict[str, tuple[str, int]]:
    """Document id -> (sha256, number of passages), as the index holds them."""
    with searcher(ix) as s:
        return s.documents()
