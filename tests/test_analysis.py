"""Tests for kennisbank.analysis: the tokenizer, the filter chain, query words, whoosh use."""
from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import And, Term

from kennisbank import analysis, wordlists
from kennisbank.analysis import exact_analyzer, fold, is_stopword, query_forms, stem, text_analyzer


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
    got = [(t.text, text[t.startchar:t.endchar]) for t in exact_analyzer()(text, chars=True)]
    assert got == [("de", "De"), ("gi", "GI’s"), ("en", "en"), ("mda++", "MDA+ +"), ("bij", "bij"),
                   ("clienten", "cliënten")]


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


def test_parts_share_the_position_of_the_compound():
    tokens = [(t.text, t.pos) for t in text_analyzer()("goede jeugdbeschermingsketen", positions=True,
                                                       mode="index")]
    assert tokens[0] == ("goed", 0)
    assert {pos for _, pos in tokens[1:]} == {1} and len(tokens) > 3


def test_query_mode_does_not_add_parts():
    assert [t.text for t in text_analyzer()("jeugdbeschermingsketen", mode="query")] == [
        stem("jeugdbeschermingsketen")]


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

def test_stop_words_dropped_and_positions_renumbered():
    tokens = [(t.text, t.pos) for t in text_analyzer()("de raad voor de kinderbescherming", positions=True)]
    assert tokens[:2] == [("rad", 1), (stem("kinderbescherming"), 2)]  # consecutive: phrases still match
    assert is_stopword("Het") and is_stopword("x") and not is_stopword("zorg") and not is_stopword("1")


def test_stop_word_list_has_no_content_words():
    for word in ("zorg", "kind", "gezin", "veilig", "samen", "goed", "doen", "regio"):
        assert not is_stopword(word)


# --- whoosh ---

def test_analyzers_pickle_small():
    for make in (text_analyzer, exact_analyzer):
        data = pickle.dumps(make())
        assert len(data) < 5000
        again = pickle.loads(data)
        assert [t.text for t in again("Gezinnen in de keten")] == [t.text for t in make()("Gezinnen in de keten")]


def test_real_whoosh_index(tmp_path):
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=text_analyzer(), phrase=True),
                    exact=TEXT(analyzer=exact_analyzer(), phrase=True))
    ix = index.create_in(str(tmp_path), schema)
    docs = {
        "keten": "Samenwerking in de Jeugdbeschermingsketen moet beter.",
        "verbod": "Na een Tijdelijke Huis Verboden volgt hulp.",
        "zin": "Die zinnen hebben weinig zin.",
    }
    with ix.writer() as w:
        for key, text in docs.items():
            w.add_document(id=key, text=text, exact=text)
    ix = index.open_dir(str(tmp_path))  # the analyzer comes back out of the index's pickled schema
    with ix.searcher() as s:
        def found(q) -> set[str]:
            return {hit["id"] for hit in s.search(q)}
        assert found(Term("text", query_forms("keten").stem)) == {"keten"}
        assert found(Term("text", query_forms("jeugdbescherming").stem)) == {"keten"}
        assert found(Term("text", query_forms("Jeugdbeschermingsketen").stem)) == {"keten"}
        assert found(And([Term("text", p) for p in query_forms("huisverbod").parts])) == {"verbod"}
        assert found(Term("text", query_forms("gezin").stem)) == set()
        parser = QueryParser("text", ix.schema)
        assert found(parser.parse('"samenwerking in de jeugdbeschermingsketen"')) == {"keten"}
        assert found(parser.parse("tijdelijk huisverboden")) == set()  # the whole word is not in the text
        assert found(QueryParser("exact", ix.schema).parse('"huis verboden"')) == {"verbod"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aeëioubdgkrstzn+'’- \n\u0308\u00adGIJ0"), max_size=40))
def test_analyzers_never_break(text):
    for t in exact_analyzer()(text, chars=True):
        assert t.text and fold(re.sub(r"[\s\u00ad]|['’]s$", "", text[t.startchar:t.endchar])) == t.text
    positions = [t.pos for t in text_analyzer()(text, positions=True, mode="index")]
    assert positions == sorted(positions)


def test_fingerprint_follows_the_word_lists(tmp_path, monkeypatch):
    before = analysis.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{12}", before) and analysis.fingerprint() == before
    copy = tmp_path / "nl"
    copy.mkdir()
    for path in wordlists.DATA.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(analysis, "DATA", copy)  # analysis reads the lists it fingerprints from here
    assert analysis.fingerprint() == before
    with (copy / "stopwoorden.txt").open("a", encoding="utf-8") as f:
        f.write("zorg\n")
    assert analysis.fingerprint() != before
