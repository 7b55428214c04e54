"""Dutch text analysis for search: the whoosh chain of tokenizer and filters, and query words.

The same chain runs at index and at query time. Its filters hold no word lists (whoosh pickles the analyzer
into the index): the lists live in kennisbank/nl/ (wordlists), the rules in stemmer and decompound.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

from kennisbank.decompound import MIN_SPLIT, compound_forms, configure, split_compound
from kennisbank.stemmer import stem, stem_folded
from kennisbank.wordlists import DATA, fold, stopwords

__all__ = ["WordTokenizer", "FoldFilter", "DutchStopFilter", "DecompoundFilter", "DutchStemFilter",
           "text_analyzer", "whole_analyzer", "parts_analyzer", "exact_analyzer", "QueryWord", "query_forms",
           "is_stopword", "fingerprint", "fold", "stem", "split_compound", "compound_forms", "configure"]

ANALYSIS_VERSION = 2  # raise when the rules below change how text is indexed
_TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u00ad\u0300-\u036f])*(?:\+(?:\s?\+)*|['’]s(?![^\W_]))?")
_JUNK = re.compile(r"[\s\u00ad]+|['’]s$")


class WordTokenizer(Tokenizer):
    """Runs of letters and digits; "GI's" loses its 's and "MDA+ +" is read as "MDA++".

    >>> [t.text for t in WordTokenizer()("GI's, MDA+ + volwassenen-GGZ 0-100")]
    ['GI', 'MDA++', 'volwassenen', 'GGZ', '0', '100']
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs) -> Iterator[Token]:
        """Yield one reused Token per word, as whoosh tokenizers do."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = ((m.start(), m.end()) for m in _TOKEN.finditer(value)) if tokenize else [(0, len(value))]
        for pos, (start, end) in enumerate(spans):
            text = value[start:end]
            t.text = text if text.isalnum() or not tokenize else _JUNK.sub("", text)
            t.boost, t.stopped = 1.0, False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class FoldFilter(Filter):
    """Lowercase and strip diacritics.

    >>> [t.text for t in FoldFilter()(WordTokenizer()("Cliënt één GGZ"))]
    ['client', 'een', 'ggz']
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Fold each token's text."""
        for t in tokens:
            t.text = fold(t.text)
            yield t


class DutchStopFilter(Filter):
    """Drop stop words (nl/stopwoorden.txt, single letters) and renumber positions so phrases still match.

    >>> [(t.text, t.pos) for t in DutchStopFilter()(WordTokenizer()("raad voor de kinderbescherming", positions=True))]
    [('raad', 0), ('kinderbescherming', 1)]
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Yield the other words; stop words too, marked stopped, when removestops is off."""
        stops, pos = stopwords(), None
        for t in tokens:
            if t.text in stops or (len(t.text) == 1 and t.text.isalpha()):
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                pos = t.pos if pos is None else pos + 1
                t.pos = pos
            t.stopped = False
            yield t


class DecompoundFilter(Filter):
    """At index time, follow a compound with its parts and sub-compounds at the same position.

    Query-time tokens pass alone: `query_forms` gives the parts of a query word.

    >>> [t.text for t in DecompoundFilter()(WordTokenizer()("jeugdbeschermingsketen", mode="index"))]
    ['jeugdbeschermingsketen', 'jeugd', 'bescherming', 'keten', 'jeugdbescherming', 'beschermingsketen']
    >>> [t.text for t in DecompoundFilter()(WordTokenizer()("jeugdbeschermingsketen", mode="query"))]
    ['jeugdbeschermingsketen']
    """

    def __init__(self, keep_whole: bool = True):
        self.keep_whole = keep_whole

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Yield each token (unless keep_whole is off), then (index mode) its extra forms."""
        for t in tokens:
            text = t.text
            if self.keep_whole:
                yield t
            if t.mode == "query" or t.stopped or len(text) < MIN_SPLIT and not text.endswith("+"):
                continue
            for form in compound_forms(text):
                t.text = form
                yield t


class DutchStemFilter(Filter):
    """Replace each token by its `stem`.

    >>> [t.text for t in DutchStemFilter()(WordTokenizer()("gezinnen kinderen gevallen jaren"))]
    ['gezin', 'kind', 'geval', 'jar']
    """

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Stem each token's text."""
        for t in tokens:
            t.text = stem_folded(t.text)
            yield t


def text_analyzer() -> CompositeAnalyzer:
    """Tokenize | fold | stop words | decompound | stem: for the fields text, title and section.

    >>> [t.text for t in text_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheidingsconflict', 'scheiding', 'conflict', 'gi']
    """
    return WordTokenizer() | FoldFilter() | DutchStopFilter() | DecompoundFilter() | DutchStemFilter()


def whole_analyzer() -> CompositeAnalyzer:
    """Tokenize | fold | stop words | stem, without compound parts: the text field, where a word counts in full.

    >>> [t.text for t in whole_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheidingsconflict', 'gi']
    """
    return WordTokenizer() | FoldFilter() | DutchStopFilter() | DutchStemFilter()


def parts_analyzer() -> CompositeAnalyzer:
    """Only the parts and sub-compounds of compounds, stemmed: a field where a part match counts less.

    >>> [t.text for t in parts_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheiding', 'conflict']
    """
    return WordTokenizer() | FoldFilter() | DutchStopFilter() | DecompoundFilter(keep_whole=False) | DutchStemFilter()


def exact_analyzer() -> CompositeAnalyzer:
    """Tokenize | fold, nothing else: for "quoted phrases" and spelling suggestions.

    >>> [t.text for t in exact_analyzer()("De Gezinnen, MDA+ +")]
    ['de', 'gezinnen', 'mda++']
    """
    return WordTokenizer() | FoldFilter()


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
    """The index terms of one query word; a word that tokenizes in pieces counts as their compound.

    >>> query_forms("Huisverbod")
    QueryWord(original='Huisverbod', stem='huisverbod', parts=('huis', 'verbod'), stopword=False)
    >>> query_forms("volwassenen-GGZ").parts
    ('volwas', 'ggz')
    """
    tokens = [fold(t.text) for t in WordTokenizer()(word)]
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


def fingerprint() -> str:
    """A short hash of the analysis rules and word lists: an index built under another one needs a rebuild."""
    digest = hashlib.sha256(str(ANALYSIS_VERSION).encode())
    for path in sorted(DATA.glob("*.t*")):  # stopwoorden.txt and the .toml tables
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]
