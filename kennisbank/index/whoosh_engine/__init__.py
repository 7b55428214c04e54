"""The whoosh engine (pure Python, the default): a generation, its writer and its searcher.

- `schema`: the fields with Kennisbank's analysis chains as whoosh analyzers (`analyzers`).
- `translate`: query nodes as whoosh queries.
- `docsets`: exact counts and facets as bitsets, without scoring.
- `topscores`: scored top-N searches (stage 1) with whoosh's BM25F added up over arrays.
- `merging`: segments merged by tiers of size, so one add never rewrites the whole index.
- `matchers`: whoosh's preloaded OR made to jump between its matches (same hits and scores, less Python).
- `workarounds`: the whoosh bugs worked around, and in which version.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import scoring

from kennisbank.index import fields, lock
from kennisbank.index import query as N
from kennisbank.index.engine import Hit, PassageWriter
from kennisbank.index.whoosh_engine import matchers
from kennisbank.index.whoosh_engine.docsets import DocSets
from kennisbank.index.whoosh_engine.merging import merge_tiers
from kennisbank.index.whoosh_engine.schema import make_schema
from kennisbank.index.whoosh_engine.topscores import TopScores
from kennisbank.index.whoosh_engine.translate import to_whoosh
from kennisbank.index.whoosh_engine.workarounds import apply as _apply_workarounds

INDEX_NAME = "passages"
# BM25 for short passages: the usual passage-retrieval setting (k1 0.9, b 0.4) rather than whoosh's
# document-length defaults (1.2, 0.75), which punish a long passage for one clear mention.
K1, B = 0.9, 0.4
DF_KEPT = 200_000  # document frequencies kept per searcher (a searcher lives until the next commit)

_apply_workarounds()
matchers.apply()


class Damaged(Exception):
    """whoosh could not read the generation (its message says why)."""


def exists(folder: Path) -> bool:
    """True when the folder holds a whoosh index (a table of contents; whether it reads shows on opening)."""
    return any(folder.glob(f"_{INDEX_NAME}_*.toc"))


def create(folder: Path) -> WhooshGeneration:
    """An empty generation in a folder."""
    return WhooshGeneration(whoosh_index.create_in(str(folder), make_schema(), indexname=INDEX_NAME), folder)


def open(folder: Path) -> WhooshGeneration:
    """The generation in a folder; Damaged when whoosh cannot read it, OtherLayout when its fields are another
    version's."""
    try:
        ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
        ix.doc_count()  # reads the segment list, so a damaged TOC shows here, not in the first search
    except Exception as exc:  # whoosh raises many kinds here; all mean the same to the user
        raise Damaged(f"{type(exc).__name__}: {exc}") from exc
    if frozenset(ix.schema.names()) != frozenset(make_schema().names()):
        raise fields.OtherLayout(", ".join(sorted(set(make_schema().names()) ^ set(ix.schema.names()))))
    return WhooshGeneration(ix, folder)


class WhooshGeneration:
    """One whoosh index generation."""

    engine = "whoosh"

    def __init__(self, ix: Any, folder: Path):
        self.ix, self.folder = ix, folder

    @contextmanager
    def writer(self, **options: Any) -> Iterator[WhooshWriter]:
        """A writer that commits on success and cancels (never commits) on any error, which is re-raised.

        options go to whoosh's ix.writer (bulk loads: procs, limitmb, multisegment).
        """
        w = self.ix.writer(timeout=lock.LOCK_TIMEOUT, **options)
        try:
            yield WhooshWriter(w)
        except BaseException:
            w.cancel()
            raise
        w.commit(mergetype=merge_tiers)

    def searcher(self) -> WhooshSearcher:
        """A searcher over the newest committed state."""
        return WhooshSearcher(self.ix)

    def doc_count(self) -> int:
        """How many passages the generation holds."""
        return self.ix.doc_count()

    def stores_headings(self) -> bool:
        """Whether stored passages keep their headings (indexes from before re-tagging existed did not)."""
        return bool(self.ix.schema["heading"].stored)

    def close(self) -> None:
        """Release the generation's files."""
        self.ix.close()


class WhooshWriter(PassageWriter):
    """The changes of one whoosh commit."""

    def __init__(self, w: Any):
        self._w = w

    def add_fields(self, values: dict[str, Any]) -> None:
        """Add one passage's fields."""
        self._w.add_document(**values)

    def delete(self, doc_id: str) -> int:
        """Remove all passages of a document; return how many."""
        return self._w.delete_by_term("document_id", doc_id)


class WhooshSearcher:
    """Searches one whoosh generation as it was when opened."""

    def __init__(self, ix: Any):
        self.raw = ix.searcher(weighting=scoring.BM25F(B=B, K1=K1))  # whoosh's own, for this package and its tests
        self._docsets: DocSets | None = None
        self._top: TopScores | None = None
        self._df: dict[tuple[str, str], int] = {}

    def search(self, q: N.Node, filter: N.Node | None = None, limit: int | None = 10,
               scored: bool = True) -> list[Hit]:
        """The best `limit` passages for q (all with None; in index order when not scored) within filter."""
        if scored and limit:
            if self._top is None:
                self._top = TopScores(self.raw, self.docsets())
            return [Hit(self.raw.stored_fields(n), score, n) for n, score in self._top.top(q, filter, limit)]
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

    def all_passages(self) -> Iterator[dict[str, Any]]:
        """The stored fields of every passage."""
        return self.raw.documents()

    def documents(self) -> dict[str, tuple[str, int]]:
        """Document id -> (sha256, number of passages)."""
        counts: dict[str, tuple[str, int]] = {}
        for doc_id in self.raw.lexicon("document_id"):
            key = doc_id.decode("utf-8") if isinstance(doc_id, bytes) else doc_id
            hits = self.raw.search(to_whoosh(N.Term("document_id", key)), limit=None)
            if hits.scored_length():  # the lexicon still lists ids whose passages were deleted, until a merge
                counts[key] = (hits[0]["sha256"], hits.scored_length())
        return counts

    def doc_count(self) -> int:
        """How many passages the index holds (deleted ones not counted)."""
        return self.raw.doc_count()

    def mean_length(self, field: str) -> float:
        """The mean number of terms of a field per passage."""
        reader = self.raw.reader()
        return reader.field_length(field) / max(1, reader.doc_count_all())

    def doc_frequency(self, field: str, text: str) -> int:
        """In how many passages the term occurs; kept, as whoosh asks every segment each time and stage 2's
        relevance feedback asks for some 300 words a search, most of them asked before."""
        key = (field, text)
        df = self._df.get(key)
        if df is None:
            if len(self._df) >= DF_KEPT:
                self._df.clear()
            df = self._df[key] = self.raw.doc_frequency(field, text)
        return df

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """The field's terms within an edit distance of text, sharing its first `prefix` letters."""
        return list(self.raw.reader().terms_within(field, text, maxdist, prefix=prefix))

    def count(self, q: N.Node | None, filter: N.Node | None = None) -> int:
        """How many passages q matches within filter (exactly, without scoring)."""
        sets = self.docsets()
        return (sets.query(q) & sets.query(filter)).bit_count()

    def facets(self, q: N.Node | None, filter: N.Node | None, fields: tuple[str, ...]) -> dict[str, dict[Any, int]]:
        """Per field, value -> how many passages q matches within filter that have it."""
        sets = self.docsets()
        return sets.facet_counts(sets.query(q) & sets.query(filter), fields)

    def matching(self, q: N.Node | None, filter: N.Node | None, hits: Iterable[Hit]) -> set[int]:
        """Which of these hits (their numbers) q matches within filter."""
        sets = self.docsets()
        bits = sets.query(q) & sets.query(filter)
        return {h.docnum for h in hits if bits >> h.docnum & 1}

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
