"""PDFium through pypdfium2: how many pages, a page as PNG, and a page's characters with their boxes.

PDFium is not thread-safe: every call holds one lock, and opens and closes its document within it.
Boxes are fractions of the page as shown (its rotation and crop box applied), origin at the top left.
"""
from __future__ import annotations

import ctypes
import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_SCALE = 1_000_000  # device size for page <-> fraction conversions (PDFium's device coordinates are integers)
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page, origin top left


class UnreadablePdfError(Exception):
    """PDFium cannot open or render this PDF; the message is plain Dutch."""


@dataclass(frozen=True)
class PageText:
    """The characters of one page in PDFium's reading order, each with its box (None for generated ones)."""

    page: int
    chars: str
    boxes: tuple[Box | None, ...]


@contextmanager
def _document(path: Path) -> Iterator[pdfium.PdfDocument]:
    """An open document under the PDFium lock; UnreadablePdfError when PDFium cannot open it."""
    with _LOCK:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            log.warning("PDFium kan %s niet openen: %s", path.name, exc)
            raise UnreadablePdfError(f"PDFium kan dit PDF-bestand niet openen ({exc}).") from exc
        try:
            yield pdf
        finally:
            pdf.close()


def page_count(path: Path) -> int:
    """The number of pages of a PDF."""
    with _document(path) as pdf:
        return len(pdf)


def render_png(path: Path, number: int, width: int) -> bytes:
    """Page `number` (1-based) rendered `width` pixels wide, as PNG bytes."""
    out = io.BytesIO()
    render(path, number, width).save(out, "PNG", compress_level=1)  # as small as level 6 here, three times faster
    return out.getvalue()


def render(path: Path, number: int, width: int, grey: bool = False) -> Image.Image:
    """Page `number` (1-based) rendered `width` pixels wide, as a Pillow image."""
    with _document(path) as pdf:
        try:
            page = pdf[number - 1]
            return page.render(scale=width / page.get_width(), may_draw_forms=True, grayscale=grey).to_pil()
        except pdfium.PdfiumError as exc:
            log.warning("PDFium kan pagina %d van %s niet tekenen: %s", number, path.name, exc)
            raise UnreadablePdfError(f"PDFium kan pagina {number} niet tekenen ({exc}).") from exc


def page_size(path: Path, number: int) -> tuple[float, float]:
    """Width and height of a page as shown, in points."""
    with _document(path) as pdf:
        return pdf[number - 1].get_size()


def page_texts(path: Path, numbers: list[int]) -> list[PageText]:
    """The characters with their boxes of the given pages (numbers beyond the document are left out)."""
    out = []
    with _document(path) as pdf:
        for number in numbers:
            if 1 <= number <= len(pdf):
                out.append(_page_text(pdf[number - 1], number))
    return out


def _page_text(page: pdfium.PdfPage, number: int) -> PageText:
    """One page's characters and their boxes as fractions."""
    textpage = page.get_textpage()
    chars, boxes = [], []
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        chars.append(chr(code) if 0 < code < 0x110000 else " ")
        if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
            boxes.append(None)
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        boxes.append(_to_fractions(page, left, bottom, right, top))
    textpage.close()
    return PageText(number, "".join(chars), tuple(boxes))


def _to_fractions(page: pdfium.PdfPage, left: float, bottom: float, right: float, top: float) -> Box:
    """A rectangle in page coordinates as fractions of the shown page, origin top left."""
    xs, ys = [], []
    for x, y in ((left, bottom), (right, top)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page, 0, 0, _SCALE, _SCALE, 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        xs.append(dx.value / _SCALE)
        ys.append(dy.value / _SCALE)
    return min(xs), min(ys), max(xs), max(ys)


def text_under(path: Path, number: int, box: Box) -> str:
    """The text PDFium finds within a box (fractions) of a page: to read back what a marking covers."""
    with _document(path) as pdf:
        page = pdf[number - 1]
        corners = []
        for fx, fy in ((box[0], box[3]), (box[2], box[1])):
            px, py = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDF_DeviceToPage(page, 0, 0, _SCALE, _SCALE, 0, round(fx * _SCALE), round(fy * _SCALE),
                                       ctypes.byref(px), ctypes.byref(py))
            corners.append((px.value, py.value))
        (x0, y0), (x1, y1) = corners
        textpage = page.get_textpage()
        try:
            return textpage.get_text_bounded(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        finally:
            textpage.close()
