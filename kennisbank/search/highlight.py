"""Snippets: the best fragment of a passage with every matched form in <mark>, everything else escaped."""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from html import escape

from kennisbank.analysis import exact_analyzer, text_analyzer
from kennisbank.search.plan import PHRASE_SLOP, QueryPlan

WINDOW_TOKENS = 45


@dataclass(frozen=True)
class Match:
    """A stretch of the passage that matched: its characters, surface form and the index term it matched."""

    start: int
    end: int
    surface: str
    term: str


def find_matches(text: str, terms: set[str], exact_terms: set[str] = frozenset(),
                 prefer: set[str] = frozenset()) -> list[Match]:
    """Where the analysed passage hits the query's index terms (stems, parts, expansions) or exact words.

    A term with spaces is a phrase: its words are marked only where they stand together (a few words apart
    at most, as the phrase query allows); where phrases overlap, the longest names a word. A word that hits
    several terms is one match, named by a `prefer` term when it hits one, else by the first.

    >>> [m.surface for m in find_matches("De Gezinnen in de jeugdbeschermingsketen.", {"gezin", "keten"})]
    ['Gezinnen', 'jeugdbeschermingsketen']
    >>> [m.term for m in find_matches("jeugdbeschermingsketen", {"jeugd", "keten"}, prefer={"keten"})]
    ['keten']
    >>> [m.surface for m in find_matches("Veilig Thuis Rijnmond, niet Jeugd Veilig Verder", {"veilig thuis"})]
    ['Veilig', 'Thuis']
    """
    spans: dict[tuple[int, int], Match] = {}
    words = {t for t in terms if " " not in t}
    phrases = sorted((tuple(t.split()) for t in terms if " " in t), key=lambda p: (-len(p), p))
    if terms:
        tokens = [(t.text, t.pos, t.startchar, t.endchar)
                  for t in text_analyzer()(text, mode="index")]
        by_term: dict[str, list[tuple[int, int, int]]] = {}  # for phrases: term -> where it stands
        for term, pos, start, end in tokens:
            by_term.setdefault(term, []).append((pos, start, end))
        for phrase in phrases:
            for start, end in _phrase_spans(by_term, phrase):
                spans.setdefault((start, end), Match(start, end, text[start:end], " ".join(phrase)))
        for term, _, start, end in tokens:
            held = spans.get((start, end))
            if term in words and (held is None or term in prefer and held.term not in prefer):
                spans[(start, end)] = Match(start, end, text[start:end], term)
    if exact_terms:
        for token in exact_analyzer()(text, mode="index"):
            if token.text in exact_terms and (token.startchar, token.endchar) not in spans:
                spans[(token.startchar, token.endchar)] = Match(
                    token.startchar, token.endchar, text[token.startchar:token.endchar], token.text)
    return sorted(spans.values(), key=lambda m: m.start)


def _phrase_spans(by_term: dict[str, list[tuple[int, int, int]]], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    """The character spans of a phrase's words wherever each follows the one before within PHRASE_SLOP positions
    (`by_term`: index term -> its (position, start, end) in the passage)."""
    found: list[tuple[int, int]] = []
    for first in by_term.get(phrase[0], ()):
        chain = [first]
        for word in phrase[1:]:
            step = next((t for t in by_term.get(word, ()) if 0 < t[0] - chain[-1][0] <= PHRASE_SLOP), None)
            if step is None:
                break
            chain.append(step)
        else:
            found.extend((start, end) for _, start, end in chain)
    return found


def query_matches(text: str, own: set[str], parts_of: dict[str, tuple[str, ...]],
                  exact_terms: set[str] = frozenset()) -> list[Match]:
    """find_matches for a query: its own terms everywhere, a compound's parts only where they stand in for it.

    >>> [m.surface for m in query_matches("Huis Verboden, geen Huisarts", set(), {"huisverbod": ("huis", "verbod")})]
    ['Huis', 'Verboden']
    >>> [m.surface for m in query_matches("Kinderbescherming legt kinderbeschermingsmaatregelen op",
    ...                                   {"kinderbeschermingsmaatregel"}, {"kinderbeschermingsmaatregel": ("kind",)})]
    ['kinderbeschermingsmaatregelen']
    >>> [m.surface for m in query_matches("Raad voor de Kinderbescherming, Jeugdbescherming Gelderland",
    ...     {"jeugdbescherming gelderland"}, {"jeugdbescherming": ("jeugd", "bescherming")})]
    ['Jeugdbescherming', 'Gelderland']
    """
    parts = {p for ps in parts_of.values() for p in ps} - own - set(exact_terms)
    found_all = find_matches(text, own | parts, exact_terms, prefer=own)
    stand_in = [m for m in found_all if m.term in parts]
    matches = [m for m in found_all if m.term not in parts]
    found = {word for m in found_all for word in m.term.split()}  # a phrase that matched found each of its words
    keep: set[int] = set()
    for whole, word_parts in parts_of.items():
        if whole in found or not set(word_parts) <= found:
            continue
        mine = [m for m in stand_in if m.term in word_parts]
        keep.update(id(m) for m in mine  # written apart but together: "Huis Verboden", "volwassenen-GGZ"
                    if any(o.term != m.term and max(o.start - m.end, m.start - o.end) <= 3 for o in mine))
    return sorted(matches + [m for m in stand_in if id(m) in keep], key=lambda m: m.start)


def merge(matches: list[Match], extra: list[Match]) -> list[Match]:
    """The matches plus those extra ones that overlap none of them, in text order.

    >>> [m.surface for m in merge([Match(0, 4, "reis", "reis")], [Match(2, 6, "is x", "x"), Match(8, 9, "y", "y")])]
    ['reis', 'y']
    """
    kept = [e for e in extra if not any(m.start < e.end and e.start < m.end for m in matches)]
    return sorted(matches + kept, key=lambda m: m.start)


def tag_matches(text: str, tags_json: str | None, kind: str, ids: set[str]) -> list[Match]:
    """Where a passage says what made its tags of `kind` with these ids match (from the stored tags JSON).

    >>> tags = '{"thema": [{"id": "klantreis", "label": "Klantreis", "matched": ["clientreis"]}]}'
    >>> [m.surface for m in tag_matches("Het onderzoek (clientreis) duurt lang.", tags, "thema", {"klantreis"})]
    ['clientreis']
    """
    tags = json.loads(tags_json or "{}").get(kind, [])
    return literal_matches(text, [m for tag in tags if tag["id"] in ids for m in tag["matched"]])


@dataclass
class Marks:
    """What a snippet marks: the query's own terms, compound parts standing in, exact words, named vraagstukken."""

    own: set[str]
    parts_of: dict[str, tuple[str, ...]]
    exact_terms: set[str]
    themas: set[str]
    weak: set[str]  # compound parts and derived words, marked in passages found only through them

    @classmethod
    def of(cls, plan: QueryPlan) -> "Marks":
        """The marks of the query searched (a spelling correction when there was one)."""
        return cls(plan.own_terms(), dict(plan.parts_of), set(plan.exact_terms), plan.themas(), set(plan.weak_terms))

    def matches(self, text: str, tags_json: str | None = None, weak: bool = False) -> list[Match]:
        """The query's matches in a passage; where it is tagged with a named vraagstuk, also what made the tag;
        with `weak`, also the compound parts and derived words (for a passage found only through them)."""
        matches = query_matches(text, self.own | (self.weak if weak else set()), self.parts_of, self.exact_terms)
        if self.themas:
            matches = merge(matches, tag_matches(text, tags_json, "thema", self.themas))
        return matches


def literal_matches(text: str, phrases: list[str]) -> list[Match]:
    """Where the given phrases occur in the text, ignoring case (for tags: what made a label match).

    >>> [m.surface for m in literal_matches("Zij werken met de V-GGZ en de v-ggz.", ["V-GGZ"])]
    ['V-GGZ', 'v-ggz']
    """
    found: dict[int, Match] = {}
    lowered = text.lower()
    for phrase in sorted({p for p in phrases if p.strip()}, key=len, reverse=True):
        start = lowered.find(phrase.lower())
        while start >= 0:
            end = start + len(phrase)
            if not any(m.start < end and start < m.end for m in found.values()):
                found[start] = Match(start, end, text[start:end], phrase.lower())
            start = lowered.find(phrase.lower(), end)
    return sorted(found.values(), key=lambda m: m.start)


def snippet(text: str, matches: list[Match], window: int = WINDOW_TOKENS) -> str:
    """The window of about `window` words with the most distinct matched terms, matches centred, as safe HTML.

    >>> snippet("a <b> gezin & zo", [Match(6, 11, "gezin", "gezin")])
    'a &lt;b&gt; <mark>gezin</mark> &amp; zo'
    >>> text = "een twee drie vier vijf zes zeven acht negen tien elf twaalf"
    >>> snippet(text, [Match(28, 33, "zeven", "zeven")], window=7)
    '… vier vijf zes <mark>zeven</mark> acht negen tien …'
    """
    words = _word_starts(text)
    if not words:
        return ""
    start_word = 0
    if matches and len(words) > window:
        best = (-1, -1)
        last = len(words) - window  # the last window start: it must be tried, so a match in the last word counts
        for i in [*range(0, last, 3), last]:
            lo, hi = words[i], words[i + window] if i + window < len(words) else len(text)
            inside = [m for m in matches if lo <= m.start < hi]
            middle = sum(bisect_right(words, m.start) for m in (inside[0], inside[-1])) / 2 - 1 if inside else 0
            centred = -abs(middle - (i + (window - 1) / 2))
            score = (len({m.term for m in inside}), len(inside), centred)
            if score > best:
                best, start_word = score, i
    lo = words[start_word]
    end_word = start_word + window
    hi = words[end_word] if end_word < len(words) else len(text)
    out, pos = [], lo
    for m in matches:
        if m.start < lo or m.end > hi or m.start < pos:
            continue
        out.append(escape(text[pos:m.start], quote=False))
        out.append(f"<mark>{escape(text[m.start:m.end], quote=False)}</mark>")
        pos = m.end
    out.append(escape(text[pos:hi], quote=False))
    result = "".join(out).strip().replace("\n", " ")
    return ("… " if lo > 0 else "") + result + (" …" if hi < len(text) else "")


def _word_starts(text: str) -> list[int]:
    """Character offsets where words start."""
    starts, prev_space = [], True
    for i, ch in enumerate(text):
        if not ch.isspace() and prev_space:
            starts.append(i)
        prev_space = ch.isspace()
    return starts
