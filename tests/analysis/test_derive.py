"""Tests for kennisbank.analysis.derive: words from the same root, as stems."""
from __future__ import annotations

import pytest

from kennisbank.analysis import stem
from kennisbank.analysis.derive import derivations


@pytest.mark.parametrize("a, b", [
    ("vergoeden", "vergoeding"), ("ondersteunen", "ondersteuning"), ("ontwikkelen", "ontwikkeling"),
    ("deskundig", "deskundigheid"), ("evalueren", "evaluatie"), ("organiseren", "organisatie"),
    ("gedeeld", "delen"), ("opschalen", "schalen"),
])
def test_derived_words_meet(a, b):
    assert stem(b) in derivations(stem(a)) or stem(a) in derivations(stem(b))


def test_short_words_and_codes_derive_nothing():
    assert derivations(stem("ggz")) == derivations("mda++") == derivations("zin") == ()
