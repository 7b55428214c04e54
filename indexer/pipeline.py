"""The ingest pipeline read top to bottom: extract, clean, structure, metadata, enrich."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from indexer import clean, extract, metadata, structure
from indexer.model import Extracted, Metadata, Page, Passage, RefusedError

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A document ready for the index: its metadata, kind, pages and passages, and time per stage."""

    meta: Metadata
    kind: str
    pages: list[Page]
    passages: list[Passage]
    timings: dict[str, float] = field(default_factory=dict)


def prepare(data: bytes, filename: str = "", overrides: dict | None = None, enrich: bool = True,
            ocr=False) -> Prepared:
    """Run every stage on the bytes of one file; raises RefusedError with a plain reason.

    ocr: False, True or an indexer.ocr.OcrSettings; with OCR, PDF pages without text are OCR'd.
    """
    timings: dict[str, float] = {}
    t = time.perf_counter()
    extracted = _extract(data, filename, ocr, timings)
    timings["extract"] = time.perf_counter() - t - timings.get("ocr", 0.0)

    t = time.perf_counter()
    pages = clean.clean_pages(extracted.pages, extracted.kind)
    timings["clean"] = time.perf_counter() - t

    t = time.perf_counter()
    passages = structure.build_passages(pages)
    meta = metadata.infer(extracted.pages, filename, overrides)
    meta.title = clean.strip_controls(meta.title).strip() or meta.id  # shown in terminals and pages
    timings["structure"] = time.perf_counter() - t
    if not any(ch.isalnum() for passage in passages for ch in passage.text):  # none, or only marks and dashes
        raise RefusedError("geen bruikbare tekst gevonden in het document")

    if enrich:
        from indexer import enrich as enrich_stage  # spaCy loads only when documents are really added

        t = time.perf_counter()
        enrich_stage.enrich_passages(passages, meta)
        timings["enrich"] = time.perf_counter() - t
    log.info("%s: %d pagina's, %d passages", filename or meta.id, len(pages), len(passages))
    return Prepared(meta, extracted.kind, pages, passages, timings)


def _extract(data: bytes, filename: str, ocr, timings: dict[str, float]) -> Extracted:
    """The extract stage, followed by OCR of the PDF pages without text when ocr is on."""
    if not ocr:
        return extract.extract(data, filename)
    from indexer import ocr as ocr_stage

    try:
        extracted = extract.extract(data, filename)
    except extract.NoTextLayerError as exc:
        extracted = Extracted("pdf", [Page(n, "") for n in range(1, exc.pages + 1)])
    if extracted.kind != "pdf":
        return extracted
    t = time.perf_counter()
    settings = ocr if isinstance(ocr, ocr_stage.OcrSettings) else ocr_stage.OcrSettings()
    pages = ocr_stage.ocr_pages(data, extracted.pages, settings)
    timings["ocr"] = time.perf_counter() - t
    if not any(ch.isalnum() for page in pages for ch in page.text):
        count = f"{len(pages)} gescande pagina" + ("'s" if len(pages) != 1 else "")
        raise RefusedError(f"geen tekst gevonden: ook OCR (Nederlands) vond geen leesbare tekst op {count}")
    return Extracted("pdf", pages)
