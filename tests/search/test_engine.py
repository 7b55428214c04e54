"""The engine a CLI run or web worker keeps: empty data dirs, fresh commits, index swaps, paging, section caps."""
from __future__ import annotations

import math
from collections import Counter

import pytest

from kennisbank import documents
from kennisbank.config import DataDir
from kennisbank.search import rerank
from kennisbank.search.engine import Engine
from kennisbank.search.facets import facet_label as _facet_label
from kennisbank.search.plan import plan_for


def _paragraph(n: int, word: str) -> str:
    """About 80 words of our own text, with `word` in it a few times."""
    return (f"Alinea {n}: het team bespreekt de {word} met de ouders en het kind. Daarna schrijft de "
            f"professional op wat de {word} betekent voor de volgende stap in de hulp. Iedereen leest mee en "
            "vult aan waar iets ontbreekt. Zo ontstaat een gedeeld beeld van wat er speelt in het gezin, wat "
            "al goed gaat en wat nog aandacht vraagt. De afspraken komen in het plan, zodat ook een nieuwe "
            f"collega snel weet waar het gezin staat en waarom de {word} zo belangrijk is voor iedereen die meedoet.")


def _long_section_doc() -> str:
    """One section with many strong passages about 'pelikaanmethode', and many sections with one weak mention."""
    strong = "\n\n".join(_paragraph(i, "pelikaanmethode pelikaanmethode") for i in range(8))
    weak = "\n\n".join(f"## Onderdeel {i}\n\n{_paragraph(i, 'pelikaanmethode')}" for i in range(8))
    return f"# Handboek\n\n## De methode in de praktijk\n\n{strong}\n\n{weak}\n"


@pytest.fixture
def data(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data")


def test_an_empty_data_dir_answers_with_a_note_and_writes_nothing(data):
    answer = Engine(data).search("gezin")
    assert answer["hits"] == [] and answer["total"] == 0
    assert any("leeg" in n for n in answer["notes"])
    assert not data.root.exists()


def test_an_open_engine_sees_new_commits_and_survives_a_reindex(data):
    assert documents.add_bytes(data, f"# Notitie\n\n{_paragraph(1, 'klantreis')}".encode(), "notitie.md").ok
    engine = Engine(data)
    assert engine.search("flamingoschema")["hits"] == []
    assert engine.search("klantreis")["total"] == 1
    assert documents.add_bytes(data, f"# Tweede\n\n{_paragraph(2, 'flamingoschema')}".encode(), "tweede.md").ok
    assert [h["document_id"] for h in engine.search("flamingoschema")["hits"]] == ["tweede"]
    documents.reindex(data)  # a new index generation replaces the old one under the engine's feet
    assert [h["document_id"] for h in engine.search("flamingoschema")["hits"]] == ["tweede"]
    documents.remove(data, "tweede")
    assert engine.search("flamingoschema")["hits"] == []
    engine.close()


def test_at_most_three_passages_of_one_section_in_the_top_ten(data):
    assert documents.add_bytes(data, _long_section_doc().encode(), "handboek.md").ok
    engine = Engine(data)
    raw = engine.searcher().search(plan_for("pelikaanmethode").all_concepts, limit=10)
    raw_sections = Counter(h["section"] for h in raw)
    assert raw_sections.most_common(1)[0][1] > 3  # without the cap one section would fill the top ten
    hits = engine.search("pelikaanmethode", limit=10)["hits"]
    assert len(hits) == 10
    assert max(Counter(h["section"] for h in hits).values()) <= 3
    more = engine.search("pelikaanmethode", limit=30)["hits"]
    assert [h["text"] for h in more[:10]] == [h["text"] for h in hits]
    assert Counter(h["section"] for h in more).most_common(1)[0][1] > 3  # held back, not dropped
    engine.close()


def test_pages_follow_each_other_without_repeats(shared_data):
    engine = Engine(shared_data)
    for query in ("gezin", "lokale teams", "veiligheidsteam"):
        whole = [(h["document_id"], h["position"]) for h in engine.search(query, limit=30)["hits"]]
        paged = [(h["document_id"], h["position"]) for offset in (0, 10, 20)
                 for h in engine.search(query, limit=10, offset=offset)["hits"]]
        assert paged == whole and len(set(whole)) == len(whole) >= 25
    assert engine.search("gezin", limit=10, offset=10_000)["hits"] == []
    engine.close()


def test_limit_total_and_facets_switch(shared_data):
    engine = Engine(shared_data)
    answer = engine.search("gezin", limit=3)
    assert len(answer["hits"]) == 3 and answer["total"] > 3
    assert engine.search("gezin", facets=False)["facets"] == {}
    scores = [h["score"] for h in answer["hits"]]
    assert all(s > 0 for s in scores)
    engine.close()


def test_extra_filters_from_the_caller_combine_with_the_query(shared_data):
    engine = Engine(shared_data)
    answer = engine.search("veiligheidsteam", limit=50, filters={"regio": ["Friesland"], "type": [""]})
    assert answer["hits"] and all("Friesland" in h["regio"] for h in answer["hits"])
    assert answer["total"] < engine.search("veiligheidsteam")["total"]
    engine.close()


@pytest.mark.parametrize("key, label", [(True, "ja"), ("t", "ja"), (b"t", "ja"), (False, "nee"), ("f", "nee"),
                                        (b"Zeeland", "Zeeland"), ("2023", "2023")])
def test_facet_labels(key, label):
    assert _facet_label(key) == label


@pytest.mark.parametrize("query", ["klantreis", "complexe scheidingen"])
def test_every_hit_of_a_named_vraagstuk_shows_why_it_matched(shared_data, query):
    """Passages found through their vraagstuk tag mark what made the tag, not an empty snippet."""
    engine = Engine(shared_data)
    try:
        hits = engine.search(query, limit=20, facets=False)["hits"]
    finally:
        engine.close()
    assert hits
    for hit in hits:
        assert "<mark>" in hit["snippet"], (query, hit["text"][:120])


def test_explain_gives_each_features_part_of_the_score(shared_data):
    engine = Engine(shared_data)
    hit = engine.search("verklarende analyse", limit=1, explain=True)["hits"][0]
    assert set(hit["features"]) == set(rerank.load().features)
    linear = rerank.load().bias + sum(hit["features"].values())
    assert abs(hit["score"] - 1 / (1 + math.exp(-linear))) < 1e-3  # the parts add up to the score shown
    engine.close()


def test_a_short_page_is_topped_up_with_passages_holding_the_words_parts(shared_data):
    """No passage says "klachtprocedure": those with "klacht" and "procedure" apart are the results, marked."""
    engine = Engine(shared_data)
    answer = engine.search("klachtprocedure", limit=10)
    assert 0 < answer["total"] == len(answer["hits"]) <= 10
    assert all("<mark>" in h["snippet"] for h in answer["hits"])
    assert any("klacht" in h["text"].lower() and "procedure" in h["text"].lower() for h in answer["hits"][:3])
    many = engine.search("gezinsadvocaat", limit=50)
    assert all("gezinsadvocaat" in h["text"].lower() for h in many["hits"][:3])
    engine.close()


def _defining(n: int) -> str:
    """A passage that defines the Regionaal Veiligheidsteam and names it often, but says nothing else asked."""
    return (f"Alinea {n}: het Regionaal Veiligheidsteam (RVT) is het team dat de veiligheid van kinderen borgt. "
            "Het RVT werkt samen met het lokale team; het RVT neemt de regie als het onveilig blijft. In het RVT "
            "zitten professionals van de jeugdbescherming en de Raad. Het RVT is er voor ieder gezin in de regio.")


def test_a_passage_holding_the_concept_and_the_aspect_asked_for_ranks_first(data):
    """A query naming a concept plus an aspect of it: the passage on the aspect comes before the passages that
    only define or name the concept, however often they do."""
    aspect = ("Op de wachtlijst van het team staan nu veertig gezinnen; zij wachten gemiddeld zes weken op een "
              "eerste gesprek met een professional van het RVT.")
    text = "# Handboek\n\n" + "\n\n".join([*(_defining(i) for i in range(6)), aspect, _paragraph(9, "wachttijd")])
    assert documents.add_bytes(data, text.encode(), "handboek.md").ok
    engine = Engine(data)
    try:
        hits = engine.search("RVT wachtlijst", limit=5, facets=False)["hits"]
    finally:
        engine.close()
    assert "wachtlijst" in hits[0]["text"] and "veertig gezinnen" in hits[0]["text"]
