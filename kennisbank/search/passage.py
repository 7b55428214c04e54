"""A candidate passage's words as the index holds them: where each whole-word stem and each compound part stands.

Re-ranking reads these instead of the index's postings, so it costs the same whichever engine found the
passage. A passage's words are analysed once, when it is indexed: the index stores them as a compact stream
(`stream`), which re-ranking reads back (`stored_terms`) instead of analysing the text again. Words are
analysed once per process (the stem and parts of a word never change).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain, repeat
from typing import Any

from kennisbank.analysis import compound_forms, fold, stem_folded, stopwords
from kennisbank.analysis.chain import clean_word, words
from kennisbank.analysis.decompound import MIN_SPLIT

_SENTENCE_END = re.compile(r"[.!?;:](?=\s)|\n")
# The stream's separators: control characters, which no analysed word holds (words are letters, digits and +).
_PART, _ITEM, _BLOCK = "\x1d", "\x1f", "\x1e"


@dataclass(frozen=True)
class PassageTerms:
    """The analysed words of a text by where they stand, numbered among the words that count (stop words left out):
    each stem's positions, each compound part's, and each word's sentence."""

    where: dict[str, list[int]]  # stem -> the positions where a word with that stem stands
    where_part: dict[str, list[int]]  # stem -> the positions of compounds that have it as a part
    sentences: tuple[int, ...]  # the sentence (or list item, or line) each word stands in, numbered from 0
    text: str = ""  # the text itself, for its exact words

    @property
    def length(self) -> int:
        """How many words count (stop words left out)."""
        return len(self.sentences)

    @cached_property
    def stems(self) -> tuple[str, ...]:
        """The stem of each word that counts, in order."""
        out = [""] * self.length
        for stem, where in self.where.items():
            for i in where:
                out[i] = stem
        return tuple(out)

    @cached_property
    def parts(self) -> tuple[tuple[str, ...], ...]:
        """The compound parts of each word that counts, in order (each word's parts in the order the passage
        first has them)."""
        out: list[list[str]] = [[] for _ in range(self.length)]
        for part, where in self.where_part.items():
            for i in where:
                out[i].append(part)
        return tuple(tuple(p) for p in out)

    @cached_property
    def exact(self) -> frozenset[str]:
        """The folded words as written (stop words too); read only for a query's quoted words, so folded then
        rather than stored in the index (they would add two thirds of the text to it)."""
        return frozenset(written_terms(word)[0] for word, _start, _end in words(self.text))


@lru_cache(maxsize=200_000)
def word_terms(folded: str) -> tuple[str, tuple[str, ...]] | None:
    """The stem and the stemmed compound parts of one folded word; None for a stop word.

    >>> word_terms("jeugdbeschermingsketens")
    ('jeugdbeschermingsket', ('jeugd', 'bescherming', 'keten', 'jeugdbescherming', 'beschermingsket'))
    >>> word_terms("de") is None
    True
    """
    if folded in stopwords() or (len(folded) == 1 and folded.isalpha()):
        return None
    parts = ()
    if len(folded) >= MIN_SPLIT or folded.endswith("+"):
        parts = tuple(dict.fromkeys(stem_folded(f) for f in compound_forms(folded)))
    return stem_folded(folded), parts


@lru_cache(maxsize=200_000)
def written_terms(word: str) -> tuple[str, tuple[str, tuple[str, ...]] | None]:
    """A word as written in a text: its folded form and its terms (word_terms).

    >>> written_terms("Jeugdzorg's")
    ('jeugdzorg', ('jeugdzorg', ('jeugd', 'zorg')))
    """
    folded = fold(clean_word(word))
    return folded, word_terms(folded)


@lru_cache(maxsize=4096)
def passage_terms(text: str) -> PassageTerms:
    """The analysed words of a text.

    >>> t = passage_terms("De gezinnen in de jeugdbeschermingsketen.")
    >>> t.stems, t.parts[1][:2], sorted(t.exact)
    (('gezin', 'jeugdbeschermingsket'), ('jeugd', 'bescherming'), ['de', 'gezinnen', 'in', 'jeugdbeschermingsketen'])
    """
    where: dict[str, list[int]] = {}
    where_part: dict[str, list[int]] = {}
    sentences: list[int] = []
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    sentence, last = 0, len(ends)
    for word, start, _end in words(text):
        _folded, terms = written_terms(word)
        if terms is not None:
            while sentence < last and ends[sentence] <= start:  # the sentence ends before this word
                sentence += 1
            i = len(sentences)
            where.setdefault(terms[0], []).append(i)
            for part in terms[1]:
                where_part.setdefault(part, []).append(i)
            sentences.append(sentence)
    return PassageTerms(where, where_part, tuple(sentences), text)


def stream(text: str) -> str:
    """A text's analysed words as the index stores them: each stem's positions, sentence runs (how many words
    in a row stand in which sentence) and each compound part's positions.

    >>> stream("Eerst gezinnen. Dan jeugdzorg.").translate({0x1e: " | ", 0x1f: " ", 0x1d: ":"})
    'eerst:0 gezin:1 jeugdzorg:2 | 2:0 1:1 | jeugd:2 zorg:2'
    """
    terms = passage_terms(text)
    runs: list[list[int]] = []  # [how many words in a row, their sentence]
    for sentence in terms.sentences:
        if runs and runs[-1][1] == sentence:
            runs[-1][0] += 1
        else:
            runs.append([1, sentence])
    blocks = (
        _positions_text(terms.where),
        _ITEM.join(f"{n}{_PART}{sentence}" for n, sentence in runs),
        _positions_text(terms.where_part),
    )
    return _BLOCK.join(blocks)


@lru_cache(maxsize=4096)
def read_stream(stored: str, text: str) -> PassageTerms:
    """The analysed words a stream of the text holds (`stream`), as passage_terms gives them for the text.

    >>> text = "Eerst gezinnen. Dan jeugdzorg."
    >>> read_stream(stream(text), text) == passage_terms(text)
    True
    """
    where, runs, where_part = stored.split(_BLOCK)
    counted = (run.split(_PART) for run in runs.split(_ITEM)) if runs else ()
    sentences = tuple(chain.from_iterable(repeat(int(sentence), int(n)) for n, sentence in counted))
    return PassageTerms(_positions_read(where), _positions_read(where_part), sentences, text)


def _positions_text(where: dict[str, list[int]]) -> str:
    """Term -> positions as stream text: "term:1:5 other:2" with the stream's separators."""
    return _ITEM.join(_PART.join((term, *map(str, at))) for term, at in where.items())


def _positions_read(block: str) -> dict[str, list[int]]:
    """Term -> positions from stream text (_positions_text)."""
    out: dict[str, list[int]] = {}
    for item in block.split(_ITEM) if block else ():
        term, *at = item.split(_PART)
        out[term] = list(map(int, at))
    return out


def stored_terms(hit: Any) -> PassageTerms:
    """A found passage's analysed words, read from the stream the index stored with it."""
    return read_stream(hit["terms"], hit["text"])


def text_terms(hit: Any) -> PassageTerms:
    """A found passage's analysed words, analysed again from its text (what stored_terms saves; for comparing)."""
    return passage_terms(hit["text"])
