"""Tests for kennisbank.search.concepts: what a query asks for, and where a passage holds it."""
from __future__ import annotations

from kennisbank.analysis import stem
from kennisbank.search.analyse import analyse
from kennisbank.search.concepts import (
    derived_positions,
    joined_positions,
    part_positions,
    parts_present,
    positions,
    query_concepts,
)
from kennisbank.search.passage import passage_terms
from kennisbank.search.query import parse


def concepts(text: str, known=None):
    return query_concepts(analyse(parse(text), known=known))


def test_an_abbreviation_is_one_concept_with_its_long_forms():
    query = concepts("GI")
    assert len(query.concepts) == 1 and query.concepts[0].is_name
    spelled = [f for f in query.concepts[0].forms if f.spelled_out]
    assert spelled and (stem("gecertificeerde"), stem("instelling")) in {f.stems for f in spelled}


def test_a_named_vraagstuk_counts_as_its_words_and_its_tag():
    query = concepts("lokale teams versterken")
    assert query.themas == {"lokale-teams-versterken"}
    assert [c.thema for c in query.concepts] == ["lokale-teams-versterken"] * 3


def test_a_named_region_is_a_concept_with_the_region():
    query = concepts("begroting Zuid-Holland Zuid")
    assert query.regios == {"Zuid-Holland Zuid"} and query.concepts[-1].regio == "Zuid-Holland Zuid"


def test_a_name_stands_where_any_of_its_forms_stands():
    gi = concepts("GI").concepts[0]
    terms = passage_terms("De gecertificeerde instellingen en later de GI.")
    assert positions(gi, terms) == [0, 3]  # "later" counts, the stop words do not


def test_a_compound_stands_in_full_as_its_parts_side_by_side_and_partly_inside_others():
    word = concepts("huisverbod").concepts[0]
    assert positions(word, passage_terms("Een tijdelijk huis verbod")) == [1]
    assert part_positions(concepts("verbod").concepts[0], passage_terms("Het huisverbod")) == [0]
    weights = {stem("huis"): 1.0, stem("verbod"): 3.0}
    assert parts_present(word, passage_terms("Een verbod, geen huis"), weights) == 1.0
    assert parts_present(word, passage_terms("Alleen een verbod"), weights) == 0.75


def test_derived_words_stand_where_the_index_holds_them():
    word = concepts("vergoeden", known=lambda s: s in ("vergoed", "vergoeding")).concepts[0]
    assert word.derived == ("vergoeding",)
    assert derived_positions(word, passage_terms("De vergoeding van uren")) == [0]


def test_a_word_the_index_lacks_is_its_derived_words():
    """Only "vergoeding" stands in the corpus: for "vergoeden" it is the word itself, not a weaker form."""
    word = concepts("vergoeden", known=lambda s: s == "vergoeding").concepts[0]
    assert word.derived == () and [f.stems for f in word.forms] == [(stem("vergoeden"),), ("vergoeding",)]
    assert positions(word, passage_terms("De vergoeding van uren")) == [0]


def test_neighbouring_query_words_stand_joined_in_one_compound():
    query = concepts("actie onderzoek")
    assert query.pairs == [(stem("actie"), stem("onderzoek"))]
    assert joined_positions(query.pairs[0], passage_terms("Een actieonderzoek.")) == [0]
    assert joined_positions(query.pairs[0], passage_terms("Een actie en een onderzoek.")) == []
