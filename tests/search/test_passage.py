"""Tests for kennisbank.search.passage: a passage's words as the index holds them."""
from __future__ import annotations

from kennisbank.analysis import text_analyzer, whole_analyzer
from kennisbank.search.passage import passage_terms, word_terms

TEXT = ("De Gecertificeerde Instellingen (GI's) werken in de jeugdbeschermingsketen samen. "
        "Het lokale team: samen met ouders!\n- actieonderzoek en MDA+ + voor gezinnen")


def test_stems_are_the_text_fields_terms_in_order():
    assert list(passage_terms(TEXT).stems) == [t.text for t in whole_analyzer()(TEXT, mode="index")]


def test_parts_are_the_parts_fields_terms_of_each_word():
    terms = passage_terms(TEXT)
    indexed = {t.text for t in text_analyzer()(TEXT, mode="index")}
    assert {p for parts in terms.parts for p in parts} | set(terms.stems) == indexed


def test_positions_of_stems_and_of_compound_parts():
    terms = passage_terms(TEXT)
    assert terms.where["gi"] == [2] and terms.stems[2] == "gi"
    keten = terms.stems.index(word_terms("jeugdbeschermingsketen")[0])
    assert keten in terms.where_part["keten"] and keten in terms.where_part["jeugd"]


def test_sentences_end_at_full_stops_colons_and_lines():
    terms = passage_terms(TEXT)
    by_sentence = {}
    for stem, sentence in zip(terms.stems, terms.sentences):
        by_sentence.setdefault(sentence, []).append(stem)
    assert len(by_sentence) == 4  # "... samen." | "Het lokale team:" | "samen met ouders!" | "- actieonderzoek ..."
    assert terms.sentences == tuple(sorted(terms.sentences))


def test_exact_words_keep_stop_words_and_forms():
    assert {"de", "gezinnen", "mda++"} <= passage_terms(TEXT).exact
