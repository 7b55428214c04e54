"""Reading: a searcher over one index generation, and the open index a process keeps between searches."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from whoosh import scoring

from kennisbank.config import DataDir
from kennisbank.index import query as N
from kennisbank.index.docsets import DocSets
from kennisbank.index.generations import open_index
from kennisbank.index.translate import to_whoosh

# BM25 for short passages: the usual passage-retrieval setting (k1 0.9, b 0.4) rather than whoosh's
# document-length defaults (1.2, 0.75), which punish a long passage for one clear mention.
K1, B = 0.9, 0.4


class Hit(dict):
    """A passage's stored fields, with its score and its number in the searcher it came from."""

    __slots__ = ("score", "docnum")

    def __init__(self, fields: dict[str, Any], score: float | None, docnum: int):
        super().__init__(fields)
        self.score, self.docnum = score, docnum


class Searcher:
    """Searches one index generation as it was when opened."""

    def __init__(self, ix: Any):
        self.raw = ix.searcher(weighting=scoring.BM25F(B=B, K1=K1))  # whoosh's own, for this package and its tests
        self._docsets: DocSets | None = None

    def search(self, q: N.Node, filter: N.Node | None = None, limit: int | None = 10,
               scored: bool = True) -> list[Hit]:
        """The best `limit` passages for q (all with None; in index order when not scored) within filter."""
        results = self.raw.search(to_whoosh(q), filter=None if filter is None else to_whoosh(filter), limit=limit,
                                 scored=scored)
        return [Hit(h.fields(), h.score, h.docnum) for h in results]

    def passage(self, pid: str) -> dict[str, Any] | None:
        """The stored fields of one passage by its id ("<document id>:<position>"), or None."""
        return self.raw.document(pid=pid)

    def passages(self, doc_id: str) -> list[Hit]:
        """All passages of one document in reading order."""
        results = self.raw.search(to_whoosh(N.Term("document_id", doc_id)), limit=None, sortedby="position")
        return [Hit(h.fields(), h.score, h.docnum) for h in results]

    def passage_count(self) -> int:
        """How many passages the index holds (deleted ones not counted)."""
        return self.raw.doc_count()

    def all_passages(self) -> Iterator[dict[str, Any]]:
        """The stored fields of every passage."""
        return self.raw.documents()

    def doc_count(self) -> int:
        """How many passages the index holds."""
        return self.raw.doc_count()

    def mean_length(self, field: str) -> float:
        """The mean number of terms of a field per passage."""
        reader = self.raw.reader()
        return reader.field_length(field) / max(1, reader.doc_count_all())

    def doc_frequency(self, field: str, text: str) -> int:
        """In how many passages the term occurs."""
        return self.raw.doc_frequency(field, text)

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """The field's terms within an edit distance of text, sharing its first `prefix` letters."""
        return list(self.raw.reader().terms_within(field, text, maxdist, prefix=prefix))

    def docsets(self) -> DocSets:
        """Bitsets of matching passages (counts and facets without scoring)."""
        if self._docsets is None:
            self._docsets = DocSets(self.raw)
        return self._docsets

    def up_to_date(self) -> bool:
        """False when a writer has committed since this searcher was opened."""
        return self.raw.up_to_date()

    def close(self) -> None:
        """Release the generation's files."""
        self.raw.close()


@contextmanager
def searcher(ix: Any) -> Iterator[Searcher]:
    """A searcher over the newest committed state, closed afterwards."""
    s = Searcher(ix)
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
        if not fresh:  # never whoosh's refresh() (see workarounds)
            self.close()
            self._searcher = Searcher(open_index(self.data, create=False))
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


def indexed_documents(ix: Any) -> dict[str, tuple[str, int]]:
    """Document id -> (sha256, number of passages), as the index holds them."""
    counts: dict[str, tuple[str, int]] = {}
    with searcher(ix) as s:
        for doc_id in s.raw.lexicon("document_id"):
            key = doc_id.decode("utf-8") if isinstance(doc_id, bytes) else doc_id
            hits = s.raw.search(to_whoosh(N.Term("document_id", key)), limit=None)
            if hits.scored_length():  # the lexicon still lists ids whose passages were deleted, until a merge
                counts[key] = (hits[0]["sha256"], hits.scored_length())
    return counts
