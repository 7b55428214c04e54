"""Writing: documents' passages added, replaced or deleted, each batch of changes in one commit."""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

from kennisbank.index.engine import Generation, Writer


def writer(ix: Generation, **options: Any) -> AbstractContextManager[Writer]:
    """A writer that commits on success and cancels (never commits) on any error, which is re-raised."""
    return ix.writer(**options)


def replace_document(ix: Generation, meta: Any, sha: str, passages: Iterable[Any]) -> int:
    """Replace all passages of one document in a single commit; return how many were written."""
    with ix.writer() as w:
        return w.replace(meta, sha, passages)


def delete_document(ix: Generation, doc_id: str) -> int:
    """Remove all passages of one document in a single commit; return how many were removed."""
    with ix.writer() as w:
        return w.delete(doc_id)
