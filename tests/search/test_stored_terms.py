"""Stage 2 reads each passage's analysed words as the index stored them: the same words, features and answers as
analysing the passage's text again (on the shared PDFs, each engine in turn)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kennisbank.search.engine import Engine
from kennisbank.search.passage import passage_terms, read_stream, stored_terms, stream, text_terms

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_queries.json"
DEV_QUERIES = [q["query"] for q in json.loads(DEV.read_text(encoding="utf-8"))] if DEV.exists() else []


@pytest.fixture(scope="module")
def engines(shared_data) -> dict[str, Engine]:
    """One engine reading the stored words, one analysing each candidate's text again."""
    built = {"stored": Engine(shared_data), "text": Engine(shared_data, read_terms=text_terms)}
    yield built
    for engine in built.values():
        engine.close()


def test_the_stored_words_of_a_passage_are_its_texts_analysed_words(engines):
    every = sorted(engines["stored"].searcher().all_passages(), key=lambda p: (p["document_id"], p["position"]))
    sample = every[::5]
    assert len(sample) > 50
    for passage in sample:
        assert stored_terms(passage) == passage_terms(passage["text"]), passage["pid"]


def test_a_stream_gives_back_empty_texts_compounds_and_sentences():
    for text in ("", "de en het", "Jeugdbeschermingsketen: MDA++ en GI's.\nVolgende regel; en nog één.", "Één"):
        assert read_stream(stream(text), text) == passage_terms(text), text
    assert read_stream(stream("De gezinnen en MDA++."), "De gezinnen en MDA++.").exact == {"de", "gezinnen", "en",
                                                                                          "mda++"}


@pytest.mark.parametrize("query", DEV_QUERIES[::3])
def test_the_features_of_stored_words_are_those_of_the_text(engines, query):
    stored, text = (engines[mode].found(query) for mode in ("stored", "text"))
    assert [h["pid"] for h in stored.hits] == [h["pid"] for h in text.hits]
    assert stored.values == text.values  # computed from equal words in the same order: equal, not just close


@pytest.mark.parametrize("query", DEV_QUERIES)
def test_search_answers_are_the_same_with_stored_words(engines, query):
    stored, text = (engines[mode].search(query, limit=10) for mode in ("stored", "text"))
    assert [h["document_id"] + f":{h['position']}" for h in stored["hits"]] == \
        [h["document_id"] + f":{h['position']}" for h in text["hits"]]
    assert [h["score"] for h in stored["hits"]] == pytest.approx([h["score"] for h in text["hits"]], abs=1e-6)
    assert stored["total"] == text["total"] and stored["facets"] == text["facets"]
    ranked = [engines[mode].found(query).ranked()[:10] for mode in ("stored", "text")]
    assert [h["pid"] for h in ranked[0]] == [h["pid"] for h in ranked[1]]
    assert [h.score for h in ranked[0]] == pytest.approx([h.score for h in ranked[1]], abs=1e-6)
