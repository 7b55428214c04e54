"""Tests for kennisbank.index.whoosh_engine.workarounds: each whoosh bug it works around stays worked around."""
from __future__ import annotations

import json
from pathlib import Path

from kennisbank import index
from kennisbank.index.query import AndNot, Or, Term
from kennisbank.search.engine import Engine

SHARED = Path(__file__).resolve().parents[4] / "shared"


def test_an_exclusion_also_holds_for_the_first_hit_of_a_segment(data, meta, passages):
    """whoosh-community/whoosh#419: AndNot let the first matching passage through when it was excluded."""
    ix = index.open_index(data)
    index.replace_document(ix, meta(), "a" * 64, passages(  # the exclusion's first id lies before Tilburg's
        "een verklarende analyse, nog zonder plaats", "Tilburg werkt met een verklarende analyse",
        "Tilburg en Waalwijk"))
    q = AndNot(Term("exact", "tilburg"), Term("exact", "verklarende"))
    with index.searcher(ix) as s:
        assert [h["pid"] for h in s.search(q)] == ["plan-a:2"]
        assert len(s.search(q, limit=None)) == 1
        assert len(s.search(q, limit=1)) == 1  # the total the engine reports


def test_an_exclusion_under_a_limit_keeps_the_top_hits(shared_data):
    """whoosh 2.7.5 handed the minimum score on through AndNot and lost top hits of a "-word" search."""
    import random

    from kennisbank.search.passage import passage_terms

    engine = Engine(shared_data)
    s = engine.searcher()
    passages = list(s.all_passages())
    rng = random.Random(3)
    for _ in range(20):
        passage = rng.choice(passages)
        words = list(dict.fromkeys(passage_terms(passage["text"]).stems))[:25]
        q = AndNot(Or([Term("text", w, boost=rng.uniform(0.2, 3)) for w in words]),
                   Term("document_id", passage["document_id"]))
        every = [round(h.score, 6) for h in s.search(q, limit=None)][:10]
        assert [round(h.score, 6) for h in s.search(q, limit=10)] == every
    engine.close()


def test_a_search_with_a_limit_keeps_the_top_passages_of_every_segment(tmp_path):
    """whoosh 2.7.5 replaced the matcher by one without the parts whose maximum score it under-reported
    (ArrayUnionMatcher): with the PDFs added one by one (one segment each), 12 of the 75 dev queries lost top-10
    passages of their stage-1 query."""
    from kennisbank import documents
    from kennisbank.config import DataDir
    from kennisbank.search import engine as search_engine
    from kennisbank.search.analyse import analyse
    from kennisbank.search.plan import plan
    from kennisbank.search.query import parse

    data = DataDir(tmp_path / "data")
    for pdf in sorted(SHARED.glob("corpus/pdf/*.pdf")):
        documents.add_bytes(data, pdf.read_bytes(), pdf.name)
    engine = Engine(data)
    s = engine.searcher()
    assert len(index.open_index(data).ix._segments()) > 1
    for query in json.loads((SHARED / "eval" / "dev_queries.json").read_text(encoding="utf-8")):
        loose = plan(analyse(parse(query["query"]), known=search_engine._known(s))).loose
        every = [round(h.score, 6) for h in s.search(loose, limit=None)][:10]
        assert [round(h.score, 6) for h in s.search(loose, limit=10)] == every, query["query"]
    engine.close()
