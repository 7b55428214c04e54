"""Clean step: leave out the text of a figure that a document prints again and again.

Some plans repeat one diagram (the programme's themes as boxes) at the top of every chapter; its labels come
out of the PDF as short lines ("Kennisdeling ]", "Integrale sturing", "MDA++", "[ )"). Kept, they make every
such page match a search for any label, and the pages carry themes they do not discuss. A figure is found
as a run of short lines whose line-to-line sequence recurs elsewhere in the document: the run is left out,
except its last line when body text follows it (that line is the heading the figure sat on).
"""
from __future__ import annotations

import re
from collections import Counter

MIN_REPEATS = 3  # a pair of neighbouring label lines seen this often in a document is part of a figure
MIN_LINES = 3  # a figure has at least this many labelled lines
MAX_WORDS = 12  # labels are short: a longer line is text, never part of a figure
BODY_WORDS = 8  # a line this long after a figure is body text, so the figure's last line is its heading
SLIP_WORDS, SLIP_SHARE = 4, 0.6  # label lines of 4+ words sharing 60 % of their words are one line
_WORD = re.compile(r"[^\W\d_]{3,}")
_SENTENCE_END = re.compile(r"[.!?;]['\")]*\s*$")

Key = frozenset | None | bool  # a label line's words; None for a line without words; False for text


def line_key(line: str) -> Key:
    """A label's words (3+ letters, lowercased), None for a line without words, False for a sentence.

    >>> sorted(line_key("Kennisdeling ]")), line_key("[ )"), line_key("Een zin."), line_key("Lange regel " * 7)
    (['kennisdeling'], None, False, False)
    """
    words = [w.lower() for w in _WORD.findall(line)]
    if not words:
        return None
    return frozenset(words) if len(words) <= MAX_WORDS and not _SENTENCE_END.search(line) else False


def drop_recurring_figures(pages: list[list[str]]) -> list[list[str]]:
    """The pages' lines without the text of figures that recur in the document (a figure may cross a page end).

    >>> figure = ["Monitoring ]", "[ Onderzoek ]", "Kennisdeling J", "[ )", "Integrale sturing", "Korte toelichting"]
    >>> body = "Hier staat de tekst van het hoofdstuk over {} in gewone zinnen."
    >>> pages = [[f"Thema {n}: {t}", *figure, body.format(t)] for n, t in enumerate(("sturing", "leren", "data"))]
    >>> drop_recurring_figures(pages)[1]
    ['Thema 1: leren', 'Korte toelichting', 'Hier staat de tekst van het hoofdstuk over leren in gewone zinnen.']
    >>> drop_recurring_figures(pages[:2]) == pages[:2]
    True
    """
    lines = [line for page in pages for line in page]
    keys = [line_key(line) for line in lines]
    same = _merge_slips({key for key in keys if key})
    keys = [same.get(key, key) if key else key for key in keys]
    pairs = _pairs(keys)
    seen = Counter((keys[i], keys[j]) for i, j in pairs)
    recurring = {n for i, j in pairs if seen[keys[i], keys[j]] >= MIN_REPEATS for n in (i, j)}
    drop = _figure_lines(lines, keys, recurring)
    out, start = [], 0
    for page in pages:
        out.append([line for n, line in enumerate(page, start) if n not in drop])
        start += len(page)
    return out


def _merge_slips(keys: set[frozenset]) -> dict[frozenset, frozenset]:
    """Longer label lines that differ by an OCR slip ("(wijk)teams", "(wijkjteams") mapped onto one of them.

    >>> a = frozenset("versterken lokale wijk teams monitoring regionale project".split())
    >>> b = frozenset("versterken lokale wijkjteams monitoring regionale project".split())
    >>> _merge_slips({a, b, frozenset({"mda"})}) == {b: a}
    True
    """
    long = sorted((key for key in keys if len(key) >= SLIP_WORDS), key=lambda k: (-len(k), sorted(k)))
    by_word: dict[str, list[frozenset]] = {}
    same: dict[frozenset, frozenset] = {}
    for key in long:
        shared = Counter(c for word in key for c in by_word.get(word, ()))
        close = [c for c, n in shared.items() if n / (len(key) + len(c) - n) >= SLIP_SHARE]
        if close:
            same[key] = min(close, key=lambda c: (-len(c), sorted(c)))
        else:
            for word in key:
                by_word.setdefault(word, []).append(key)
    return same


def _pairs(keys: list[Key]) -> list[tuple[int, int]]:
    """Indexes of neighbouring label lines (lines without words in between do not separate them)."""
    labels = [n for n, key in enumerate(keys) if key]
    return [(a, b) for a, b in zip(labels, labels[1:]) if all(keys[m] is None for m in range(a + 1, b))]


def _figure_lines(lines: list[str], keys: list[Key], recurring: set[int]) -> set[int]:
    """Indexes of the lines that belong to recurring figures."""
    drop: set[int] = set()
    n = 0
    while n < len(keys):
        if n not in recurring:
            n += 1
            continue
        end = n
        while end < len(keys) and (end in recurring or keys[end] is None):
            end += 1
        labels = [m for m in range(n, end) if m in recurring]
        if len(labels) >= MIN_LINES:
            stop = labels[-1] if _body_follows(lines, end) else end  # keep the heading the figure sat on
            drop.update(range(n, stop))
        n = end
    return drop


def _body_follows(lines: list[str], end: int) -> bool:
    """Whether the first line with words from `end` on is body text."""
    for line in lines[end:]:
        if words := _WORD.findall(line):
            return line_key(line) is False or len(words) >= BODY_WORDS
    return False
