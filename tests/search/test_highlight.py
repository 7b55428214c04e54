"""Snippets: every matched form in <mark> (stems, compound parts, expansions), everything else escaped."""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import pytest

from kennisbank.search.engine import Engine
from kennisbank.search.highlight import Match, find_matches, literal_matches, query_matches, snippet
from kennisbank.search.plan import plan_for

MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _marked(query: str, text: str) -> list[str]:
    built = plan_for(query)
    return MARK.findall(snippet(text, find_matches(text, built.terms, built.exact_terms)))


def _marked_in_engine_style(query: str, text: str) -> list[str]:
    """As the engine marks: compound parts only where they stand in for the query word."""
    built = plan_for(query)
    matches = query_matches(text, built.own_terms(), built.parts_of, built.exact_terms)
    return MARK.findall(snippet(text, matches))


def test_parts_of_a_query_compound_are_marked_only_where_they_stand_in_for_it():
    text = "De Raad voor de Kinderbescherming legt kinderbeschermingsmaatregelen op."
    assert _marked_in_engine_style("kinderbeschermingsmaatregelen", text) == ["kinderbeschermingsmaatregelen"]
    split = "Na een Tijdelijke Huis Verboden volgt de Huisarts."
    assert _marked_in_engine_style("huisverboden", split) == ["Huis", "Verboden"]
    assert _marked_in_engine_style("kind kinderbeschermingsmaatregel", text) == [
        "Kinderbescherming", "kinderbeschermingsmaatregelen"]  # a part that is also a query word stays


def _only_our_tags(fragment: str) -> bool:
    """True when the only tags in the HTML are <mark> and </mark>."""
    return re.sub(r"</?mark>", "", fragment).count("<") == 0


def test_stems_and_plurals_are_marked():
    assert _marked("scheiding", "Twee scheidingen en een scheiding.") == ["scheidingen", "scheiding"]


def test_compounds_with_the_query_word_are_marked_whole():
    marked = _marked("jeugdbescherming", "De jeugdbeschermingsketen en de Jeugdbescherming zelf.")
    assert marked == ["jeugdbeschermingsketen", "Jeugdbescherming"]


def test_expanded_abbreviations_are_marked_both_ways():
    text = "Het RVT, ofwel het Regionaal Veiligheidsteam, werkt met de GI (Gecertificeerde Instelling)."
    assert {"RVT", "Regionaal", "Veiligheidsteam"} <= set(_marked("RVT", text))
    assert "RVT" in _marked("regionaal veiligheidsteam", text)
    assert {"GI", "Gecertificeerde", "Instelling"} <= set(_marked("GI", text))


def test_phrase_words_are_marked():
    assert _marked('"verklarende analyse"', "Een verklarende analyse maken.") == ["verklarende", "analyse"]


def test_script_and_ampersand_are_escaped_and_only_our_marks_survive():
    text = 'Zorg & Veiligheid <script>alert("gezin")</script> <b onclick="x">gezin</b> &amp; meer.'
    built = plan_for("gezin")
    out = snippet(text, find_matches(text, built.terms))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "Zorg &amp; Veiligheid" in out and "&amp;amp;" in out
    assert _only_our_tags(out)
    assert MARK.findall(out) == ["gezin", "gezin"]
    assert html.unescape(MARK.sub(r"\1", out)) == text


def test_no_matches_gives_the_escaped_start_of_the_text():
    out = snippet("<i>tekst</i> zonder treffers", [])
    assert out == "&lt;i&gt;tekst&lt;/i&gt; zonder treffers"


def test_empty_text_gives_an_empty_snippet():
    assert snippet("", []) == "" and snippet("   \n", []) == ""


def test_the_window_with_most_distinct_matches_wins_and_shows_ellipses():
    filler = " ".join(f"woord{i}" for i in range(100))
    text = f"gezin {filler} gezin klantreis monitoring {filler}"
    built = plan_for("gezin klantreis monitoring")
    out = snippet(text, find_matches(text, built.terms), window=20)
    assert out.startswith("… ") and out.endswith(" …")
    assert set(MARK.findall(out)) == {"gezin", "klantreis", "monitoring"}
    assert len(out.split()) <= 20 + 2 + 6  # the window, two ellipses and the tags glued to words


@pytest.mark.parametrize("before", [99, 100, 101])
def test_a_match_in_the_very_last_word_is_shown(before):
    text = " ".join(f"woord{i}" for i in range(before)) + " scheidingen"
    out = snippet(text, find_matches(text, plan_for("scheiding").terms), window=20)
    assert MARK.findall(out) == ["scheidingen"] and out.startswith("… ") and out.endswith("</mark>")


def test_overlapping_matches_are_marked_once():
    text = "gezin"
    out = snippet(text, [Match(0, 5, "gezin", "gezin"), Match(0, 5, "gezin", "gezin"), Match(2, 4, "zi", "zi")])
    assert out == "<mark>gezin</mark>"


def test_literal_matches_ignore_case_and_prefer_the_longest():
    found = literal_matches("De V-GGZ en de volwassenen-GGZ en de v-ggz.", ["GGZ", "volwassenen-GGZ", "V-GGZ", " "])
    assert [m.surface for m in found] == ["V-GGZ", "volwassenen-GGZ", "v-ggz"]


@pytest.mark.parametrize("query", ["RVT", "GI", "jeugdbescherming", "scheiding", '"verklarende analyse"',
                                   "gezinsadvocaat bestaanszekerheid", "Raad voor de Kinderbescherming"])
def test_every_matched_form_in_a_corpus_snippet_is_marked(shared_data, query):
    engine = Engine(shared_data)
    answer = engine.search(query, limit=10, explain=True)
    assert answer["hits"]
    for hit in answer["hits"]:
        out = hit["snippet"]
        assert _only_our_tags(out) and MARK.findall(out), out
        unmarked = html.unescape(MARK.sub("\0", out))
        for term, forms in hit["explain"].items():
            if " " in term:
                continue  # a phrase's words are marked only where they stand together (next test)
            for form in forms:
                assert not re.search(rf"(?<!\w){re.escape(form)}(?!\w)", unmarked), (query, form, out)
    engine.close()


def test_the_words_of_an_expanded_name_are_marked_only_where_the_name_stands():
    text = "Het RVT is een regionaal veiligheidsteam. De regionale organisatie en het lokale team werken samen."
    found = find_matches(text, {"rvt", "regional veiligheidsteam"})
    assert [m.surface for m in found] == ["RVT", "regionaal", "veiligheidsteam"]
    assert {m.term for m in found[1:]} == {"regional veiligheidsteam"}
    spread = "Raad voor de Kinderbescherming, maar de raad van bestuur kent geen kinderbescherming."
    assert [m.surface for m in find_matches(spread, {"rad kinderbescherming"})] == ["Raad", "Kinderbescherming"]


def test_rvt_snippets_mark_regional_only_inside_the_name(shared_data):
    engine = Engine(shared_data)
    for hit in engine.search("RVT", limit=10)["hits"]:
        for mark in re.finditer(r"<mark>(regional\w*)</mark>", hit["snippet"], re.I):
            after = hit["snippet"][mark.end():mark.end() + 40]
            assert re.match(r"\s*<mark>veiligheids(team|organisatie)", after, re.I), hit["snippet"]
    engine.close()


def test_markup_in_a_stored_passage_is_escaped_in_search_results(small_data):
    engine = Engine(small_data)
    hits = engine.search("alert")["hits"]
    assert hits and all("<script>" not in h["snippet"] and _only_our_tags(h["snippet"]) for h in hits)
    assert any("&lt;script&gt;" in h["snippet"] for h in hits)
    assert any("<script>" in h["text"] for h in hits)  # the text itself is kept as written
    engine.close()


def test_overlapping_phrases_mark_the_same_way_in_every_process():
    """Set order differs per process (hash seeds): the longest phrase names a word, whatever the order."""
    text = "Veilig Thuis Gelderland-Midden werkt met Veilig Thuis samen."
    terms = {"veilig thuis", "veilig thuis gelderland mid", "thuis"}
    marks = [(m.surface, m.term) for m in find_matches(text, terms)]
    assert marks[:4] == [("Veilig", "veilig thuis gelderland mid"), ("Thuis", "veilig thuis gelderland mid"),
                         ("Gelderland", "veilig thuis gelderland mid"), ("Midden", "veilig thuis gelderland mid")]
    assert marks[4:6] == [("Veilig", "veilig thuis"), ("Thuis", "veilig thuis")]
    phrases = "{'veilig thuis', 'veilig thuis gelderland mid', 'thuis gelderland'}"
    script = ("from kennisbank.search.highlight import find_matches as f; "
              f"print([m.term for m in f('Veilig Thuis Gelderland-Midden', {phrases})])")
    seen = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert len(seen) == 1
