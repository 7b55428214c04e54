"""Tests for kennisbank.analysis.words: a query word's stem and compound parts, as the index holds them."""
from __future__ import annotations

import pytest

from kennisbank.analysis import query_forms, stem, text_analyzer


def index_terms(text: str) -> list[str]:
    """The terms text_analyzer puts in the index for a text."""
    return [t.text for t in text_analyzer()(text, mode="index")]


def test_query_word_loses_apostrophe_s():
    assert query_forms("regio's").stem == query_forms("Regio").stem == stem("regio")


@pytest.mark.parametrize("text, query", [
    ("Jeugdbeschermingsketen", "jeugdbescherming"),
    ("Jeugdbeschermingsketen", "keten"),
    ("ervaringsdeskundigheid", "ervaringsdeskundige"),
    ("scheidingsconflicten", "scheiding"),
    ("jeugdbeschermingstafel", "beschermingstafel"),
    ("gezinsbescherming", "gezinnen"),
])
def test_compound_found_by_its_part(text, query):
    assert query_forms(query).stem in index_terms(text)


def test_query_forms():
    word = query_forms("Jeugdbeschermingsketen")
    assert word.stem == stem("jeugdbeschermingsketen")
    assert word.parts == (stem("jeugd"), stem("bescherming"), stem("keten"))
    assert word.terms == {word.stem, *word.parts}
    assert query_forms("gezin").parts == ()
    assert query_forms("de").stopword and not query_forms("gezin").stopword
    assert query_forms("volwassenen-GGZ").parts == (stem("volwassenen"), "ggz")
    assert query_forms("!!").stem == ""


# --- stop words ---
