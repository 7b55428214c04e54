"""A Dutch stemmer for this domain: plural, verb and adjective endings off, so that inflected forms meet.

Rules over folded words, with the exceptions in nl/stam_uitzonderingen.toml (kinderen -> kind, gegevens kept).
Unlike Snowball's newer Dutch stemmer it keeps gezin and zin apart.
"""
from __future__ import annotations

import functools
import re

from kennisbank.analysis.fold import fold
from kennisbank.analysis.wordlists import stem_exceptions

_VOWELS = frozenset("aeiouy")
_LONG_VOWEL = re.compile(r"(aa|ee|oo|uu)(?=[^aeiou]$)")


def stem(word: str) -> str:
    """The Dutch stem: plural and adjective endings off, so inflected forms meet.

    >>> [stem(w) for w in ("gemeenten", "gemeentes", "lokaal", "lokale", "mogelijkheden", "Cliënten")]
    ['gemeent', 'gemeent', 'lokal', 'lokal', 'mogelijkheid', 'client']
    """
    return stem_folded(fold(word))


@functools.lru_cache(maxsize=100_000)
def stem_folded(word: str) -> str:
    """Stem a folded word: strip endings until none applies, then normalise the final syllable."""
    lemma, keep = stem_exceptions()
    word = lemma.get(word, word)
    if len(word) < 3 or not word.isalpha() or word in keep:
        return word
    original = word
    while (shorter := _strip(word)) is not None and len(shorter) >= 3:
        word = lemma.get(shorter, shorter)
        if word in keep:
            return word
    word = _end(word) if word != original else word
    return _LONG_VOWEL.sub(lambda m: m.group()[0], word)


def _strip(w: str) -> str | None:
    """One inflection step off: -heden, plural -s, plural or verb -en, adjective -e; None if none fits."""
    n = len(w)
    if n > 7 and w.endswith("heden"):
        return w[:-5] + "heid"
    if n >= 5 and w[-1] == "s":
        p = w[-2]
        if (p not in _VOWELS and p not in "stj") or (p == "e" and w[-3] != "e") or w.endswith("eaus"):
            return w[:-1]
        return None
    if n >= 5 and w.endswith("en"):
        if w[-3] not in _VOWELS or w.endswith(("eeen", "ieen", "oeen")):
            return _end(w[:-2])
        return None
    if n >= 4 and w[-1] == "e" and w[-2] != "e":
        return _end(w[:-1])
    return None


def _end(w: str) -> str:
    """Undouble a final consonant (gezinn) and turn a final z or v into s or f (huiz, briev)."""
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in _VOWELS:
        w = w[:-1]
    if w[-1] in "zv":
        w = w[:-1] + ("s" if w[-1] == "z" else "f")
    return w
