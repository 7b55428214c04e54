"""Tests for kennisbank.search.concepts: what a query asks for, and where a passage holds it."""
from __future__ import annotations

from kennisbank.analysis import stem
from kennisbank.search.analyse import analyse
from kennisbank.search.batch import Batch
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


def at(found, text: str, *args) -> list[int]:
    """Where a per-word finder (concepts.positions and the like) finds something in one text."""
    batch = Batch.of([passage_terms(text)])
    return batch.places(found(*args, batch), 0)


def share(concept, text: str, weights) -> float:
    """concepts.parts_present for one text."""
    return float(parts_present(concept, Batch.of([passage_terms(text)]), weights)[0])


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
    terms = "De gecertificeerde instellingen en later de GI."
    assert at(positions, terms, gi) == [0, 3]  # "later" counts, the stop words do not


def test_a_compound_stands_in_full_as_its_parts_side_by_side_and_partly_inside_others():
    word = concepts("huisverbod").concepts[0]
    assert at(positions, "Een tijdelijk huis verbod", word) == [1]
    assert at(part_positions, "Het huisverbod", concepts("verbod").concepts[0]) == [0]
    weights = {stem("huis"): 1.0, stem("verbod"): 3.0}
    assert share(word, "Een verbod, geen huis", weights) == 1.0
    assert share(word, "Alleen een verbod", weights) == 0.75


def test_derived_words_stand_where_the_index_holds_them():
    word = concepts("vergoeden", known=lambda s: s in ("vergoed", "vergoeding")).concepts[0]
    assert word.derived == ("vergoeding",)
    assert at(derived_positions, "De vergoeding van uren", word) == [0]


def test_a_word_the_index_lacks_is_its_derived_words():
    """Only "vergoeding" stands in the corpus: for "vergoeden" it is the word itself, not a weaker form."""
    word = concepts("vergoeden", known=lambda s: s == "vergoeding").concepts[0]
    assert word.derived == () and [f.stems for f in word.forms] == [(stem("vergoeden"),), ("vergoeding",)]
    assert at(positions, "De vergoeding van uren", word) == [0]


def test_neighbouring_query_words_stand_joined_in_one_compound():
    query = concepts("actie onderzoek")
    assert query.pairs == [(stem("actie"), stem("onderzoek"))]
    assert at(joined_positions, "Een actieonderzoek.", query.pairs[0]) == [0]
    assert at(joined_positions, "Een actie en een onderzoek.", query.pairs[0]) == []
