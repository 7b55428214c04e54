"""Tests for kennisbank.search.spelling: "Bedoelde u" on the shared corpus, and the corrected search."""
from __future__ import annotations

import re

import pytest

from kennisbank.search.engine import Engine


@pytest.fixture(scope="module")
def engine(shared_data) -> Engine:
    eng = Engine(shared_data)
    yield eng
    eng.close()


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def _corpus_has(engine: Engine, word: str) -> int:
    """How many passages hold this exact (folded) word: checks the corpus before a test relies on it."""
    return engine.searcher().doc_frequency("exact", word)


def test_spelling_suggestion_and_corrected_results(engine):
    answer = engine.search("verklarende analise")
    assert answer["suggestion"] == "verklarende analyse"
    assert answer["hits"] and _has(r"verklarende\W+analyse", answer["hits"][0]["text"])
    right = engine.search("verklarende analyse")
    assert right["suggestion"] is None
    assert [h["text"] for h in answer["hits"][:3]] == [h["text"] for h in right["hits"][:3]]


@pytest.mark.parametrize("query, meant", [("uithuisplaatsingen voorkommen", "uithuisplaatsingen voorkomen"),
                                          ("jeugdbeschermingsketten", "jeugdbeschermingsketen")])
def test_a_slip_in_a_word_found_by_its_stem_is_pointed_out(engine, query, meant):
    answer = engine.search(query)
    assert answer["suggestion"] == meant
    meant_hits = engine.search(meant, limit=20)["hits"]
    assert {h["text"] for h in answer["hits"][:5]} <= {h["text"] for h in meant_hits[:10]}  # the same passages
    # the slip is searched as typed: its stem is the meant word's, its compound parts may not be found
    assert answer["hits"][0]["text"] in {h["text"] for h in meant_hits[:3]}


def test_no_suggestion_for_known_words(engine):
    assert engine.search("gezinsadvocaat")["suggestion"] is None


@pytest.mark.parametrize("query, known_as", [("beschermingstafels", "beschermingstafel"),  # by its stem
                                             ("betrek", "betrekken")])
def test_no_suggestion_for_unseen_forms_of_known_words(engine, query, known_as):
    assert not _corpus_has(engine, query) and _corpus_has(engine, known_as)
    answer = engine.search(query)
    assert answer["suggestion"] is None and answer["hits"]


def test_a_short_word_is_corrected_by_one_edit_at_most(engine):
    """'kiest' is Dutch the corpus does not hold: 'kent', two edits away, is another word, not its spelling."""
    assert not _corpus_has(engine, "kiest") and _corpus_has(engine, "kent")
    answer = engine.search("waarom kiest Centraal Gelderland")
    assert answer["suggestion"] is None
    assert answer["hits"] and all("kent" not in h["snippet"].lower() for h in answer["hits"])


def test_two_swapped_letters_are_one_edit(engine):
    assert not _corpus_has(engine, "gezni") and _corpus_has(engine, "gezin")
    assert engine.search("gezni")["suggestion"] == "gezin"


def test_a_word_found_by_its_root_is_not_corrected(engine):
    """'opschalen' stands in the corpus only as 'op te schalen': a candidate so, not searched as 'ophalen'."""
    assert not _corpus_has(engine, "opschalen") and _corpus_has(engine, "ophalen")
    assert engine.search("opschalen Blijvend Veilig")["suggestion"] is None
    assert any(_has(r"op te schalen", h["text"]) for h in engine.found("opschalen Blijvend Veilig").hits)
