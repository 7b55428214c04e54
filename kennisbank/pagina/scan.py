"""Scanned pages: tesseract's word boxes on the page as PDFium draws it, kept beside the OCR cache.

A page without a text layer has no characters for PDFium to box. Its words and their boxes come from tesseract's
TSV output on the page rendered at OCR_DPI; they are kept per original hash and page in the data dir's OCR cache,
so a page is read once. The words become a PageText like PDFium's (each character a slice of its word's box), and
a passage is located on it as on any page.
"""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from indexer import ocr
from kennisbank.pagina import pdfium
from kennisbank.pagina.pdfium import Box, PageText
from kennisbank.store import atomic_write

log = logging.getLogger(__name__)

OCR_DPI = 300
OCR_TIMEOUT = 120.0  # seconds for one page


def needs_words(page: PageText) -> bool:
    """Whether a page has (almost) no text layer, as the indexer decides it."""
    return ocr.text_chars(page.chars) < ocr.MIN_CHARS


def scanned_page(folder: Path, path: Path, sha256: str, number: int) -> PageText:
    """The words of a scanned page with their boxes: from the cache, or read now by tesseract and kept.

    Raises indexer.ocr.OcrUnavailableError without tesseract or its Dutch model."""
    kept = folder / f"{sha256}-{ocr.LANG}-woorden-{number}.json"
    try:
        stored = json.loads(kept.read_text(encoding="utf-8"))
        return PageText(number, stored["chars"], tuple(tuple(b) if b else None for b in stored["boxes"]))
    except (FileNotFoundError, ValueError, KeyError):
        pass
    binary = ocr.check_available()
    width_points, _ = pdfium.page_size(path, number)
    image = pdfium.render(path, number, round(width_points / 72 * OCR_DPI), grey=True)
    buffer = io.BytesIO()
    image.save(buffer, "PPM")
    tsv = ocr.ocr_image(buffer.getvalue(), OCR_DPI, OCR_TIMEOUT, binary, config=("tsv",))
    page = words_page(number, tsv, image.width, image.height)
    atomic_write(kept, json.dumps({"chars": page.chars, "boxes": page.boxes}).encode("utf-8"))
    log.info("woordkaders van gescande pagina %d van %s gelezen", number, sha256[:12])
    return page


def words_page(number: int, tsv: str, width: int, height: int) -> PageText:
    """tesseract's TSV as a PageText: words split by spaces, lines by newlines, each character a slice of its word.

    >>> head = "level page_num block_num par_num line_num word_num left top width height conf text"
    >>> rows = [head, "5 1 1 1 1 1 100 50 40 20 95 Ja,", "5 1 1 1 1 2 150 50 20 20 96 nu",
    ...         "5 1 1 1 2 1 100 80 20 20 90 ok"]
    >>> tsv = "\\n".join(row.replace(" ", "\\t") for row in rows)
    >>> page = words_page(3, tsv, 1000, 1000)
    >>> page.chars, page.boxes[0], page.boxes[3]
    ('Ja, nu\\nok', (0.1, 0.05, 0.11333, 0.07), None)
    """
    chars: list[str] = []
    boxes: list[Box | None] = []
    line = None
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        key = tuple(cells[2:5])
        if chars:
            chars.append("\n" if key != line else " ")
            boxes.append(None)
        line = key
        word = cells[11].strip()
        left, top, w, h = (int(v) for v in cells[6:10])
        for i, ch in enumerate(word):
            chars.append(ch)
            boxes.append((round((left + w * i / len(word)) / width, 5), round(top / height, 5),
                          round((left + w * (i + 1) / len(word)) / width, 5), round((top + h) / height, 5)))
    return PageText(number, "".join(chars), tuple(boxes))
