"""The one interface every index engine offers; the rest of Kennisbank uses it and never the library behind it.

An index generation (a folder beside the data dir's link) is built by one engine and records which; it is only
ever opened by that engine. Two engines exist, both embedded (no server to install):

- `whoosh` (pure Python): the default, what the README's commands run.
- `tantivy` (Rust): for large collections. Kennisbank's own Dutch analysis feeds it the same terms at the same
  positions, so both engines find and count the same passages.

A generation gives a `Writer` (a document's passages added, replaced or deleted in one commit) and a `Searcher`
(candidates for query nodes within a filter, stored passages, term statistics, exact totals and facet counts).
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from kennisbank.index import fields
from kennisbank.index.query import Node

ENGINES = ("whoosh", "tantivy")
DEFAULT = "whoosh"
ENGINE_VAR = "KENNISBANK_ENGINE"
ENGINE_FILE = "engine.txt"  # in each generation folder: the engine that built it


class Hit(dict):
    """A passage's stored fields, with its score and its number in the searcher it came from."""

    __slots__ = ("score", "docnum")

    def __init__(self, fields: dict[str, Any], score: float | None, docnum: int):
        super().__init__(fields)
        self.score, self.docnum = score, docnum


class Writer(Protocol):
    """The changes of one commit."""

    def add(self, meta: Any, sha: str, passages: Iterable[Any]) -> int:
        """Add a document's passages; return how many."""

    def replace(self, meta: Any, sha: str, passages: Iterable[Any]) -> int:
        """Replace all passages of a document (or add them when it has none yet); return how many."""

    def delete(self, doc_id: str) -> int:
        """Remove all passages of a document; return how many."""


class PassageWriter:
    """What the engines' writers share: a document's passages written one by one, replaced as delete then add.

    An engine's writer gives add_fields (one passage's fields, kennisbank.index.fields) and delete.
    """

    def add_fields(self, values: dict[str, Any]) -> None:
        """Add one passage's fields."""
        raise NotImplementedError

    def delete(self, doc_id: str) -> int:
        """Remove all passages of a document; return how many."""
        raise NotImplementedError

    def add(self, meta: Any, sha: str, passages: Iterable[Any]) -> int:
        """Add a document's passages; return how many."""
        count = 0
        for passage in passages:
            self.add_fields(fields.passage_fields(meta, sha, passage))
            count += 1
        return count

    def replace(self, meta: Any, sha: str, passages: Iterable[Any]) -> int:
        """Replace all passages of a document (or add them when it has none yet); return how many."""
        self.delete(meta.id)
        return self.add(meta, sha, passages)


class Searcher(Protocol):
    """One generation as it was when opened."""

    def search(self, q: Node, filter: Node | None = None, limit: int | None = 10, scored: bool = True) -> list[Hit]:
        """The best `limit` passages for q (all with None; in index order when not scored) within filter."""

    def passage(self, pid: str) -> dict[str, Any] | None:
        """The stored fields of one passage by its id ("<document id>:<position>"), or None."""

    def passages(self, doc_id: str) -> list[Hit]:
        """All passages of one document in reading order."""

    def all_passages(self) -> Iterator[dict[str, Any]]:
        """The stored fields of every passage."""

    def documents(self) -> dict[str, tuple[str, int]]:
        """Document id -> (sha256, number of passages)."""

    def doc_count(self) -> int:
        """How many passages the generation holds."""

    def mean_length(self, field: str) -> float:
        """The mean number of terms of a field per passage."""

    def doc_frequency(self, field: str, text: str) -> int:
        """In how many passages a term occurs."""

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """The field's terms within an edit distance of text, sharing its first `prefix` letters."""

    def count(self, q: Node | None, filter: Node | None = None) -> int:
        """How many passages q matches within filter (exactly, without scoring)."""

    def facets(self, q: Node | None, filter: Node | None, fields: tuple[str, ...]) -> dict[str, dict[Any, int]]:
        """Per field, value -> how many passages q matches within filter that have it."""

    def matching(self, q: Node | None, filter: Node | None, hits: Iterable[Hit]) -> set[int]:
        """Which of these hits (their numbers) q matches within filter."""

    def up_to_date(self) -> bool:
        """False when a writer has committed since this searcher was opened."""

    def close(self) -> None:
        """Release the generation's files."""


class Generation(Protocol):
    """One index generation on disk."""

    engine: str
    folder: Path

    def writer(self, **options: Any) -> AbstractContextManager[Writer]:
        """A writer that commits on success and cancels (never commits) on any error, which is re-raised."""

    def searcher(self) -> Searcher:
        """A searcher over the newest committed state."""

    def doc_count(self) -> int:
        """How many passages the generation holds."""

    def stores_headings(self) -> bool:
        """Whether stored passages keep their headings (what re-tagging needs)."""

    def close(self) -> None:
        """Release the generation's files."""


def chosen(name: str | None = None) -> str:
    """The engine asked for: `name`, else $KENNISBANK_ENGINE, else whoosh.

    >>> chosen(), chosen("tantivy")
    ('whoosh', 'tantivy')
    """
    name = (name or os.environ.get(ENGINE_VAR) or DEFAULT).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"onbekende index-engine '{name}'; kies uit: {', '.join(ENGINES)}")
    return name


def create(folder: Path, name: str) -> Generation:
    """An empty generation in a new folder, built by the named engine (which the folder records)."""
    (folder / ENGINE_FILE).write_text(name + "\n", encoding="utf-8")
    return _module(name).create(folder)


def open_generation(folder: Path) -> Generation:
    """The generation in a folder, opened by the engine that built it (whoosh for folders from before engines)."""
    return _module(built_by(folder)).open(folder)


def has_index(folder: Path) -> bool:
    """Whether a folder holds a generation its engine can try to open."""
    return _module(built_by(folder)).exists(folder)


def built_by(folder: Path) -> str:
    """The engine a generation folder was built by."""
    marker = folder / ENGINE_FILE
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else DEFAULT


def _module(name: str) -> Any:
    """The package that implements an engine (imported when first needed: each loads its library)."""
    return importlib.import_module(f"kennisbank.index.{chosen(name)}_engine")
