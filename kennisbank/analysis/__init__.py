"""Dutch analysis: how a text becomes the words that are indexed and searched, the same for every engine.

- `fold`: the one accent fold (and `slugify`, built on it).
- `wordlists`: the language data in nl/ (stop words, stemmer exceptions, compound rules), kept as data.
- `stemmer`: plural, verb and adjective endings off, so that inflected forms meet.
- `decompound`: jeugdbeschermingsketen -> jeugd | bescherming | keten.
- `chain`: a word splitter and filters composed with `|`; the analyzers of the index fields.
- `words`: one query word as the index holds it (stem, compound parts, stop word or not).

The index package wraps these chains for its engine; the names WordTokenizer, FoldFilter, DutchStopFilter,
DecompoundFilter and DutchStemFilter stay importable from here because an index stores its analyzers by
this import path.
"""
from __future__ import annotations

from typing import Any

from kennisbank.analysis.chain import (
    ANALYSIS_VERSION,
    Chain,
    Token,
    exact_analyzer,
    fingerprint,
    parts_analyzer,
    text_analyzer,
    whole_analyzer,
)
from kennisbank.analysis.decompound import compound_forms, configure, split_compound
from kennisbank.analysis.fold import fold, slugify
from kennisbank.analysis.stemmer import stem, stem_folded
from kennisbank.analysis.wordlists import stopwords
from kennisbank.analysis.words import QueryWord, is_stopword, query_forms

__all__ = ["ANALYSIS_VERSION", "Chain", "Token", "text_analyzer", "whole_analyzer", "parts_analyzer",
           "exact_analyzer", "fingerprint", "compound_forms", "configure", "split_compound", "fold", "slugify",
           "stem", "stem_folded", "stopwords", "QueryWord", "is_stopword", "query_forms"]

_STORED_NAMES = ("WordTokenizer", "FoldFilter", "DutchStopFilter", "DecompoundFilter", "DutchStemFilter")


def __getattr__(name: str) -> Any:
    """The index's own analyzer classes under the import path its stored schema names (loaded on demand)."""
    if name in _STORED_NAMES:
        from kennisbank.index.whoosh_engine import analyzers

        return getattr(analyzers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
