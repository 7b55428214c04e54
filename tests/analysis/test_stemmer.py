"""Tests for kennisbank.stemmer: domain word pairs that must meet and pairs that must stay apart."""
from __future__ import annotations

import pytest

from kennisbank.analysis.stemmer import stem


@pytest.mark.parametrize("a, b", [
    ("gezin", "gezinnen"), ("uithuisplaatsing", "uithuisplaatsingen"), ("scheiding", "scheidingen"),
    ("ervaringsdeskundige", "ervaringsdeskundigen"), ("kind", "kinderen"), ("proeftuin", "proeftuinen"),
    ("organisatie", "organisaties"), ("gemeente", "gemeenten"), ("gemeente", "gemeentes"),
    ("lokaal", "lokale"), ("team", "teams"), ("geval", "gevallen"), ("analyse", "analyses"),
    ("jaar", "jaren"), ("lid", "leden"), ("probleem", "problemen"), ("keten", "ketens"),
    ("huisverbod", "huisverboden"), ("actief", "actieve"), ("financieel", "financiële"),
    ("mogelijkheid", "mogelijkheden"), ("cliënt", "cliënten"), ("idee", "ideeën"),
    ("proces", "processen"), ("casus", "casussen"), ("huis", "huizen"), ("maatregel", "maatregelen"),
])
def test_stem_matches(a, b):
    assert stem(a) == stem(b)


@pytest.mark.parametrize("a, b", [
    ("gezin", "zin"), ("gezinnen", "zinnen"), ("gebiedsteam", "biedsteam"), ("wet", "weten"),
    ("ouders", "ouderen"), ("gegevens", "gegeven"), ("plaats", "plaat"), ("lessen", "lezen"),
])
def test_stem_keeps_apart(a, b):
    assert stem(a) != stem(b)


def test_stem_leaves_codes_alone():
    assert [stem(w) for w in ("mda++", "2023", "ggz", "zin")] == ["mda++", "2023", "ggz", "zin"]
