"""Result-list shaping after BM25: spread hits over documents, push near-duplicates down, cap per section."""
from __future__ import annotations

import re
from typing import Any

from kennisbank.analysis import stopwords

SAME_DOCUMENT_DECAY = 0.85  # each earlier pick from the same document lowers the next one's score this much
DUPLICATE_PENALTY = 0.5  # a passage that largely repeats an earlier pick (figures, repeated tables)
DUPLICATE_OVERLAP = 0.5  # share of the smaller passage's content words (stop words left out)
MAX_PER_SECTION = 3
_WORD = re.compile(r"\w{3,}")


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


def spread(hits: list[Any], depth: int = 40) -> list[Any]:
    """Greedy re-ranking of the first `depth` hits (score-ordered index.Hit) for variety.

    Each pick takes the hit with the best adjusted score: its own score, lowered for every earlier pick
    from the same document and halved when it repeats an earlier pick's words. Hits below depth keep order.
    """
    head, tail = hits[:depth], hits[depth:]
    words = {id(h): _words(h["text"]) for h in head}
    picked: list[Any] = []
    per_doc: dict[str, int] = {}
    while head:
        def adjusted(h: Any) -> float:
            score = float(h.score or 0) * SAME_DOCUMENT_DECAY ** per_doc.get(h["document_id"], 0)
            if any(overlap(words[id(h)], words[id(p)]) > DUPLICATE_OVERLAP for p in picked[-10:]):
                score *= DUPLICATE_PENALTY
            return score
        best = max(head, key=adjusted)
        head.remove(best)
        picked.append(best)
        per_doc[best["document_id"]] = per_doc.get(best["document_id"], 0) + 1
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


def settled(hits: list, places: int, per_section: int = MAX_PER_SECTION, window: int = 10) -> bool:
    """True when cap_sections(hits + more)[:places] is cap_sections(hits)[:places] whatever `more` is.

    That holds when every window of cap_sections that reaches into the first `places` is filled from `hits`
    alone: later hits only ever land behind them. The engine then skips the searches that would add them.

    >>> hits = [{"document_id": "d", "section": str(i)} for i in range(10)]
    >>> settled(hits, 10), settled(hits, 11), settled(hits[:9], 5), settled(hits * 3, 10)
    (True, False, False, True)
    """
    rest = list(hits)
    for _ in range(-(-places // window)):
        taken, rest = _fill_window(rest, per_section, window)
        if len(taken) < window:
            return False
    return True
