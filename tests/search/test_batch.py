"""Stage 2 weighs all candidates of a query at once, as arrays over their words (kennisbank.search.batch): each
candidate must get the features it has alone, on real passages and queries."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kennisbank.search.batch import Batch
from kennisbank.search.engine import Engine
from kennisbank.search.features import Stats, matrix
from kennisbank.search.passage import passage_terms, stored_terms

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_queries.json"
DEV_QUERIES = [q["query"] for q in json.loads(DEV.read_text(encoding="utf-8"))] if DEV.exists() else []


@pytest.fixture(scope="module")
def engine(shared_data) -> Engine:
    """An engine on the shared PDFs."""
    opened = Engine(shared_data)
    yield opened
    opened.close()


def test_a_phrase_does_not_run_on_into_the_next_text():
    batch = Batch.of([passage_terms("Versterk de lokale"), passage_terms("teams in de wijk.")])
    assert not batch.phrase(("lokal", "team"), 2).any()
    assert batch.phrase(("lokal", "team"), 2).tolist() == [False, False, False, False]
    joined = Batch.of([passage_terms("Versterk de lokale teams")])
    assert joined.places(joined.phrase(("lokal", "team"), 2), 0) == [1]


def test_counts_and_first_places_are_per_text():
    batch = Batch.of([passage_terms("Gezin en gezin."), passage_terms(""), passage_terms("Het team en het gezin.")])
    gezin = batch.word("gezin")
    assert batch.count(gezin).tolist() == [2, 0, 1] and batch.first(gezin).tolist() == [0, -1, 1]


@pytest.mark.parametrize("query", DEV_QUERIES[1::4])
def test_each_candidate_gets_the_features_it_has_alone(engine, query):
    """A batch of 200 candidates (plus their sections and titles) leaks nothing from one text to the next."""
    s, found = engine.searcher(), engine.found(query)
    if found.matrix is None:
        pytest.skip("geen kandidaten om te wegen")
    texts = [stored_terms(h) for h in found.hits]
    stats = Stats.of(found.query, s.doc_count(), s.mean_length("text"), s.doc_frequency)
    stats = stats.with_feedback(found.hits, texts, found.query, s.doc_frequency)
    best = max(float(h.score or 0) for h in found.hits)
    together = matrix(found.query, stats, found.hits, texts, best)
    alone = np.vstack([matrix(found.query, stats, [h], [t], best) for h, t in zip(found.hits, texts)])
    assert together.shape == alone.shape and np.allclose(together, alone, rtol=0, atol=1e-12)
