"""The ingest pipeline read top to bottom: extract, clean, structure, metadata, enrich."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from indexer import clean, extract, metadata, structure
from indexer.model import Metadata, Page, Passage, RefusedError

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A document ready for the index: its metadata, kind, pages and passages, and time per stage."""

    meta: Metadata
    kind: str
    pages: list[Page]
    passages: list[Passage]
    timings: dict[str, float] = field(default_factory=dict)


def prepare(data: bytes, filename: str = "", overrides: dict | None = None, enrich: bool = True) -> Prepared:
    """Run every stage on the bytes of one file; raises RefusedError with a plain reason."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    extracted = extract.extract(data, filename)
    timings["extract"] = time.perf_counter() - t

    t = time.perf_counter()
    pages = clean.clean_pages(extracted.pages, extracted.kind)
    timings["clean"] = time.perf_counter() - t

    t = time.perf_counter()
    passages = structure.build_passages(pages)
    meta = metadata.infer(extracted.pages, filename, overrides)
    timings["structure"] = time.perf_counter() - t
    if not passages:
        raise RefusedError("geen bruikbare tekst gevonden in het document")

    if enrich:
        from indexer import enrich as enrich_stage  # spaCy loads only when documents are really added

        t = time.perf_counter()
        enrich_stage.enrich_passages(passages, meta)
        timings["enrich"] = time.perf_counter() - t
    log.info("%s: %d pagina's, %d passages", filename or meta.id, len(pages), len(passages))
    return Prepared(meta, extracted.kind, pages, passages, timings)
