"""Reading a document back: all its passages in reading order, with labels that say why they were given."""
from __future__ import annotations

from kennisbank import documents
from kennisbank.browse import document_passages
from kennisbank.config import DataDir
from kennisbank.store import Store


def test_a_document_comes_back_whole_and_in_order(shared_data):
    record = Store(shared_data).get("factsheet-proeftuinen")
    doc = document_passages(shared_data, "factsheet-proeftuinen")
    assert doc["id"] == record.id and doc["title"] == record.title and doc["sha256"] == record.sha256
    positions = [p["position"] for p in doc["passages"]]
    assert positions == list(range(record.passages))
    pages = [p["page"] for p in doc["passages"]]
    assert pages == sorted(pages) and 1 <= pages[0] and pages[-1] <= record.pages
    assert all(p["text"].strip() for p in doc["passages"])


def test_labels_name_what_made_them_match(shared_data):
    doc = document_passages(shared_data, "factsheet-proeftuinen")
    labelled = 0
    for p in doc["passages"]:
        assert set(p["labels"]) >= {"regio", "principe", "thema", "organisatie", "genoemd"}
        for kind in ("principe", "thema", "organisatie"):
            for label, tag in zip(p["labels"][kind], p["tags"][kind]):
                labelled += 1
                assert label == f"{tag['label']} (gevonden: {', '.join(repr(m) for m in tag['matched'][:3])})"
                where = " ".join(f"{p['text']} {p['section']}".split()).lower()
                assert tag["matched"] and all(" ".join(m.split()).lower() in where for m in tag["matched"]), label
    assert labelled > 50


def test_region_passages_of_the_factsheet_carry_their_region(shared_data):
    doc = document_passages(shared_data, "factsheet-proeftuinen")
    flevoland = [p for p in doc["passages"] if p["section"].startswith("Proeftuin Flevoland")]
    assert flevoland and all(p["labels"]["regio"] == ["Flevoland"] for p in flevoland)


def test_unknown_or_unsafe_ids_give_none(shared_data):
    assert document_passages(shared_data, "bestaat-niet") is None
    assert document_passages(shared_data, "../documents/factsheet-proeftuinen") is None


def test_a_data_dir_without_index_gives_none(tmp_path):
    assert document_passages(DataDir(tmp_path / "leeg"), "factsheet-proeftuinen") is None


def test_a_small_document_with_werkend_and_ocr_flags(tmp_path):
    data = DataDir(tmp_path / "data")
    text = ("# Verslag\n\nWat goed werkt is dat ouders zelf aan tafel zitten. Dit werkt goed omdat zij hun eigen "
            "verhaal vertellen, en de professional luistert voordat er een plan komt.\n")
    assert documents.add_bytes(data, text.encode(), "verslag.md").ok
    doc = document_passages(data, "verslag")
    assert len(doc["passages"]) == 1
    passage = doc["passages"][0]
    assert passage["ocr"] is False and passage["werkend"] is True
    assert passage["labels"]["werkend"][0].startswith("werkend element (gevonden: ")
    assert "wat goed werkt" in passage["labels"]["werkend"][0].lower()
