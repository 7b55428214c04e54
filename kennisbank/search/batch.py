"""Many texts' analysed words as flat arrays, and where stems stand in them: stage 2 without a loop over words.

Stage 2 weighs some 200 candidate passages a query. Looking words up one passage at a time (a map of stem to
positions per passage) was most of a search's time; a Batch puts every candidate's words in one array, numbered
by the query's own vocabulary, so that finding a stem, a phrase or a compound's part in all of them is a handful
of array operations.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

from kennisbank.search.passage import PassageTerms

UNKNOWN = 0  # the number of every word the vocabulary does not hold


@dataclass(frozen=True)
class Batch:
    """The words of some texts, one after another: per word its stem's number, text, place and sentence."""

    texts: tuple[PassageTerms, ...]
    vocabulary: dict[str, int]  # stem -> number (from 1)
    ids: np.ndarray  # per word: its stem's number, UNKNOWN when the vocabulary lacks it
    text: np.ndarray  # per word: the text it stands in
    place: np.ndarray  # per word: its position in its text
    sentence: np.ndarray  # per word: its sentence in its text
    starts: np.ndarray  # per text: where its words begin
    lengths: np.ndarray  # per text: how many words it has
    part_word: np.ndarray  # per compound part: the word it is a part of
    part_ids: np.ndarray  # per compound part: its stem's number

    @classmethod
    def of(cls, texts: Iterable[PassageTerms], wanted: Iterable[str] | None = None) -> Batch:
        """The batch of these texts, numbering the `wanted` stems (every stem in them when None).

        >>> from kennisbank.search.passage import passage_terms
        >>> b = Batch.of([passage_terms("De gezinnen."), passage_terms("Een gezin in het wijkteam.")], ["gezin"])
        >>> b.ids.tolist(), b.text.tolist(), b.place.tolist()
        ([1, 1, 0], [0, 1, 1], [0, 0, 1])
        """
        texts = tuple(texts)
        stems = list(chain.from_iterable(t.stems for t in texts))
        parts = list(chain.from_iterable(t.parts for t in texts))
        if wanted is None:
            wanted = chain(stems, chain.from_iterable(parts))
        vocabulary = {stem: n for n, stem in enumerate(dict.fromkeys(wanted), 1)}
        lengths = np.fromiter(map(len, (t.stems for t in texts)), dtype=np.int64, count=len(texts))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(texts) else np.zeros(0, dtype=np.int64)
        text = np.repeat(np.arange(len(texts)), lengths)
        part_counts = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        return cls(
            texts, vocabulary,
            ids=np.fromiter(map(vocabulary.get, stems, repeat(UNKNOWN)), dtype=np.int64, count=len(stems)),
            text=text, place=np.arange(len(stems)) - np.repeat(starts, lengths).astype(np.int64),
            sentence=np.fromiter(chain.from_iterable(t.sentences for t in texts), dtype=np.int64, count=len(stems)),
            starts=starts.astype(np.int64), lengths=lengths,
            part_word=np.repeat(np.arange(len(stems)), part_counts),
            part_ids=np.fromiter(map(vocabulary.get, chain.from_iterable(parts), repeat(UNKNOWN)), dtype=np.int64,
                                 count=int(part_counts.sum())),
        )

    @property
    def size(self) -> int:
        """How many words the batch holds."""
        return len(self.ids)

    def number(self, stem: str) -> int:
        """A stem's number; -1 (matching no word) when the vocabulary lacks it."""
        return self.vocabulary.get(stem, -1)

    def word(self, stem: str) -> np.ndarray:
        """Per word: whether it has this stem."""
        return self.ids == self.number(stem)

    def part(self, stem: str) -> np.ndarray:
        """Per word: whether it is a compound with this stem as a part."""
        out = np.zeros(self.size, dtype=bool)
        out[self.part_word[self.part_ids == self.number(stem)]] = True
        return out

    def phrase(self, stems: tuple[str, ...], gap: int) -> np.ndarray:
        """Per word: whether the stems start there, each following the one before within `gap` words (the nearest
        one taken) in the same text.

        >>> from kennisbank.search.passage import passage_terms
        >>> b = Batch.of([passage_terms("De lokale teams en de lokale wijkteams."), passage_terms("lokale")])
        >>> b.phrase(("lokal", "team"), 2).tolist()
        [True, False, False, False, False]
        """
        if not stems:
            return np.zeros(self.size, dtype=bool)
        first = self.word(stems[0])
        if len(stems) == 1:
            return first
        start = np.flatnonzero(first)
        at = start
        for stem in stems[1:]:
            wanted, nearest = self.number(stem), np.full(len(at), -1)
            for step in range(gap, 0, -1):  # the nearest step written last
                to = at + step
                ok = to < self.size
                ok[ok] = (self.text[to[ok]] == self.text[at[ok]]) & (self.ids[to[ok]] == wanted)
                nearest[ok] = to[ok]
            kept = nearest >= 0
            start, at = start[kept], nearest[kept]
        out = np.zeros(self.size, dtype=bool)
        out[start] = True
        return out

    def count(self, words: np.ndarray) -> np.ndarray:
        """Per text: how many of these words (a per-word mask) stand in it."""
        return np.bincount(self.text[words], minlength=len(self.texts))

    def first(self, words: np.ndarray) -> np.ndarray:
        """Per text: the place of the first of these words in it, -1 when none."""
        out = np.full(len(self.texts), np.iinfo(np.int64).max)
        np.minimum.at(out, self.text[words], self.place[words])
        out[out == np.iinfo(np.int64).max] = -1
        return out

    def places(self, words: np.ndarray, text: int) -> list[int]:
        """The places of these words in one text, in order."""
        start, end = self.starts[text], self.starts[text] + self.lengths[text]
        return (np.flatnonzero(words[start:end])).tolist()
