"""Result-list shaping after the ranking: spread hits over documents, push near-duplicates down, cap per section."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

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


def spread(hits: list[Any], score: Callable[[Any], float], depth: int = 40, same_document: float = SAME_DOCUMENT,
           repeat: float = REPEAT) -> list[Any]:
    """Greedy re-ranking of the first `depth` hits (best first) for variety.

    Each pick takes the hit with the best adjusted score: its own `score(hit)`, less `same_document` for every
    earlier pick from its document and less `repeat` once it repeats an earlier pick's words. Hits below depth
    keep their order.
    """
    head, tail = hits[:depth], hits[depth:]
    words = {id(h): _words(h["text"]) for h in head}
    adjusted = {id(h): score(h) for h in head}
    repeats: set[int] = set()
    picked: list[Any] = []
    while head:
        best = max(head, key=lambda h: adjusted[id(h)])
        head.remove(best)
        picked.append(best)
        for h in head:
            if h["document_id"] == best["document_id"]:
                adjusted[id(h)] -= same_document
            if id(h) not in repeats and overlap(words[id(h)], words[id(best)]) > DUPLICATE_OVERLAP:
                repeats.add(id(h))
                adjusted[id(h)] -= repeat
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
