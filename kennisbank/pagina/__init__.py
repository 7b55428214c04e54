"""Pages of PDF originals: rendered as images, and where a passage stands on them.

- `pdfium` — the only module that imports pypdfium2: page count, a page as PNG, a page's characters with boxes;
- `cache` — rendered pages on disk by original hash, page and width, bounded in size;
- `markering` — a passage's text matched to a page's characters: the boxes of its lines (pure functions);
- `scan` — the characters of a scanned page: tesseract's word boxes, kept beside the OCR cache;
- `origineel` — these together for one stored PDF.
"""
from __future__ import annotations

WIDTHS = (400, 800, 1200, 1600)  # the widths (pixels) a page image is rendered at; any other is refused
DEFAULT_WIDTH = 800
