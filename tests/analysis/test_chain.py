"""Tests for kennisbank.analysis.chain: the word splitter, the filters, the analyzers of the index fields."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennisbank import analysis
from kennisbank.analysis import chain, exact_analyzer, fold, is_stopword, query_forms, stem, text_analyzer, wordlists


def index_terms(text: str) -> list[str]:
    """The terms text_analyzer puts in the index for a text."""
    return [t.text for t in text_analyzer()(text, mode="index")]


def exact_terms(text: str) -> list[str]:
    """The tokens of the exact analyzer."""
    return [t.text for t in exact_analyzer()(text)]


# --- tokenizing and folding ---

@pytest.mark.parametrize("text, tokens", [
    ("GI's", ["gi"]),
    ("de GI’s en auto's", ["de", "gi", "en", "auto"]),
    ("MDA++", ["mda++"]),
    ("MDA+ +", ["mda++"]),
    ("MDA+\n+aanpak", ["mda++", "aanpak"]),
    ("volwassenen-GGZ", ["volwassenen", "ggz"]),
    ("0-100", ["0", "100"]),
    ("Cliënt, coördinator, één", ["client", "coordinator", "een"]),
    ("clie\u0308nt", ["client"]),  # decomposed diaeresis (NFD)
    ("jeugd\u00adbescherming", ["jeugdbescherming"]),  # soft hyphen from a PDF
    ("ﬁets", ["fiets"]),
    ("", []),
    ("-- ! --", []),
])
def test_tokenizer(text, tokens):
    assert exact_terms(text) == tokens


def test_mda_plus_plus_broken_and_whole_index_the_same():
    assert index_terms("MDA++") == index_terms("MDA+ +")
    assert query_forms("MDA++").stem in index_terms("de MDA+ + aanpak")
    assert stem("mda") in index_terms("MDA++")  # a search for MDA finds MDA++ too


def test_chars_point_at_the_source_word():
    text = "De GI’s en MDA+ + bij cliënten."
    got = [(t.text, text[t.startchar:t.endchar]) for t in exact_analyzer()(text)]
    assert got == [("de", "De"), ("gi", "GI’s"), ("en", "en"), ("mda++", "MDA+ +"), ("bij", "bij"),
                   ("clienten", "cliënten")]


def test_parts_share_the_position_of_the_compound():
    tokens = [(t.text, t.pos) for t in text_analyzer()("goede jeugdbeschermingsketen", mode="index")]
    assert tokens[0] == ("goed", 0)
    assert {pos for _, pos in tokens[1:]} == {1} and len(tokens) > 3


def test_query_mode_does_not_add_parts():
    assert [t.text for t in text_analyzer()("jeugdbeschermingsketen", mode="query")] == [
        stem("jeugdbeschermingsketen")]


def test_stop_words_dropped_and_positions_renumbered():
    tokens = [(t.text, t.pos) for t in text_analyzer()("de raad voor de kinderbescherming")]
    assert tokens[:2] == [("rad", 1), (stem("kinderbescherming"), 2)]  # consecutive: phrases still match
    assert is_stopword("Het") and is_stopword("x") and not is_stopword("zorg") and not is_stopword("1")


def test_stop_word_list_has_no_content_words():
    for word in ("zorg", "kind", "gezin", "veilig", "samen", "goed", "doen", "regio"):
        assert not is_stopword(word)



@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aeëioubdgkrstzn+'’- \n\u0308\u00adGIJ0"), max_size=40))
def test_analyzers_never_break(text):
    for t in exact_analyzer()(text):
        assert t.text and fold(re.sub(r"[\s\u00ad]|['’]s$", "", text[t.startchar:t.endchar])) == t.text
    positions = [t.pos for t in text_analyzer()(text, mode="index")]
    assert positions == sorted(positions)


def test_fingerprint_follows_the_word_lists(tmp_path, monkeypatch):
    before = analysis.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{12}", before) and analysis.fingerprint() == before
    copy = tmp_path / "nl"
    copy.mkdir()
    for path in wordlists.DATA.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(chain, "DATA", copy)  # the chain reads the lists it fingerprints from here
    assert analysis.fingerprint() == before
    with (copy / "stopwoorden.txt").open("a", encoding="utf-8") as f:
        f.write("zorg\n")
    assert analysis.fingerprint() != before
