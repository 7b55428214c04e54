"""Clean step: leave out the text of a figure that a document prints again and again.

Some plans repeat one diagram (the programme's themes as boxes) at the top of every chapter; its labels come
out of the PDF as short lines ("Kennisdeling ]", "Integrale sturing", "MDA++", "[ )"). Kept, they make every
such page match a search for any label, and the pages carry themes they do not discuss. A figure is found
as a run of short lines whose line-to-line sequence recurs elsewhere in the document: the run is left out,
except its last line when body text follows it (that line is the heading the figure sat on).

A figure printed once is found by its box edges: OCR reads the frames of labelled boxes as stray brackets
("Kennisdeling ]", "[ Monitoring }", "[T ———"). Label lines with such edges, and the label lines
between them, are left out; a blank line takes their place, so the heading after the figure reads as one.
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
_OCR_EDGE = re.compile(r"\sJ$")  # a "J" closing a label is OCR's "]"
_PAIRS = {"[": "]", "{": "}"}
_CLOSERS = frozenset(_PAIRS.values())

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


def has_box_edge(line: str) -> bool:
    """Whether a line shows a box edge: a bracket that does not pair up, or a "J" closing it (OCR's "]").

    >>> [has_box_edge(line) for line in ("Kennisdeling ]", "[ Monitoring }", "[T ———", "Integrale sturing J")]
    [True, True, True, True]
    >>> [has_box_edge(line) for line in ("zie [1] en [2]", "{ veiligheid } Onderzoek", "{{ sjabloon }}", "J. de Vries")]
    [False, False, False, False]
    """
    if _OCR_EDGE.search(line):
        return True
    open_: list[str] = []
    for ch in line:
        if ch in _PAIRS:
            open_.append(_PAIRS[ch])
        elif ch in _CLOSERS and (not open_ or open_.pop() != ch):
            return True
    return bool(open_)


def drop_box_figures(pages: list[list[str]]) -> list[list[str]]:
    """The pages' lines without figure labels read from boxes: from the first label line with a box edge to
    the last one among neighbouring label lines, with the rest of that label and the lines without words
    around them; a blank line takes their place.

    >>> drop_box_figures([["Thema: Analyse", "Gezinsgericht Lerend", "[ Monitoring ] [ Onderzoek",
    ...                    "Visie gefaseerd", "Kennisdeling ]", "", "Korte toelichting", "Tekst van het thema."]])
    [['Thema: Analyse', 'Gezinsgericht Lerend', '', 'Korte toelichting', 'Tekst van het thema.']]
    >>> drop_box_figures([["Een zin met een haak [ die niet sluit, maar wel gewoon tekst is."]])
    [['Een zin met een haak [ die niet sluit, maar wel gewoon tekst is.']]
    """
    out = []
    for page in pages:
        drop = _box_figure_lines(page)
        kept: list[str] = []
        for n, line in enumerate(page):
            if n not in drop:
                kept.append(line)
            elif n - 1 not in drop:
                after = next((m for m in range(n, len(page)) if m not in drop), len(page))
                if after < len(page) and page[after].strip():
                    kept.append("")  # where the figure was, unless a blank line follows it anyway
        out.append(kept)
    return out


def _box_figure_lines(page: list[str]) -> set[int]:
    """The numbers of a page's lines that belong to figure labels read from boxes (see drop_box_figures)."""
    keys = [line_key(line) for line in page]  # None for blank lines too
    edges = [n for n, line in enumerate(page) if keys[n] is not False and has_box_edge(line)]
    drop: set[int] = set()
    for n in edges:
        if n in drop:
            continue
        end = n
        for m in range(n + 1, len(page)):  # the last box edge among the label lines that follow
            if keys[m] is False:
                break
            if m in edges:
                end = m
        start, stop = n, end + 1
        while start > 0 and keys[start - 1] is None and page[start - 1].strip():
            start -= 1
        while stop < len(page) and page[stop].strip() and (keys[stop] is None or (
                keys[stop] is not False and page[stop].lstrip()[:1].islower())):
            stop += 1  # and the rest of the last label ("transparant" under "... Rechtsbeschermend en")
        drop.update(range(start, stop))
    return drop


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
