"""docsets: counts and facets from bitsets must equal what whoosh finds by scoring every match."""
from __future__ import annotations

import pytest
from whoosh import query as Q
from whoosh import sorting

from kennisbank import bulk, documents, index
from kennisbank.config import DataDir
from kennisbank.docsets import DocSets
from kennisbank.engine import Engine
from kennisbank.query import parse
from kennisbank.filters import filter_query
from kennisbank.search import FACET_FIELDS, build

QUERIES = ["lokale teams versterken", "verklarende analyse", "gezinsadvocaat", '"klantreis van het gezin"',
           "veiligheid -gezin", "huisverbod OR gezinsadvocaat", "regio:Zeeland jeugdbescherming", "werkend:ja",
           "type:factsheet", "thema:complexe-scheidingen kinderen", "jeugdbeschermingsketen", "xyzzyqwv"]


def whoosh_count(s, q, fq) -> int:
    """Whoosh's own exact count: every match collected."""
    return len(s.search(q, filter=fq, limit=None))


def whoosh_facets(s, q, fq) -> dict:
    """Whoosh's own facet counts (FieldFacet, overlapping for tag fields) over every match."""
    facets = {n: sorting.FieldFacet(n, allow_overlap=n in index.TAG_FIELDS, maptype=sorting.Count)
              for n in FACET_FIELDS}
    results = s.search(q, filter=fq, limit=None, groupedby=facets)
    return {n: {k: v for k, v in results.groups(n).items() if v and k not in (None, "", b"")}
            for n in FACET_FIELDS}


@pytest.mark.parametrize("text", QUERIES)
def test_counts_and_facets_equal_whooshs(shared_data, text):
    engine = Engine(shared_data)
    s = engine.searcher()
    sets = DocSets(s)
    parsed = parse(text)
    fq, _ = filter_query(parsed.filters)
    built = build(parsed)
    for q in (built.strict, built.loose, Q.Every()):
        if q is None:
            continue
        assert sets.count(q, sets.query(fq)) == whoosh_count(s, q, fq), repr(q)
    loose = built.loose or Q.Every()
    matched = sets.query(loose) & sets.query(fq)
    ours = {n: {k: v for k, v in counts.items() if k not in (None, "", b"")}
            for n, counts in sets.facet_counts(matched, FACET_FIELDS).items()}
    assert ours == whoosh_facets(s, loose, fq)
    engine.close()


def test_deleted_passages_are_not_counted(tmp_path):
    data = DataDir(tmp_path / "data")
    text = ("Werkplan {n}\n\nDe proeftuin beschrijft hoe gezinnen door de keten gaan en waar de klantreis beter "
            "kan. De professionals van het lokale team bespreken samen met het gezin welke stappen nodig zijn. "
            "Het kenmerk van dit plan is het woord {w}, en wat goed werkt nemen wij mee naar de volgende fase "
            "van het werkplan, terwijl wat niet werkt wordt aangepast door de regio en de ouders samen.\n")
    files = [(f"p{n}.txt", text.format(n=n, w=w).encode(), {"id": f"p{n}"})
             for n, w in enumerate(("kwartelnest", "berkenlaan", "kwartelnest"))]
    bulk.add_many(data, files, batch=3)  # one segment with all three
    engine = Engine(data)
    term = Q.Term("text", "kwartelnest")
    assert engine.docsets().count(term) == 2
    documents.remove(data, "p0")
    sets = engine.docsets()  # a new searcher after the delete: the cached segment bitset is masked
    assert sets.count(term) == 1 == whoosh_count(engine.searcher(), term, None)
    assert sets.count(Q.Every()) == engine.searcher().doc_count()
    engine.close()


def test_engine_total_is_exact_without_facets(shared_data):
    engine = Engine(shared_data)
    answer = engine.search("verklarende analyse", limit=3, facets=False)
    built = build(parse("verklarende analyse"))
    assert answer["total"] == whoosh_count(engine.searcher(), built.loose, None)
    assert answer["facets"] == {}
    engine.close()
