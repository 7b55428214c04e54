"""Rendered page images on disk, by original hash, page and width; the oldest go when the cache grows too big."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from kennisbank.store import atomic_write

log = logging.getLogger(__name__)

MAX_BYTES = 256 * 2**20  # the cache's size limit; above it the least recently used images are removed
KEEP_SHARE = 0.8  # a trim removes images until the cache is this share of the limit


def image_path(folder: Path, sha256: str, page: int, width: int) -> Path:
    """Where the image of one page at one width is kept.

    >>> image_path(Path("c"), "ab12", 3, 800).as_posix()
    'c/ab12-3-800.png'
    """
    return folder / f"{sha256}-{page}-{width}.png"


def cached(folder: Path, sha256: str, page: int, width: int, render: Callable[[], bytes],
           limit: int = MAX_BYTES) -> bytes:
    """The PNG of a page from the cache, or rendered now, kept, and the cache trimmed to its limit."""
    path = image_path(folder, sha256, page, width)
    try:
        content = path.read_bytes()
        os.utime(path)  # recently used: trimmed last
        return content
    except FileNotFoundError:
        pass
    content = render()
    atomic_write(path, content)
    trim(folder, limit)
    return content


def trim(folder: Path, limit: int = MAX_BYTES) -> int:
    """Remove the least recently used images until the folder holds at most KEEP_SHARE of limit; return how many."""
    entries = []
    for path in folder.glob("*.png"):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed by another thread or process meanwhile
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return 0
    removed = 0
    for _, size, path in sorted(entries):
        if total <= limit * KEEP_SHARE:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    log.info("paginacache: %d afbeeldingen verwijderd, nog %d bytes", removed, total)
    return removed
