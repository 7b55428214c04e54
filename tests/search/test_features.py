"""Tests for kennisbank.search.features: each sign that a passage answers the query, on real passages."""
from __future__ import annotations

import numpy as np
import pytest

from kennisbank.index import Hit
from kennisbank.search.analyse import analyse
from kennisbank.search.concepts import query_concepts
from kennisbank.search.features import FEATURES, FEEDBACK_WORDS, SCALED, Stats, matrix, per_query
from kennisbank.search.passage import passage_terms
from kennisbank.search.query import parse


def frequency(field: str, stem: str) -> int:
    return {"gi": 20, "gecertificeerd": 10, "instelling": 15, "klantreis": 5, "gezin": 200}.get(stem, 50)


def values(query: str, text: str, **fields) -> dict[str, float]:
    concepts = query_concepts(analyse(parse(query)))
    stats = Stats.of(concepts, 300, 100.0, frequency)
    hit = Hit({"text": text, "section": fields.get("section", ""), "title": fields.get("title", ""),
               "type": fields.get("type", "projectplan"), "thema": fields.get("thema", ""),
               "passage_regio": fields.get("regio", ""), "document_regio": ""}, 5.0, 0)
    return features(concepts, stats, hit, passage_terms(text), 10.0)


def features(concepts, stats, hit, terms, best: float) -> dict[str, float]:
    """The features of one candidate by name."""
    return dict(zip(FEATURES, matrix(concepts, stats, [hit], [terms], best)[0].tolist()))


def scaled(rows: list[dict[str, float]]) -> list[dict[str, float]]:
    """per_query over candidates by name."""
    values = np.array([[row[name] for name in FEATURES] for row in rows])
    return [dict(zip(FEATURES, row)) for row in per_query(values).tolist()]


def test_every_feature_is_computed():
    assert set(values("klantreis gezin", "De klantreis van het gezin.")) == set(FEATURES)


def test_more_of_the_query_holds_more_coverage():
    both, one = values("klantreis gezin", "De klantreis van het gezin."), values("klantreis gezin", "Het gezin.")
    assert both["coverage"] == both["all_concepts"] == 1.0
    assert one["coverage"] < 1.0 and one["all_concepts"] == 0.0
    assert one["coverage"] < 0.5  # the rare word weighs more than the common one


def test_words_close_together_and_in_one_sentence():
    close = values("klantreis gezin", "De klantreis raakt het gezin direct.")
    apart = values("klantreis gezin", "De klantreis. " + "Andere woorden staan hier. " * 5 + "Het gezin.")
    assert close["proximity"] > apart["proximity"] and close["sentence"] > apart["sentence"]
    assert close["phrase"] == 0.0  # a word that counts stands between them; stop words do not count
    assert values("klantreis gezin", "De klantreis van het gezin.")["phrase"] == 1.0


def test_an_abbreviations_written_out_name_and_its_definition():
    defined = values("GI", "De Gecertificeerde Instellingen (GI's) voeren de maatregel uit.")
    listed = values("GI", "GI, VT en RvdK overleggen.")
    assert defined["spelled_out"] == defined["definition"] == 1.0
    assert listed["spelled_out"] == listed["definition"] == 0.0


@pytest.mark.parametrize("field, value, feature", [
    ("thema", "lokale-teams-versterken", "thema_tag"), ("regio", "Zeeland", "regio"),
])
def test_a_tag_the_query_names(field, value, feature):
    query = "lokale teams versterken" if feature == "thema_tag" else "teams Zeeland"
    assert values(query, "Een tekst.", **{field: value})[feature] == 1.0
    assert values(query, "Een tekst.")[feature] == 0.0


def test_title_and_section_matches_and_no_document_type():
    """A document's type is no sign of relevance: with five documents, a type weight learns one document."""
    got = values("klantreis", "Tekst.", section="Aanpak › Klantreis", title="Plan klantreis", type="factsheet")
    assert got["section"] == got["title"] == 1.0
    assert values("klantreis", "Tekst.", type="factsheet") == values("klantreis", "Tekst.", type="projectplan")


def test_relevance_feedback_counts_the_words_of_the_best_stage1_passages():
    concepts = query_concepts(analyse(parse("klantreis")))
    top = [Hit({"text": "De klantreis en de ervaringsdeskundige ouders."}, 9.0, n) for n in range(3)]
    texts = [passage_terms(h["text"]) for h in top]
    stats = Stats.of(concepts, 300, 100.0, frequency).with_feedback(top, texts, concepts, frequency)
    assert "ervaringsdeskundig" in stats.feedback and "klantreis" not in stats.feedback
    hit = Hit({"text": "Ervaringsdeskundige ouders vertellen.", "section": "", "title": "", "type": ""}, 1.0, 9)
    assert features(concepts, stats, hit, passage_terms(hit["text"]), 9.0)["feedback"] > 0.5


def test_a_region_weighs_as_rare_as_its_tagged_passages():
    """Every passage of a region's documents holds the region, however rarely its name is written: the concept
    tells passages apart no better than its tag does, so a passage holding only the region covers little."""
    concepts = query_concepts(analyse(parse("begroting Zuid-Holland Zuid")))
    region = next(c for c in concepts.concepts if c.regio)

    def tagged(field: str, value: str) -> int:
        return 240 if field in ("passage_regio", "document_regio") else 12

    idf = dict(zip([c.text for c in concepts.concepts], Stats.of(concepts, 300, 100.0, tagged).idf))
    assert idf[region.text] < idf["begroting"] / 3
    hit = Hit({"text": "Het programma in de tien gemeenten.", "section": "", "title": "", "type": "projectplan",
               "thema": "", "passage_regio": region.regio, "document_regio": region.regio}, 5.0, 0)
    text = passage_terms(hit["text"])
    assert features(concepts, Stats.of(concepts, 300, 100.0, tagged), hit, text, 10.0)["coverage"] < 0.25


def test_unbounded_features_mean_the_same_on_any_collection():
    """BM25 on a collection of short pages runs higher than on long plans: scaled per query, the same candidates
    get the same values whatever the scale, and every feature stays within 0..1 where the model reads it."""
    short = [values("klantreis gezin", t) for t in ("De klantreis van het gezin.", "Het gezin.", "Een klantreis.")]
    longer = [{k: v * 3 if k in SCALED else v for k, v in row.items()} for row in short]
    assert scaled(short) == [pytest.approx(row, abs=1e-12) for row in scaled(longer)]
    assert max(row["bm25_text"] for row in scaled(short)) == 1.0
    assert all(0.0 <= v <= 1.0 for row in scaled(short) for k, v in row.items() if k in SCALED)


def test_relevance_feedback_breaks_ties_by_the_word_not_by_hash_order():
    """Equal weights once fell in the order of a set of strings, which differs per process: the same query gave
    another order in each web worker."""
    concepts = query_concepts(analyse(parse("klantreis")))
    words = [f"woord{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(FEEDBACK_WORDS + 5)]
    top = [Hit({"text": "klantreis " + " ".join(reversed(words))}, 9.0, 0)]
    stats = Stats.of(concepts, 300, 100.0, frequency).with_feedback(top, [passage_terms(top[0]["text"])], concepts,
                                                                     frequency)
    kept = sorted(stats.feedback)
    assert len(kept) == FEEDBACK_WORDS and kept == sorted(passage_terms(" ".join(words)).stems)[:FEEDBACK_WORDS]
