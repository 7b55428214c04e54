"""A candidate passage's words as the index holds them: whole-word stems in order, with each word's compound parts.

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
    """The analysed words of a text: `stems[i]` is the i-th word that counts, `parts[i]` its compound parts."""

    stems: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...]
    sentences: tuple[int, ...] = ()  # the sentence (or list item, or line) each word stands in, numbered from 0
    text: str = ""  # the text itself, for its exact words

    @cached_property
    def exact(self) -> frozenset[str]:
        """The folded words as written (stop words too); read only for a query's quoted words, so folded then
        rather than stored in the index (they would add two thirds of the text to it)."""
        return frozenset(written_terms(word)[0] for word, _start, _end in words(self.text))

    @property
    def length(self) -> int:
        """How many words count (stop words left out)."""
        return len(self.stems)

    @cached_property
    def where(self) -> dict[str, list[int]]:
        """Stem -> the positions where a word with that stem stands."""
        out: dict[str, list[int]] = {}
        for i, stem in enumerate(self.stems):
            out.setdefault(stem, []).append(i)
        return out

    @cached_property
    def where_part(self) -> dict[str, list[int]]:
        """Stem -> the positions of compounds that have it as a part."""
        out: dict[str, list[int]] = {}
        for i, parts in enumerate(self.parts):
            for part in parts:
                out.setdefault(part, []).append(i)
        return out


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
    stems: list[str] = []
    parts: list[tuple[str, ...]] = []
    sentences: list[int] = []
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    sentence, last = 0, len(ends)
    for word, start, _end in words(text):
        _folded, terms = written_terms(word)
        if terms is not None:
            while sentence < last and ends[sentence] <= start:  # the sentence ends before this word
                sentence += 1
            stems.append(terms[0])
            parts.append(terms[1])
            sentences.append(sentence)
    return PassageTerms(tuple(stems), tuple(parts), tuple(sentences), text)


def stream(text: str) -> str:
    """A text's analysed words as the index stores them: stems, sentence runs and compound parts.

    >>> stream("Eerst gezinnen. Dan jeugdzorg.").translate({0x1e: " | ", 0x1f: " ", 0x1d: ":"})
    'eerst gezin jeugdzorg | 2:0 1:1 | 2:jeugd:zorg'
    """
    terms = passage_terms(text)
    runs: list[list[int]] = []  # [how many words in a row, their sentence]
    for sentence in terms.sentences:
        if runs and runs[-1][1] == sentence:
            runs[-1][0] += 1
        else:
            runs.append([1, sentence])
    blocks = (
        _ITEM.join(terms.stems),
        _ITEM.join(f"{n}{_PART}{sentence}" for n, sentence in runs),
        _ITEM.join(_PART.join((str(i), *parts)) for i, parts in enumerate(terms.parts) if parts),
    )
    return _BLOCK.join(blocks)


@lru_cache(maxsize=4096)
def read_stream(stored: str, text: str) -> PassageTerms:
    """The analysed words a stream of the text holds (`stream`), as passage_terms gives them for the text.

    >>> text = "Eerst gezinnen. Dan jeugdzorg."
    >>> read_stream(stream(text), text) == passage_terms(text)
    True
    """
    stems, runs, compounds = (block.split(_ITEM) if block else [] for block in stored.split(_BLOCK))
    parts: list[tuple[str, ...]] = [()] * len(stems)
    for compound in compounds:
        i, *its_parts = compound.split(_PART)
        parts[int(i)] = tuple(its_parts)
    counted = (run.split(_PART) for run in runs)
    sentences = tuple(chain.from_iterable(repeat(int(sentence), int(n)) for n, sentence in counted))
    return PassageTerms(tuple(stems), tuple(parts), sentences, text)


def stored_terms(hit: Any) -> PassageTerms:
    """A found passage's analysed words, read from the stream the index stored with it."""
    return read_stream(hit["terms"], hit["text"])


def text_terms(hit: Any) -> PassageTerms:
    """A found passage's analysed words, analysed again from its text (what stored_terms saves; for comparing)."""
    return passage_terms(hit["text"])
