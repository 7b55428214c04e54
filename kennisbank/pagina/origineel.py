"""A stored PDF original's pages: how many, each as an image (cached on disk), and where a passage stands."""
from __future__ import annotations

import functools
import logging
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.model import RefusedError
from kennisbank.config import DataDir
from kennisbank.pagina import cache, markering, pdfium, scan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pdf:
    """A PDF original in the store: its file, its hash (the ETag of its pages) and its number of pages."""

    path: Path
    sha256: str
    pages: int


def open_pdf(path: Path, sha256: str) -> Pdf:
    """The PDF at path with its page count; pdfium.UnreadablePdfError when PDFium cannot open it."""
    return Pdf(path, sha256, _page_count(path, sha256))


@functools.lru_cache(maxsize=256)
def _page_count(path: Path, sha256: str) -> int:
    """Pages of an original (by hash: the same file never changes its pages)."""
    return pdfium.page_count(path)


def page_png(data: DataDir, pdf: Pdf, page: int, width: int) -> bytes:
    """Page `page` of the PDF as PNG, `width` pixels wide, from the disk cache or rendered now."""
    def render() -> bytes:
        started = time.perf_counter()
        content = pdfium.render_png(pdf.path, page, width)
        log.info("pagina %d van %s getekend op %d px in %.0f ms", page, pdf.sha256[:12], width,
                 1000 * (time.perf_counter() - started))
        return content
    return cache.cached(data.page_images, pdf.sha256, page, width, render)


def page_ratio(pdf: Pdf, page: int) -> float:
    """Height / width of a page as shown."""
    width, height = _page_size(pdf.path, pdf.sha256, page)
    return height / width


@functools.lru_cache(maxsize=1024)
def _page_size(path: Path, sha256: str, page: int) -> tuple[float, float]:
    return pdfium.page_size(path, page)


@functools.lru_cache(maxsize=512)
def passage_markering(pdf: Pdf, document_id: str, page: int, text: str, ocr_folder: Path) -> markering.Markering:
    """Where a passage whose first line is on `page` stands: its boxes there and on the next page (on a scanned
    page, tesseract's word boxes kept in ocr_folder)."""
    pages = pdfium.page_texts(pdf.path, [page, page + 1])
    try:
        pages = [scan.scanned_page(ocr_folder, pdf.path, pdf.sha256, p.page) if scan.needs_words(p) else p
                 for p in pages]
    except (RefusedError, RuntimeError, subprocess.SubprocessError) as exc:
        log.warning("woordkaders van %s pagina %d niet gelezen: %s", pdf.sha256[:12], page, exc)
        return markering.Markering(document_id, page, reason=f"de pagina is een scan en OCR lukte niet: {exc}")
    return markering.locate(document_id, text, pages)
