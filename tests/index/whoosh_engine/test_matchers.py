"""Tests for kennisbank.index.whoosh_engine.matchers: the faster preloaded OR finds what whoosh's own finds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import query as Q
from whoosh.matching.combo import ArrayUnionMatcher

from kennisbank.index.whoosh_engine.matchers import PlacesUnionMatcher
from kennisbank.index.whoosh_engine.translate import to_whoosh
from kennisbank.search.engine import Engine
from kennisbank.search.plan import plan_for

SHARED = Path(__file__).resolve().parents[4] / "shared"


def _walk(matcher) -> list[tuple[int, float]]:
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.score()))
        matcher.next()
    return out


def _stage1_ors(count: int) -> list[Q.Or]:
    """The stage-1 ORs of the first dev queries, as whoosh queries."""
    queries = json.loads((SHARED / "eval" / "dev_queries.json").read_text(encoding="utf-8"))[:count]
    ors = [to_whoosh(loose) for loose in (plan_for(q["query"]).loose for q in queries) if loose is not None]
    return [q for q in ors if isinstance(q, Q.Or)]


@pytest.mark.parametrize("partsize", [2048, 16])  # one block per segment, and many
def test_every_match_and_score_is_whooshs_own(shared_data, partsize):
    engine = Engine(shared_data)
    s = engine.searcher().raw
    checked = 0
    for q in _stage1_ors(40):
        for leaf, _offset in s.leaf_searchers():
            context = s.context()
            own = ArrayUnionMatcher([p.matcher(leaf, context) for p in q.subqueries], leaf.doc_count_all(),
                                    boost=q.boost, partsize=partsize)
            ours = PlacesUnionMatcher([p.matcher(leaf, context) for p in q.subqueries], leaf.doc_count_all(),
                                      boost=q.boost, partsize=partsize)
            expected = _walk(own)
            assert _walk(ours) == expected
            checked += len(expected)
    assert checked > 1000
    engine.close()


def test_skipping_lands_on_the_same_matches(shared_data):
    engine = Engine(shared_data)
    s = engine.searcher().raw
    q = _stage1_ors(5)[0]
    leaf, _ = next(iter(s.leaf_searchers()))
    for target in (0, 17, 40, 150, 311):
        own = ArrayUnionMatcher([p.matcher(leaf, s.context()) for p in q.subqueries], leaf.doc_count_all(),
                                partsize=16)
        ours = PlacesUnionMatcher([p.matcher(leaf, s.context()) for p in q.subqueries], leaf.doc_count_all(),
                                  partsize=16)
        own.skip_to(target)
        ours.skip_to(target)
        assert _walk(ours) == _walk(own)
    engine.close()
