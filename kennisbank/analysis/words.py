"""Query words as the index holds them: a word's stem and, for a compound, its stemmed parts."""
from __future__ import annotations

from dataclasses import dataclass

from kennisbank.analysis.chain import WordSplitter
from kennisbank.analysis.decompound import split_compound
from kennisbank.analysis.fold import fold
from kennisbank.analysis.stemmer import stem_folded
from kennisbank.analysis.wordlists import stopwords


@dataclass(frozen=True)
class QueryWord:
    """One query word as the text field indexes it: its stem and, for a compound, its stemmed parts."""

    original: str
    stem: str
    parts: tuple[str, ...] = ()
    stopword: bool = False

    @property
    def terms(self) -> set[str]:
        """Every index term the word may match (the parts only all together)."""
        return {self.stem, *self.parts} - {""}


def query_forms(word: str) -> QueryWord:
    """The index terms of one query word; a word that splits in pieces counts as their compound.

    >>> query_forms("Huisverbod")
    QueryWord(original='Huisverbod', stem='huisverbod', parts=('huis', 'verbod'), stopword=False)
    >>> query_forms("volwassenen-GGZ").parts
    ('volwas', 'ggz')
    """
    tokens = [fold(t.text) for t in WordSplitter()(word)]
    if not tokens:
        return QueryWord(word, "")
    if len(tokens) > 1:
        parts = tuple(dict.fromkeys(stem_folded(t) for t in tokens if not is_stopword(t)))
        return QueryWord(word, stem_folded("".join(tokens)), parts)
    parts = tuple(dict.fromkeys(stem_folded(p) for p in split_compound(tokens[0])))
    return QueryWord(word, stem_folded(tokens[0]), parts, is_stopword(tokens[0]))


def is_stopword(word: str) -> bool:
    """Whether the text field leaves the word out (a stop word or a single letter).

    >>> is_stopword("Één"), is_stopword("gezin"), is_stopword("s")
    (True, False, True)
    """
    word = fold(word)
    return word in stopwords() or (len(word) == 1 and word.isalpha())
