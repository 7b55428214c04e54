"""Passages like this one: key terms by tf-idf, other documents only, copies left out; checked on real indexes."""
from __future__ import annotations

import shutil

import pytest

from kennisbank import documents, index, taxonomie
from kennisbank.analysis import fold
from kennisbank.config import DataDir
from kennisbank.search import similar
from kennisbank.taxonomie import beheer

# Our own texts: a plan about the klantreis, another plan with a passage on the same subject in other words and
# one on money, and a third plan that copied the first plan's klantreis passage word for word.
KLANTREIS = ("In 2024 tekent de proeftuin in Zeeland de klantreis van een gezin uit, van de eerste melding bij "
             "het lokale team tot de afsluiting van de hulp. Bij elke overdracht kijken wij waar ouders hun "
             "verhaal opnieuw moeten doen en waar de wachttijd oploopt. De klantreis laat zien welke stappen dubbel "
             "gebeuren, zodat het lokale team en de gecertificeerde instelling die samen kunnen schrappen. Wat wij "
             "leren over de overdracht en de wachttijd schrijven wij op in het werkboek van de proeftuin.")
SOURCE = "tekent de proeftuin in Zeeland de klantreis"  # names the klantreis passage of plan-a (and its copy)
PLAN_A = f"Werkplan Zeeland\n\nDe klantreis\n\n{KLANTREIS}\n"
PLAN_B = """Uitvoeringsplan Noord

Ervaringen van ouders

Ouders vertellen dat zij bij elke overdracht hun verhaal opnieuw moeten doen. Daarom volgen wij de klantreis van
twintig gezinnen: van melding tot afsluiting noteren wij iedere overdracht, de wachttijd tussen de stappen en wie
het gezin op dat moment helpt. Met het lokale team bespreken wij elk kwartaal welke stappen overbodig zijn en
hoe de wachttijd korter kan, zodat gezinnen minder vaak worden doorverwezen.

Begroting

De begroting van het uitvoeringsplan voor 2024 telt drie posten, zoals de proeftuin in Zeeland deed: personeel,
scholing en onderzoek. Voor personeel is het grootste deel bestemd, omdat de regio twee coördinatoren aanstelt
die het programma trekken. Scholing omvat de trainingen voor professionals en de intervisie. Het onderzoek wordt
uitgevoerd door een hogeschool, die de resultaten van het programma meet en jaarlijks rapporteert aan de
stuurgroep en de gemeenteraden.
"""
PLAN_C = f"Projectplan Zuid\n\nOvergenomen aanpak\n\n{KLANTREIS}\n"


@pytest.fixture(scope="module")
def own(tmp_path_factory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("vergelijkbaar") / "data").ensure()
    for doc_id, text, region in (("plan-a", PLAN_A, "Zeeland"), ("plan-b", PLAN_B, "Friesland"),
                                 ("plan-c", PLAN_C, "Flevoland")):
        outcome = documents.add_bytes(data, text.encode("utf-8"), f"{doc_id}.txt", {"id": doc_id, "region": region})
        assert outcome.ok, outcome.message
    return data


def _with_searcher(data: DataDir, fn, *args):
    with index.searcher(index.open_index(data, create=False)) as s:
        return fn(s, *args)


def _pid(s, doc_id: str, phrase: str) -> str:
    """The id of the one passage of a document whose text holds the phrase (folded)."""
    found = [p["pid"] for p in s.passages(doc_id) if fold(phrase) in fold(" ".join(p["text"].split()))]
    assert len(found) == 1, (doc_id, phrase, found)
    return found[0]


def test_the_passage_on_the_same_subject_comes_first_and_copies_and_own_document_stay_out(own):
    def check(s):
        source = _pid(s, "plan-a", SOURCE)
        answer = similar.similar_passages(s, source, limit=10)
        assert answer["passage"]["passage_id"] == source and answer["passage"]["document_id"] == "plan-a"
        ids = [h["passage_id"] for h in answer["hits"]]
        assert ids[0] == _pid(s, "plan-b", "volgen wij de klantreis")
        assert not any(i.startswith(("plan-a:", "plan-c:")) for i in ids)  # own document; a word-for-word copy
        assert {"klantreis", "wachttijd", "overdracht"} <= set(answer["terms"]), answer["terms"]
        assert "<mark>" in answer["hits"][0]["snippet"]  # the key terms it shares are marked
    _with_searcher(own, check)


def test_the_copy_is_a_near_duplicate_and_the_passage_in_other_words_is_not(own):
    def check(s):
        a, c = (similar.shingles(_pid_text(s, d, SOURCE)) for d in ("plan-a", "plan-c"))
        b = similar.shingles(_pid_text(s, "plan-b", "volgen wij de klantreis"))
        assert similar.near_duplicate(a, c) and not similar.near_duplicate(a, b)
    _with_searcher(own, check)


def _pid_text(s, doc_id: str, phrase: str) -> str:
    return s.passage(_pid(s, doc_id, phrase))["text"]


def test_key_terms_leave_out_region_names_numbers_and_words_no_other_passage_has(own):
    def check(s):
        text = _pid_text(s, "plan-b", "De begroting")
        terms = dict(similar.key_terms(s, [text]))
        assert "2024" in text and "Zeeland" in text and s.doc_frequency("text", "zeeland") >= 2
        assert not {"zeeland", "2024"} & set(terms)  # where and when, not what about
        assert "begroting" not in terms  # only this passage has it: it can find nothing
        assert "proeftuin" in terms and all(weight > 0 for weight in terms.values())
    _with_searcher(own, check)


def test_document_level_like_this_finds_other_documents_only(own):
    def check(s):
        answer = similar.similar_to_document(s, "plan-b", limit=5)
        assert answer["document_id"] == "plan-b" and answer["hits"]
        assert all(not h["passage_id"].startswith("plan-b:") for h in answer["hits"])
        assert similar.similar_to_document(s, "bestaat-niet") is None
    _with_searcher(own, check)


def test_unknown_passages_give_none(own):
    assert _with_searcher(own, similar.similar_passages, "plan-a:99") is None
    assert _with_searcher(own, similar.similar_passages, "bestaat-niet:0") is None


# Pairs found by reading the shared documents: a passage about the verklarende analyse in one proeftuin (or in
# the programme's leidraad) and passages about it in another document. Each expected passage is named by a phrase
# only it holds; it must be among the first five, wherever there.
PAIRS = [
    (("uitvoeringsplan-zuid-holland-zuid", "gezamenlijke verklarende analyse van de problematiek"),
     [("factsheet-proeftuinen", "Zorgvuldige en gezamenlijke verklarende analyse;")]),
    (("uitvoeringsplan-zuid-holland-zuid", "gezamenlijke verklarende analyse van de problematiek"),
     [("factsheet-proeftuinen", "gedeelde verklarende analyse")]),  # Hart van Brabant
    (("factsheet-proeftuinen", "Zorgvuldige en gezamenlijke verklarende analyse;"),
     [("uitvoeringsplan-zuid-holland-zuid", "gezamenlijke verklarende analyse van de problematiek")]),
    (("factsheet-proeftuinen", '"verklarende analyse" verder ontwikkeld'),  # Hart van Brabant
     [("uitvoeringsplan-zuid-holland-zuid", "Eén kader voor een integrale en verklarende analyse"),
      ("uitvoeringsplan-zuid-holland-zuid", "aan de slag met een vorm van een integrale en verklarende analyse")]),
]


@pytest.mark.parametrize("source, expected", PAIRS)
def test_verklarende_analyse_finds_verklarende_analyse_in_other_documents(shared_data, source, expected):
    def check(s):
        answer = similar.similar_passages(s, _pid(s, *source), limit=5)
        ids = [h["passage_id"] for h in answer["hits"]]
        wanted = {_pid(s, *target) for target in expected}
        assert wanted & set(ids), (source, [(h["passage_id"], h["text"][:80]) for h in answer["hits"]])
        assert all(h["document_id"] != source[0] for h in answer["hits"])
    _with_searcher(shared_data, check)


def test_the_taxonomy_agrees_the_neighbours_of_the_zuid_holland_zuid_passage_are_about_it(shared_data):
    """Beyond the pairs: of the five passages most like it, at least two are tagged with the verklarende analyse
    (8 % of all passages are; by chance one would expect none or one)."""
    def check(s):
        source = _pid(s, "uitvoeringsplan-zuid-holland-zuid", "gezamenlijke verklarende analyse van de problematiek")
        hits = similar.similar_passages(s, source, limit=5)["hits"]
        tagged = [h for h in hits if "verklarende-analyse" in s.passage(h["passage_id"])["thema"].split(",")]
        assert len(tagged) >= 2, [(h["passage_id"], h["text"][:80]) for h in hits]
    _with_searcher(shared_data, check)


def test_a_region_the_data_dirs_taxonomy_adds_is_left_out_too(own, tmp_path):
    data = DataDir(tmp_path / "data")
    shutil.copytree(own.root, data.root, symlinks=True)
    with index.searcher(index.open_index(data, create=False)) as s:
        text = _pid_text(s, "plan-b", "De begroting")
        assert "proeftuin" in dict(similar.key_terms(s, [text]))
        beheer.add(data, "regio", "Proeftuin Walcheren", "test")
        with taxonomie.using(data):
            assert "proeftuin" not in dict(similar.key_terms(s, [text]))  # a word of the new region's name
        assert "proeftuin" in dict(similar.key_terms(s, [text]))  # the package's taxonomy again
