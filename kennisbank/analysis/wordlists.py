"""Dutch language data for the analysis chain, kept as data in nl/ beside this module: stop words, stemmer exceptions.

Only loading lives here; the rules that use the lists are in stemmer, decompound and chain.
"""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from kennisbank.analysis.fold import fold

DATA = Path(__file__).with_name("nl")


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stop words from nl/stopwoorden.txt.

    >>> {"de", "het", "van"} <= stopwords(), "gezin" in stopwords()
    (True, False)
    """
    lines = (DATA / "stopwoorden.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w.strip()) for w in lines if w.strip() and not w.startswith("#"))


@functools.lru_cache(maxsize=1)
def stem_exceptions() -> tuple[dict[str, str], frozenset[str]]:
    """From nl/stam_uitzonderingen.toml: word -> base form, and the words the stemmer leaves alone."""
    table = tomllib.loads((DATA / "stam_uitzonderingen.toml").read_text(encoding="utf-8"))
    return dict(table["grondvorm"]), frozenset(table["behoud"]["woorden"])
