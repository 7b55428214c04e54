"""topscores: stage 1's top passages and their scores must be whoosh's own, passage for passage."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kennisbank import bulk, documents
from kennisbank.config import DataDir
from kennisbank.index.query import AndMaybe, AndNot, Constant, Every, Or, Phrase, Term
from kennisbank.index.whoosh_engine.translate import to_whoosh
from kennisbank.search.engine import Engine
from kennisbank.search.filters import filter_query
from kennisbank.search.plan import plan_for
from kennisbank.search.query import parse

SHARED = Path(__file__).resolve().parents[4] / "shared"
QUERIES = ["lokale teams versterken", "verklarende analyse", "gezinsadvocaat", '"klantreis van het gezin"',
           "veiligheid -gezin", "huisverbod OR gezinsadvocaat", "regio:Zeeland jeugdbescherming", "werkend:ja",
           "type:factsheet", "thema:complexe-scheidingen kinderen", "jeugdbeschermingsketen", "wijkteam",
           "wat doet een GI", "xyzzyqwv"]


def whooshs_top(s, q, fq, limit: int) -> list[tuple[int, float]]:
    """whoosh's own scored search: (docnum, score) best first."""
    return [(h.docnum, h.score) for h in s.raw.search(to_whoosh(q), filter=fq and to_whoosh(fq), limit=limit)]


def ours(s, q, fq, limit: int) -> list[tuple[int, float]]:
    return [(h.docnum, h.score) for h in s.search(q, filter=fq, limit=limit)]


@pytest.mark.parametrize("text", QUERIES)
def test_same_passages_in_the_same_order_with_the_same_scores(shared_data, text):
    engine = Engine(shared_data)
    s = engine.searcher()
    fq, _ = filter_query(parse(text).filters)
    built = plan_for(text)
    for q in (built.loose, built.matched, built.all_concepts):
        if q is not None:
            for limit in (200, 10, 1):
                assert ours(s, q, fq, limit) == whooshs_top(s, q, fq, limit), (str(q), limit)
    engine.close()


def test_every_dev_query_gives_whooshs_top_200(shared_data):
    engine = Engine(shared_data)
    s = engine.searcher()
    queries = json.loads((SHARED / "eval" / "dev_queries.json").read_text(encoding="utf-8"))
    checked = 0
    for text in (q["query"] for q in queries):
        loose = plan_for(text).loose
        if loose is not None:
            assert ours(s, loose, None, 200) == whooshs_top(s, loose, None, 200), text
            checked += 1
    assert checked > 60
    engine.close()


def test_each_kind_of_node_scores_as_whoosh_does(shared_data):
    engine = Engine(shared_data)
    s = engine.searcher()
    gezin, team = Term("text", "gezin"), Term("text", "team", boost=0.3)
    nodes = [gezin, team, Or([gezin, team], boost=2.0), Phrase("text", ["lokal", "team"], slop=2, boost=0.7),
             AndNot(Or([gezin, team]), Term("text", "veilig")), AndMaybe(gezin, team),
             Or([gezin, AndNot(Constant(Term("thema", "complexe-scheidingen"), score=3.0), gezin)]),
             Term("title", "proeftuin", boost=0.15), Term("text", "xyzzyqwv")]
    for q in nodes:
        assert ours(s, q, None, 50) == whooshs_top(s, q, None, 50), str(q)
    fq, _ = filter_query(parse("type:factsheet").filters)
    assert ours(s, Every(), fq, 20) == whooshs_top(s, Every(), fq, 20)  # a search by filters only
    engine.close()


def test_deleted_passages_are_left_out(tmp_path):
    data = DataDir(tmp_path / "data")
    text = ("Werkplan {n}\n\nDe proeftuin beschrijft hoe gezinnen door de keten gaan en waar de klantreis beter "
            "kan. Het kenmerk van dit plan is het woord {w}, en wat goed werkt nemen wij mee naar de volgende fase "
            "van het werkplan, terwijl wat niet werkt wordt aangepast door de regio en de ouders samen.\n")
    files = [(f"p{n}.txt", text.format(n=n, w=w).encode(), {"id": f"p{n}"})
             for n, w in enumerate(("kwartelnest", "berkenlaan", "kwartelnest kwartelnest"))]
    bulk.add_many(data, files, batch=3)  # one segment with all three
    documents.remove(data, "p2")
    engine = Engine(data)
    s = engine.searcher()
    q = Or([Term("text", "kwartelnest"), Term("text", "proeftuin", boost=0.3)])
    found = ours(s, q, None, 10)
    assert found == whooshs_top(s, q, None, 10)
    assert {s.raw.stored_fields(n)["document_id"] for n, _ in found} == {"p0", "p1"}
    engine.close()
