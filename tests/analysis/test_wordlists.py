"""Tests for kennisbank.analysis.wordlists: the language data in analysis/nl/ is well formed."""
from __future__ import annotations

from kennisbank.analysis.fold import fold
from kennisbank.analysis.stemmer import stem
from kennisbank.analysis.wordlists import stem_exceptions, stopwords


def test_stop_words_are_folded_and_single_words():
    assert stopwords() and all(w == fold(w) and w.isalpha() for w in stopwords())


def test_stem_exceptions_are_folded_words_whose_base_forms_stem_apart():
    base_forms, kept = stem_exceptions()
    for word, base in base_forms.items():
        assert word == fold(word) and word.isalpha() and base == fold(base) and base.isalpha(), word
        assert stem(word) == stem(base), word  # the exception really leads the word to its base form
    for word in kept:
        assert word == fold(word) and stem(word) == word, word
