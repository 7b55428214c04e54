"""Tests for kennisbank.analysis.fold: the one accent fold, and slugs."""
from __future__ import annotations

from kennisbank.analysis.fold import fold, slugify


def test_fold():
    assert fold("Coördinatie Één CLIËNT") == "coordinatie een client"


def test_slugs_are_folded_and_safe():
    assert slugify("Cliëntroute Fryslân — ‘Één gezin’") == "clientroute-fryslan-een-gezin"
    assert slugify("a" * 300) == "a" * 120 and slugify("...") == "document"
