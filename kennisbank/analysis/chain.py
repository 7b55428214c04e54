"""Dutch text analysis as a chain: a word splitter and small filters composed with `|`.

The same chains run at index and at query time, and the index package feeds them to whichever engine holds
the index, so every engine sees the same terms. The filters hold no word lists (an engine may store the
chain in its index): the lists live in nl/ (wordlists), the rules in stemmer and decompound.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from kennisbank.analysis.decompound import MIN_SPLIT, compound_forms
from kennisbank.analysis.fold import fold
from kennisbank.analysis.stemmer import stem_folded
from kennisbank.analysis.wordlists import DATA, stopwords

ANALYSIS_VERSION = 2  # raise when the rules below change how text is indexed
_TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u00ad\u0300-\u036f])*(?:\+(?:\s?\+)*|['’]s(?![^\W_]))?")
_JUNK = re.compile(r"[\s\u00ad]+|['’]s$")


class Token:
    """One word on its way through a chain; a chain reuses one Token, so copy what you keep."""

    __slots__ = ("text", "pos", "startchar", "endchar", "stopped", "mode", "removestops")

    def __init__(self, mode: str = "", removestops: bool = True):
        self.text, self.pos, self.startchar, self.endchar = "", 0, 0, 0
        self.stopped, self.mode, self.removestops = False, mode, removestops


def words(value: str) -> Iterator[tuple[str, int, int]]:
    """Each word of value as written (clean_word makes it the token text), with its start and end.

    >>> [w for w, _start, _end in words("GI's, MDA+ + volwassenen-GGZ")]
    ["GI's", 'MDA+ +', 'volwassenen', 'GGZ']
    """
    for m in _TOKEN.finditer(value):
        yield m.group(), m.start(), m.end()


def clean_word(word: str) -> str:
    """A word as the chains see it: without soft hyphens, spaces inside "MDA+ +" and a trailing 's.

    >>> clean_word("GI's"), clean_word("MDA+ +"), clean_word("jeugd\u00adzorg")
    ('GI', 'MDA++', 'jeugdzorg')
    """
    return word if word.isalnum() else _JUNK.sub("", word)


def split_words(value: str, token: Any, start_pos: int = 0, start_char: int = 0,
                tokenize: bool = True) -> Iterator[Any]:
    """Set `token` (ours, or an engine's with the same attributes) to each word of value in turn and yield it."""
    spans = words(value) if tokenize else [(value, 0, len(value))]
    for pos, (text, start, end) in enumerate(spans):
        token.text = clean_word(text) if tokenize else text
        token.stopped = False
        token.pos, token.startchar, token.endchar = start_pos + pos, start_char + start, start_char + end
        yield token


class Filter:
    """A step of a chain: tokens in, tokens out."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        raise NotImplementedError


class WordSplitter:
    """Runs of letters and digits; "GI's" loses its 's and "MDA+ +" is read as "MDA++".

    >>> [t.text for t in WordSplitter()("GI's, MDA+ + volwassenen-GGZ 0-100")]
    ['GI', 'MDA++', 'volwassenen', 'GGZ', '0', '100']
    """

    def __call__(self, value: str, mode: str = "", removestops: bool = True) -> Iterator[Token]:
        """The words of value, one reused Token."""
        return split_words(value, Token(mode, removestops))

    def __or__(self, step: Filter) -> Chain:
        return Chain(self, (step,))


class Chain:
    """A word splitter followed by filters; calling it yields the tokens of a text."""

    def __init__(self, splitter: WordSplitter, filters: tuple[Filter, ...] = ()):
        self.splitter, self.filters = splitter, filters

    def __or__(self, step: Filter) -> Chain:
        return Chain(self.splitter, (*self.filters, step))

    def __call__(self, value: str, mode: str = "", removestops: bool = True) -> Iterator[Token]:
        """The tokens of value; mode "index" adds compound parts, "query" does not."""
        tokens: Iterable[Any] = self.splitter(value, mode, removestops)
        for step in self.filters:
            tokens = step(tokens)
        return iter(tokens)


class FoldWords(Filter):
    """Lowercase and strip diacritics.

    >>> [t.text for t in (WordSplitter() | FoldWords())("Cliënt één GGZ")]
    ['client', 'een', 'ggz']
    """

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class DropStopWords(Filter):
    """Drop stop words (nl/stopwoorden.txt, single letters) and renumber positions so phrases still match.

    >>> [(t.text, t.pos) for t in (WordSplitter() | DropStopWords())("raad voor de kinderbescherming")]
    [('raad', 0), ('kinderbescherming', 1)]
    """

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        """Yield the other words; stop words too, marked stopped, when removestops is off."""
        stops, pos = stopwords(), None
        for t in tokens:
            if t.text in stops or (len(t.text) == 1 and t.text.isalpha()):
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            pos = t.pos if pos is None else pos + 1
            t.pos = pos
            t.stopped = False
            yield t


class AddCompoundParts(Filter):
    """Outside query mode, follow a compound with its parts and sub-compounds at the same position.

    Query-time tokens pass alone: `query_forms` gives the parts of a query word.

    >>> [t.text for t in (WordSplitter() | AddCompoundParts())("jeugdbeschermingsketen", mode="index")]
    ['jeugdbeschermingsketen', 'jeugd', 'bescherming', 'keten', 'jeugdbescherming', 'beschermingsketen']
    >>> [t.text for t in (WordSplitter() | AddCompoundParts())("jeugdbeschermingsketen", mode="query")]
    ['jeugdbeschermingsketen']
    """

    def __init__(self, keep_whole: bool = True):
        self.keep_whole = keep_whole

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        """Yield each token (unless keep_whole is off), then (outside query mode) its extra forms."""
        for t in tokens:
            text = t.text
            if self.keep_whole:
                yield t
            if t.mode == "query" or t.stopped or len(text) < MIN_SPLIT and not text.endswith("+"):
                continue
            for form in compound_forms(text):
                t.text = form
                yield t


class StemWords(Filter):
    """Replace each token by its stem.

    >>> [t.text for t in (WordSplitter() | StemWords())("gezinnen kinderen gevallen jaren")]
    ['gezin', 'kind', 'geval', 'jar']
    """

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            t.text = stem_folded(t.text)
            yield t


def text_analyzer() -> Chain:
    """Split | fold | stop words | compound parts | stem: for the fields title and heading.

    >>> [t.text for t in text_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheidingsconflict', 'scheiding', 'conflict', 'gi']
    """
    return WordSplitter() | FoldWords() | DropStopWords() | AddCompoundParts() | StemWords()


def whole_analyzer() -> Chain:
    """Split | fold | stop words | stem, without compound parts: the text field, where a word counts in full.

    >>> [t.text for t in whole_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheidingsconflict', 'gi']
    """
    return WordSplitter() | FoldWords() | DropStopWords() | StemWords()


def parts_analyzer() -> Chain:
    """Only the parts and sub-compounds of compounds, stemmed: a field where a part match counts less.

    >>> [t.text for t in parts_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheiding', 'conflict']
    """
    return WordSplitter() | FoldWords() | DropStopWords() | AddCompoundParts(keep_whole=False) | StemWords()


def exact_analyzer() -> Chain:
    """Split | fold, nothing else: for "quoted phrases" and spelling suggestions.

    >>> [t.text for t in exact_analyzer()("De Gezinnen, MDA+ +")]
    ['de', 'gezinnen', 'mda++']
    """
    return WordSplitter() | FoldWords()


def fingerprint() -> str:
    """A short hash of the analysis rules and word lists: an index built under another one needs a rebuild."""
    digest = hashlib.sha256(str(ANALYSIS_VERSION).encode())
    for path in sorted(DATA.glob("*.t*")):  # stopwoorden.txt and the .toml tables
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]
