"""Parsing what professionals type: quotes, AND/OR/NOT/-, field filters, limits, stop words, odd characters."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennisbank.search.query import MAX_QUERY_CHARS, MAX_WORDS, parse


def _shape(text: str) -> list[tuple[list[str], list[str], list[str]]]:
    return [(c.words, c.phrases, c.excluded) for c in parse(text).clauses]


def test_plain_words_are_one_clause():
    assert _shape("verklarende analyse gezin") == [(["verklarende", "analyse", "gezin"], [], [])]


def test_quotes_make_a_phrase():
    q = parse('gezin "verklarende analyse" klantreis')
    assert _shape('gezin "verklarende analyse" klantreis') == [(["gezin", "klantreis"], ["verklarende analyse"], [])]
    assert q.notes == []


@pytest.mark.parametrize("text, words", [
    ('"onafgesloten aanhalingsteken', ["onafgesloten", "aanhalingsteken"]),
    ('a "b c" "d', ["a", "b", "c", "d"]),
    ('gezin"', ["gezin"]),
])
def test_unbalanced_quotes_are_ignored_with_a_note(text, words):
    q = parse(text)
    assert _shape(text) == [(words, [], [])]
    assert q.notes == ["losse aanhalingstekens genegeerd"]


def test_empty_quotes_add_nothing():
    assert _shape('gezin ""') == [(["gezin"], [], [])]


@pytest.mark.parametrize("text", ["gezin AND scheiding", "gezin && scheiding", "gezin scheiding"])
def test_and_is_the_default(text):
    assert _shape(text) == [(["gezin", "scheiding"], [], [])]


def test_or_splits_alternatives():
    assert _shape("gezinsadvocaat OR klantreis || RVT") == [(["gezinsadvocaat"], [], []), (["klantreis"], [], []),
                                                            (["RVT"], [], [])]


def test_leading_trailing_and_repeated_or_are_harmless():
    assert _shape("OR OR gezin OR") == [(["gezin"], [], [])]


def test_lower_case_operators_are_words():
    assert _shape("gezin or not scheiding") == [(["gezin", "or", "not", "scheiding"], [], [])]


@pytest.mark.parametrize("text", ["gezin -scheiding", "gezin NOT scheiding"])
def test_minus_and_not_exclude(text):
    assert _shape(text) == [(["gezin"], [], ["scheiding"])]


def test_a_quoted_phrase_can_be_excluded():
    assert _shape('gezin -"complexe scheidingen"') == [(["gezin"], [], ["complexe scheidingen"])]


def test_only_exclusions_leave_nothing_to_search_for():
    q = parse("-scheiding")
    assert _shape("-scheiding") == [([], [], ["scheiding"])]
    assert q.empty


def test_a_dash_inside_a_word_is_no_exclusion():
    assert _shape("West-Brabant V-GGZ") == [(["West-Brabant", "V-GGZ"], [], [])]


def test_field_filters():
    q = parse('gezinsadvocaat regio:Zeeland type:factsheet jaar:2023 vraagstuk:"complexe scheidingen"')
    assert q.filters == {"regio": ["Zeeland"], "type": ["factsheet"], "jaar": ["2023"],
                         "thema": ["complexe scheidingen"]}
    assert _shape('gezinsadvocaat regio:Zeeland') == [(["gezinsadvocaat"], [], [])]
    assert not q.empty


def test_filter_names_are_case_insensitive_and_have_aliases():
    q = parse('REGIO:Zeeland proeftuin:"Hart van Brabant" year:2021 basisprincipe:lerend document:abc')
    assert q.filters == {"regio": ["Zeeland", "Hart van Brabant"], "jaar": ["2021"], "principe": ["lerend"],
                         "document_id": ["abc"]}


def test_only_a_filter_is_not_empty():
    assert not parse("regio:Friesland").empty


def test_unknown_field_is_searched_as_words():
    assert _shape("foo:bar gezin") == [(["foo", "bar", "gezin"], [], [])]


def test_a_field_without_value_stays_a_word():
    q = parse("regio:")
    assert q.filters == {} and _shape("regio:") == [(["regio:"], [], [])]


def test_long_query_is_cut_with_a_note():
    q = parse("gezin " * 1000)  # 6,000 characters
    assert len(q.text) == MAX_QUERY_CHARS
    assert f"zoekvraag ingekort tot {MAX_QUERY_CHARS} tekens" in q.notes
    assert len(q.clauses[0].words) == MAX_WORDS
    assert f"alleen de eerste {MAX_WORDS} woorden gebruikt" in q.notes


def test_5000_characters_without_spaces():
    q = parse("x" * 5000)
    assert q.clauses[0].words == ["x" * MAX_QUERY_CHARS]


def test_only_operators_is_empty():
    assert parse("AND OR NOT").empty
    assert parse("").empty and parse("   ").empty and parse(None).empty


def test_stop_words_are_kept_for_the_engine_to_judge():
    q = parse("de het een")
    assert q.clauses[0].words == ["de", "het", "een"] and not q.empty


def test_emoji_and_punctuation_only_tokens_are_dropped():
    assert _shape("😀 gezin 👪 *** ???") == [(["gezin"], [], [])]
    assert parse("😀👪").empty


def test_control_characters_become_spaces():
    assert _shape("gezin\x00scheiding\x1b[31m") == [(["gezin", "scheiding", "31m"], [], [])]


def test_brackets_around_words_are_stripped():
    assert _shape("(gezin) [scheiding] {rvt}") == [(["gezin", "scheiding", "rvt"], [], [])]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=700))
def test_parse_never_raises_and_respects_the_limits(text):
    q = parse(text)
    assert len(q.text) <= MAX_QUERY_CHARS
    assert q.clauses
    assert sum(len(w.split()) for c in q.clauses for w in c.words + c.phrases + c.excluded) <= MAX_WORDS
    for c in q.clauses:
        assert all(w.strip() for w in c.words + c.phrases + c.excluded)
