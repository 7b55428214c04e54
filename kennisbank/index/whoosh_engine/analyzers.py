"""Kennisbank's analysis chains as whoosh analyzers, so whoosh indexes exactly the terms the chains make.

Each class wraps one step of `kennisbank.analysis.chain`. whoosh pickles a field's analyzer into the index,
naming its classes by module and name; these keep the names and the module path `kennisbank.analysis` they
had when they lived there, so indexes built before and after the move name the same classes.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

from kennisbank.analysis import chain

STORED_MODULE = "kennisbank.analysis"


class WordTokenizer(Tokenizer):
    """`chain.WordSplitter` for whoosh.

    >>> [t.text for t in WordTokenizer()("GI's, MDA+ + volwassenen-GGZ")]
    ['GI', 'MDA++', 'volwassenen', 'GGZ']
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        """Yield one reused whoosh Token per word, as whoosh tokenizers do."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for t in chain.split_words(value, t, start_pos, start_char, tokenize):
            if keeporiginal:
                t.original = t.text
            yield t


class _Step(Filter):
    """A whoosh filter that runs one step of a chain."""

    step: chain.Filter

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        return self.step(tokens)


class FoldFilter(_Step):
    """`chain.FoldWords` for whoosh."""

    step = chain.FoldWords()


class DutchStopFilter(_Step):
    """`chain.DropStopWords` for whoosh."""

    step = chain.DropStopWords()


class DecompoundFilter(_Step):
    """`chain.AddCompoundParts` for whoosh (keep_whole off: only the parts)."""

    def __init__(self, keep_whole: bool = True):
        self.keep_whole = keep_whole

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        return chain.AddCompoundParts(self.keep_whole)(tokens)


class DutchStemFilter(_Step):
    """`chain.StemWords` for whoosh."""

    is_morph = True
    step = chain.StemWords()


for _cls in (WordTokenizer, FoldFilter, DutchStopFilter, DecompoundFilter, DutchStemFilter):
    _cls.__module__ = STORED_MODULE

_STEPS = {chain.FoldWords: FoldFilter, chain.DropStopWords: DutchStopFilter, chain.StemWords: DutchStemFilter}


def whoosh_analyzer(analyzer: chain.Chain) -> CompositeAnalyzer:
    """The whoosh analyzer for one of the analysis chains.

    >>> from kennisbank.analysis import text_analyzer
    >>> [t.text for t in whoosh_analyzer(text_analyzer())("De scheidingsconflicten", mode="index")]
    ['scheidingsconflict', 'scheiding', 'conflict']
    """
    out: Any = WordTokenizer()
    for step in analyzer.filters:
        if isinstance(step, chain.AddCompoundParts):
            out = out | DecompoundFilter(step.keep_whole)
        else:
            out = out | _STEPS[type(step)]()
    return out
