"""docsets: counts and facets from bitsets must equal what whoosh finds by scoring every match."""
from __future__ import annotations

import pytest
from whoosh import sorting

from kennisbank import bulk, documents, index
from kennisbank.config import DataDir
from kennisbank.index.query import Every, Term
from kennisbank.index.whoosh_engine.translate import to_whoosh
from kennisbank.search.engine import Engine
from kennisbank.search.facets import FACET_FIELDS
from kennisbank.search.filters import filter_query
from kennisbank.search.plan import plan_for
from kennisbank.search.query import parse

QUERIES = ["lokale teams versterken", "verklarende analyse", "gezinsadvocaat", '"klantreis van het gezin"',
           "veiligheid -gezin", "huisverbod OR gezinsadvocaat", "regio:Zeeland jeugdbescherming", "werkend:ja",
           "type:factsheet", "thema:complexe-scheidingen kinderen", "jeugdbeschermingsketen", "xyzzyqwv"]


def whoosh_count(s, q, fq) -> int:
    """Whoosh's own exact count: every match collected."""
    return len(s.raw.search(to_whoosh(q), filter=fq and to_whoosh(fq), limit=None))


def whoosh_facets(s, q, fq) -> dict:
    """Whoosh's own facet counts (FieldFacet, overlapping for tag fields) over every match."""
    facets = {n: sorting.FieldFacet(n, allow_overlap=n in index.TAG_FIELDS, maptype=sorting.Count)
              for n in FACET_FIELDS.values()}
    results = s.raw.search(to_whoosh(q), filter=fq and to_whoosh(fq), limit=None, groupedby=facets)
    return {n: {k: v for k, v in results.groups(n).items() if v and k not in (None, "", b"")}
            for n in FACET_FIELDS.values()}


@pytest.mark.parametrize("text", QUERIES)
def test_counts_and_facets_equal_whooshs(shared_data, text):
    engine = Engine(shared_data)
    s = engine.searcher()
    sets = s.docsets()
    built = plan_for(text)
    fq, _ = filter_query(parse(text).filters)
    for q in (built.all_concepts, built.loose, Every()):
        if q is None:
            continue
        assert sets.count(q, sets.query(fq)) == whoosh_count(s, q, fq), repr(q)
    loose = built.loose or Every()
    matched = sets.query(loose) & sets.query(fq)
    ours = {n: {k: v for k, v in counts.items() if k not in (None, "", b"")}
            for n, counts in sets.facet_counts(matched, tuple(FACET_FIELDS.values())).items()}
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
    term = Term("text", "kwartelnest")
    assert engine.searcher().docsets().count(term) == 2
    documents.remove(data, "p0")
    sets = engine.searcher().docsets()  # a new searcher after the delete: the cached segment bitset is masked
    assert sets.count(term) == 1 == whoosh_count(engine.searcher(), term, None)
    assert sets.count(Every()) == engine.searcher().raw.doc_count()
    engine.close()


def test_engine_total_is_exact_without_facets(shared_data):
    engine = Engine(shared_data)
    answer = engine.search("verklarende analyse", limit=3, facets=False)
    built = plan_for("verklarende analyse")
    assert answer["total"] == whoosh_count(engine.searcher(), built.loose, None)
    assert answer["facets"] == {}
    engine.close()
