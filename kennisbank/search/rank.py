"""Result-list shaping after the ranking: spread hits over documents, push near-duplicates down, cap per section."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from kennisbank.analysis import stopwords

SAME_DOCUMENT = 1.0  # lowered from a hit's score for every earlier pick from its document (score units)
REPEAT = 2.0  # lowered from the score of a passage that largely repeats an earlier pick (figures, tables)
DUPLICATE_OVERLAP = 0.5  # share of the smaller passage's content words (stop words left out)
MAX_PER_SECTION = 3
_WORD = re.compile(r"\w{3,}")


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """The content words of a text (no stop words), lowercased."""
    stops = stopwords()
    return frozenset(w for w in (w.lower() for w in _WORD.findall(text)) if w not in stops)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of the smaller word set the other one shares.

    >>> overlap(frozenset("abc"), frozenset("abd"))
    0.6666666666666666
    """
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def overlaps(sets: list[frozenset[str]]) -> np.ndarray:
    """overlap() of every pair of these word sets, as a matrix (one product of their word incidences).

    >>> overlaps([frozenset("abc"), frozenset("abd"), frozenset()]).round(3).tolist()
    [[1.0, 0.667, 0.0], [0.667, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    numbered: dict[str, int] = {}
    rows = [[numbered.setdefault(w, len(numbered)) for w in words] for words in sets]
    incidence = np.zeros((len(sets), len(numbered)))
    for i, columns in enumerate(rows):
        incidence[i, columns] = 1.0
    shared = incidence @ incidence.T
    sizes = np.array([len(words) for words in sets], dtype=float)
    smaller = np.minimum.outer(sizes, sizes)
    return np.divide(shared, smaller, out=np.zeros_like(shared), where=smaller > 0)


def spread(hits: list[Any], score: Callable[[Any], float], depth: int = 40, same_document: float = SAME_DOCUMENT,
           repeat: float = REPEAT) -> list[Any]:
    """Greedy re-ranking of the first `depth` hits (best first) for variety.

    Each pick takes the hit with the best adjusted score (the first of equals): its own `score(hit)`, less
    `same_document` for every earlier pick from its document and less `repeat` once it repeats an earlier pick's
    words. Hits below depth keep their order.
    """
    head, tail = hits[:depth], hits[depth:]
    adjusted = np.array([score(h) for h in head], dtype=float)
    repeats = overlaps([_words(h["text"]) for h in head]) > DUPLICATE_OVERLAP
    documents = [h["document_id"] for h in head]
    same = np.array([[a == b for b in documents] for a in documents], dtype=bool).reshape(len(head), len(head))
    left, repeated = np.ones(len(head), dtype=bool), np.zeros(len(head), dtype=bool)
    picked: list[Any] = []
    for _ in head:
        best = int(np.argmax(np.where(left, adjusted, -np.inf)))
        left[best] = False
        picked.append(head[best])
        adjusted -= np.where(left & same[best], same_document, 0.0)
        newly = left & ~repeated & repeats[best]
        repeated |= newly
        adjusted -= np.where(newly, repeat, 0.0)
    return picked + tail


def cap_sections(hits: list, per_section: int = MAX_PER_SECTION, window: int = 10) -> list:
    """At most `per_section` hits of one document section in each window of ranks; the rest move down."""
    out: list = []
    rest = list(hits)
    while rest:
        taken, rest = _fill_window(rest, per_section, window)
        out.extend(taken)
    return out


def _fill_window(hits: list, per_section: int, window: int) -> tuple[list, list]:
    """The first `window` hits with at most `per_section` per section, and the hits held back, both in order."""
    counts: dict[tuple, int] = {}
    taken, held = [], []
    for hit in hits:
        key = (hit["document_id"], hit["section"])
        if len(taken) < window and counts.get(key, 0) < per_section:
            counts[key] = counts.get(key, 0) + 1
            taken.append(hit)
        else:
            held.append(hit)
    return taken, held
