"""Writing: documents' passages added, replaced or deleted, each batch of changes in one commit."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kennisbank.index.lock import LOCK_TIMEOUT
from kennisbank.index.schema import write_passages


class Writer:
    """The changes of one commit."""

    def __init__(self, w: Any):
        self._w = w

    def add(self, meta: Any, sha: str, passages: Iterable[Any]) -> int:
        """Add a document's passages; return how many."""
        return write_passages(self._w, meta, sha, passages)

    def replace(self, meta: Any, sha: str, passages: Iterable[Any]) -> int:
        """Replace all passages of a document (or add them when it has none yet); return how many."""
        self.delete(meta.id)
        return self.add(meta, sha, passages)

    def delete(self, doc_id: str) -> int:
        """Remove all passages of a document; return how many."""
        return self._w.delete_by_term("document_id", doc_id)


@contextmanager
def writer(ix: Any, **options: Any) -> Iterator[Writer]:
    """A writer that commits on success and cancels (never commits) on any error, which is re-raised.

    options go to whoosh's ix.writer (bulk loads: procs, limitmb, multisegment).
    """
    w = ix.writer(timeout=LOCK_TIMEOUT, **options)
    try:
        yield Writer(w)
    except BaseException:
        w.cancel()
        raise
    w.commit()


def replace_document(ix: Any, meta: Any, sha: str, passages: Iterable[Any]) -> int:
    """Replace all passages of one document in a single commit; return how many were written."""
    with writer(ix) as w:
        return w.replace(meta, sha, passages)


def delete_document(ix: Any, doc_id: str) -> int:
    """Remove all passages of one document in a single commit; return how many were removed."""
    with writer(ix) as w:
        return w.delete(doc_id)
