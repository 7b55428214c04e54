"""Tests for kennisbank.index.whoosh_engine.analyzers: whoosh indexes exactly the terms of the analysis chains."""
from __future__ import annotations

import pickle

from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import And, Term

from kennisbank import analysis
from kennisbank.analysis import query_forms
from kennisbank.index.whoosh_engine.analyzers import whoosh_analyzer


def text_analyzer():
    return whoosh_analyzer(analysis.text_analyzer())


def exact_analyzer():
    return whoosh_analyzer(analysis.exact_analyzer())


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


def test_the_analyzers_keep_the_import_path_stored_in_indexes():
    """An index stores its analyzers as kennisbank.analysis.<name>: that path must keep resolving."""
    stored = pickle.dumps(text_analyzer())
    assert b"kennisbank.analysis" in stored and b"kennisbank.index" not in stored
    for name in ("WordTokenizer", "FoldFilter", "DutchStopFilter", "DecompoundFilter", "DutchStemFilter"):
        assert getattr(analysis, name).__module__ == "kennisbank.analysis"


def test_whoosh_and_the_chain_give_the_same_tokens():
    text = "De scheidingsconflicten van GI's in de jeugdbeschermingsketen, MDA+ + en volwassenen-GGZ."
    for chain in (analysis.text_analyzer(), analysis.whole_analyzer(), analysis.parts_analyzer(),
                  analysis.exact_analyzer()):
        ours = [(t.text, t.pos, t.startchar, t.endchar) for t in chain(text, mode="index")]
        theirs = [(t.text, t.pos, t.startchar, t.endchar)
                  for t in whoosh_analyzer(chain)(text, positions=True, chars=True, mode="index")]
        assert ours == theirs
