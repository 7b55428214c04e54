"""OCR stage: read scanned PDF pages with tesseract and its Dutch model ('nld').

Only pages with (almost) no text layer that hold an image are OCR'd; pages with text keep it,
so mixed documents work page by page. Route: pypdf hands over the images embedded in the page
(a scanner stores one per page), Pillow turns them into greyscale PNM, and the `tesseract`
binary reads that from stdin. Pages run in parallel, one single-threaded tesseract process per
core (OMP_THREAD_LIMIT=1), under one time limit per document. Settings from the environment:
KENNISBANK_TESSERACT (the binary; default `tesseract` on PATH), KENNISBANK_OCR_TIMEOUT (seconds
per document) and tesseract's own TESSDATA_PREFIX (where the language models are).
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from indexer.model import Page, RefusedError

log = logging.getLogger(__name__)

LANG = "nld"
MIN_CHARS = 20  # a page with fewer letters and digits than this has no usable text layer
DEFAULT_TIMEOUT = 1800.0  # seconds per document
MAX_WORKERS = 4
MIN_IMAGE_SIDE = 200  # smaller images (logos, icons) are not read
UNAVAILABLE = "OCR niet beschikbaar: installeer tesseract-ocr en tesseract-ocr-nld (scripts/system-packages.sh)"

Progress = Callable[[int, int, "Page | None"], None]
"""Called with (pages done, pages to read, the page just read); once with None before the first page."""


class OcrUnavailableError(RefusedError):
    """tesseract or its Dutch model is not installed."""


class OcrTimeoutError(RefusedError):
    """OCR of one document took longer than its time limit."""


@dataclass
class OcrSettings:
    """How to OCR one document; the defaults come from the environment."""

    timeout: float | None = None  # seconds per document; None: $KENNISBANK_OCR_TIMEOUT or DEFAULT_TIMEOUT
    workers: int = 0  # tesseract processes at once; 0: one per core (at most MAX_WORKERS)
    binary: str = ""  # "": $KENNISBANK_TESSERACT or `tesseract` on PATH
    lang: str = LANG
    cache_dir: Path | None = None  # OCR'd pages per document hash, so a resume or a reindex reads them again
    progress: Progress | None = None

    def limit(self) -> float:
        """The time limit in seconds."""
        if self.timeout is not None:
            return float(self.timeout)
        try:
            return float(os.environ.get("KENNISBANK_OCR_TIMEOUT") or DEFAULT_TIMEOUT)
        except ValueError:
            log.warning("KENNISBANK_OCR_TIMEOUT is geen getal; standaard %g s", DEFAULT_TIMEOUT)
            return DEFAULT_TIMEOUT

    def processes(self) -> int:
        """How many tesseract processes run at once."""
        return self.workers or max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def text_chars(text: str) -> int:
    """The number of letters and digits in a text.

    >>> text_chars(" - 12 -\\n"), text_chars("Eén visie")
    (2, 8)
    """
    return sum(ch.isalnum() for ch in text)


def needs_ocr(page: Page) -> bool:
    """Whether a page has (almost) no text layer: fewer than MIN_CHARS letters and digits.

    >>> needs_ocr(Page(1, "")), needs_ocr(Page(2, "  3  ")), needs_ocr(Page(3, "Proeftuin Zeeland werkt samen."))
    (True, True, False)
    """
    return text_chars(page.text) < MIN_CHARS


def tesseract_path(binary: str = "") -> str | None:
    """The full path of the tesseract binary, or None when it cannot be found."""
    return shutil.which(binary or os.environ.get("KENNISBANK_TESSERACT") or "tesseract")


def check_available(binary: str = "", lang: str = LANG) -> str:
    """The tesseract path; raise OcrUnavailableError when it or the model for lang is missing."""
    path = tesseract_path(binary)
    if path is None:
        raise OcrUnavailableError(f"{UNAVAILABLE}; tesseract niet gevonden")
    try:
        listed = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrUnavailableError(f"{UNAVAILABLE}; {path} start niet: {exc}") from exc
    if lang not in (listed.stdout + listed.stderr).split():
        raise OcrUnavailableError(f"{UNAVAILABLE}; taalmodel '{lang}' ontbreekt")
    return path


def image_pages(pdf_bytes: bytes, numbers: list[int]) -> list[int]:
    """Those of the given page numbers whose page holds at least one image (nothing is decoded)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    found = []
    for number in numbers:
        try:
            if len(reader.pages[number - 1].images):
                found.append(number)
        except Exception as exc:  # a damaged page has nothing we can read
            log.warning("pagina %d: afbeeldingen onleesbaar: %s: %s", number, type(exc).__name__, exc)
    return found


def page_images(pdf_bytes: bytes, page_number: int) -> list[tuple[bytes, int]]:
    """The readable images of one page as greyscale PNM bytes with their resolution (dpi), upright."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf_bytes)).pages[page_number - 1]
    width_inch = max(float(page.mediabox.width), 1.0) / 72
    images = []
    for image_file in page.images:
        try:
            image = image_file.image.convert("L")
        except Exception as exc:  # Pillow or pypdf cannot decode this image
            log.warning("pagina %d: afbeelding %s onleesbaar: %s", page_number, image_file.name, exc)
            continue
        if min(image.size) < MIN_IMAGE_SIDE:
            continue
        dpi = max(70, min(1200, round(image.width / width_inch)))
        if page.rotation % 360:
            image = image.rotate(-page.rotation, expand=True)
        buffer = io.BytesIO()
        image.save(buffer, "PPM")
        images.append((buffer.getvalue(), dpi))
    return images


def ocr_image(image: bytes, dpi: int, timeout: float, binary: str = "", lang: str = LANG,
              config: tuple[str, ...] = ()) -> str:
    """What tesseract reads in one image: its text, or what a config ("tsv": words with boxes) asks for; raises
    subprocess.TimeoutExpired after timeout seconds."""
    path = tesseract_path(binary) or "tesseract"
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    done = subprocess.run([path, "stdin", "stdout", "-l", lang, "--dpi", str(dpi), *config], input=image,
                          capture_output=True, timeout=max(timeout, 0.01), env=env)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("loading language" in line for line in message):
            raise OcrUnavailableError(f"{UNAVAILABLE}; taalmodel '{lang}' ontbreekt")
        raise RuntimeError(f"tesseract stopte met code {done.returncode}: {' '.join(message)[-200:]}")
    return done.stdout.decode("utf-8", "replace")


def tidy(text: str) -> str:
    """OCR output without form feeds and lines that hold no letter or digit; '' when almost empty.

    >>> tidy("Kop\\n\\n| —\\nTekst van de pagina met genoeg letters.\\n\\f")
    'Kop\\n\\nTekst van de pagina met genoeg letters.'
    >>> tidy("|| —\\n a \\n")
    ''
    """
    lines = [line.rstrip() for line in text.replace("\f", "\n").splitlines()]
    kept = "\n".join(line if text_chars(line) or not line.strip() else "" for line in lines)
    while "\n\n\n" in kept:
        kept = kept.replace("\n\n\n", "\n\n")
    kept = kept.strip()
    return kept if text_chars(kept) >= MIN_CHARS else ""


def ocr_page(pdf_bytes: bytes, page_number: int, timeout: float, binary: str = "", lang: str = LANG) -> Page:
    """The OCR'd text of one PDF page; raises OcrTimeoutError when it takes longer than timeout seconds."""
    deadline = time.monotonic() + timeout
    texts = []
    for image, dpi in page_images(pdf_bytes, page_number):
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise subprocess.TimeoutExpired("tesseract", timeout)
            texts.append(ocr_image(image, dpi, left, binary, lang))
        except subprocess.TimeoutExpired as exc:
            raise OcrTimeoutError(f"OCR van pagina {page_number} duurde langer dan {timeout:g} s") from exc
        except RuntimeError as exc:
            log.warning("pagina %d: %s", page_number, exc)
    return Page(page_number, tidy("\n\n".join(texts)), ocr=True)


def _cache_file(settings: OcrSettings, pdf_bytes: bytes) -> Path | None:
    """Where the OCR'd pages of this document are cached, or None without a cache."""
    if settings.cache_dir is None:
        return None
    return settings.cache_dir / f"{hashlib.sha256(pdf_bytes).hexdigest()}-{settings.lang}.json"


def _load_cache(path: Path | None) -> dict[int, str]:
    """Page number -> OCR'd text from a cache file; {} when absent or unreadable."""
    if path is None or not path.exists():
        return {}
    try:
        return {int(k): str(v) for k, v in json.loads(path.read_text(encoding="utf-8"))["pages"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("OCR-cache %s onleesbaar, opnieuw lezen: %s", path.name, exc)
        return {}


def _save_cache(path: Path | None, pages: dict[int, str]) -> None:
    """Write the cache file atomically."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"pages": {str(k): v for k, v in sorted(pages.items())}}, fh, ensure_ascii=False)
    os.replace(tmp, path)


def ocr_pages(pdf_bytes: bytes, pages: list[Page], settings: OcrSettings | None = None) -> list[Page]:
    """The pages with every page that needs OCR (and holds an image) OCR'd; the others unchanged.

    Raises OcrUnavailableError when tesseract is needed but missing and no page has text of its
    own (a mixed document then keeps its text pages, with a warning), and OcrTimeoutError when the
    document takes longer than the time limit.
    """
    settings = settings or OcrSettings()
    wanted = image_pages(pdf_bytes, [p.number for p in pages if needs_ocr(p)])
    if not wanted:
        return pages
    cache = _cache_file(settings, pdf_bytes)
    done = {n: text for n, text in _load_cache(cache).items() if n in wanted}
    todo = [n for n in wanted if n not in done]
    binary = ""
    if todo:
        try:
            binary = check_available(settings.binary, settings.lang)
        except OcrUnavailableError as exc:
            if any(not needs_ocr(p) for p in pages):
                log.warning("%s: pagina's %s blijven zonder tekst", exc, todo)
                todo = []
            else:
                raise
    if settings.progress:
        settings.progress(len(done), len(wanted), None)
    if todo:
        _run(pdf_bytes, todo, done, len(wanted), settings, binary, cache)
    return [Page(p.number, done[p.number], ocr=True) if p.number in done else p for p in pages]


def _run(pdf_bytes: bytes, todo: list[int], done: dict[int, str], total: int, settings: OcrSettings,
         binary: str, cache: Path | None) -> None:
    """OCR the pages in todo in parallel into done, caching and reporting each page as it comes."""
    limit = settings.limit()
    deadline = time.monotonic() + limit
    log.info("OCR van %d pagina's met %d processen (limiet %g s)", len(todo), settings.processes(), limit)

    def one(number: int) -> Page:
        try:
            return ocr_page(pdf_bytes, number, deadline - time.monotonic(), binary, settings.lang)
        except RefusedError:
            raise
        except Exception as exc:  # one unreadable page must not sink the others
            log.warning("pagina %d: OCR mislukt: %s: %s", number, type(exc).__name__, exc)
            return Page(number, "", ocr=True)

    pool = ThreadPoolExecutor(settings.processes(), thread_name_prefix="ocr")
    try:
        pending = {pool.submit(one, n) for n in todo}
        while pending:
            finished, pending = wait(pending, timeout=max(deadline - time.monotonic(), 0) + 5,
                                     return_when=FIRST_COMPLETED)
            if not finished:
                raise OcrTimeoutError("tijd op")
            for future in finished:
                page = future.result()
                done[page.number] = page.text
                _save_cache(cache, done)
                if settings.progress:
                    settings.progress(len(done), total, page)
    except OcrTimeoutError as exc:
        raise OcrTimeoutError(
            f"OCR duurde te lang: na {limit:g} s waren {len(done)} van {total} pagina's gelezen "
            "(tijdslimiet per document; verhoog hem met --ocr-timeout of KENNISBANK_OCR_TIMEOUT)") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
