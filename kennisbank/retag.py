"""Re-tagging: after a taxonomy change every stored passage is tagged again, in a new index generation.

Nothing is extracted or OCR'd again: the passages come from the stored fields of the active generation
(index.stored_passage) and get their tags, owner regions and werkende-elementen signals from the taxonomy in
effect. The new generation is filled beside the active one, one commit per document, without the writer lock;
then, under the lock, what changed in the meantime is caught up and the generation is switched in (one step).
Until then searches answer from the old tags. A killed run leaves its generation behind; the next run (a job:
`kennisbank jobs --run` or the web server's Worker) goes on with it (index.building).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kennisbank import index, taxonomie
from kennisbank.config import DataDir

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""Called with (documents done, documents in all, document id)."""


class TaxonomyChanged(Exception):
    """The taxonomy changed while re-tagging: start again with the new one."""


@taxonomie.with_data_layer
def run(data: DataDir, progress: Progress | None = None) -> tuple[int, int]:
    """Tag every stored passage again with the data dir's taxonomy and switch the index over; (documents, passages).

    An index built under older rules, or one that does not store what re-tagging needs, is rebuilt from the
    originals instead (documents.reindex).
    """
    if not index.exists(data):
        return 0, 0
    active = index.open_index(data, create=False)
    if index.stale_rules(data) or not active.stores_headings():
        from kennisbank.documents import reindex

        count, _ = reindex(data, progress)
        return count, sum(n for _, n in index.indexed_documents(index.open_index(data, create=False)).values())
    while True:
        try:
            return _run(data, progress)
        except TaxonomyChanged:
            log.info("taxonomie gewijzigd tijdens het bijwerken van de labels: opnieuw")


def _run(data: DataDir, progress: Progress | None) -> tuple[int, int]:
    """One attempt: fill a generation (resuming one that a stopped run left), catch up under the lock, switch."""
    version = taxonomie.load(data).version
    with index.write_lock(data):  # no reindex may be filling a generation while we pick ours
        found = index.building(data)
        target = found[0] if found else index.new_index(data)
    try:
        _fill(data, target, version, progress)
        with index.write_lock(data):
            _fill(data, target, version, None)
            index.activate(data, target)
    except TaxonomyChanged:
        index.discard(data, target)
        raise
    counts = index.indexed_documents(target)  # one pass over the documents: whoosh searches each one
    passages = sum(n for _, n in counts.values())
    log.info("labels bijgewerkt (taxonomie %s): %d documenten, %d passages", version, len(counts), passages)
    return len(counts), passages


def _fill(data: DataDir, target: Any, version: str, progress: Progress | None) -> None:
    """Make target hold every document of the active generation, re-tagged; documents already there stay."""
    from indexer.enrich import enrich_passages

    active = index.open_index(data, create=False)
    wanted, present = index.indexed_documents(active), index.indexed_documents(target)
    todo = [doc_id for doc_id, version_of in wanted.items() if present.get(doc_id) != version_of]
    done = len(wanted) - len(todo)
    with index.searcher(active) as s:
        for doc_id in todo:
            if taxonomie.load(data).version != version:
                raise TaxonomyChanged(version)
            stored = [index.stored_passage(fields) for fields in s.passages(doc_id)]
            meta, sha = stored[0][0], stored[0][1]
            passages = enrich_passages([p for _, _, p in stored], meta)
            with index.writer(target) as w:
                w.replace(meta, sha, passages)
            done += 1
            if progress:
                progress(done, len(wanted), doc_id)
    for doc_id in present.keys() - wanted.keys():
        index.delete_document(target, doc_id)
