"""Nieuw: documents by date added, newest first, filtered as a search filters, with their main vraagstukken."""
from __future__ import annotations

import pytest

from kennisbank import documents
from kennisbank.config import DataDir
from kennisbank.nieuw import nieuwste
from kennisbank.search.engine import Engine
from kennisbank.store import RecordStatus, Store

# Our own texts: three small plans of three regions and types, each with a vraagstuk the taxonomy knows.
PLANS = {
    "werkplan-zeeland": ("Zeeland", "projectplan", "2024-02-01T09:00:00+00:00",
                         "Werkplan Zeeland\n\nDe klantreis\n\nWij tekenen de klantreis van een gezin uit, van de "
                         "eerste melding tot de afsluiting. De klantreis laat zien waar ouders hun verhaal opnieuw "
                         "moeten doen. Het lokale team en de gecertificeerde instelling bespreken de klantreis elk "
                         "kwartaal en passen de aanpak aan waar gezinnen te lang wachten op hulp en steun.\n"),
    "factsheet-friesland": ("Friesland", "factsheet", "2024-05-01T09:00:00+00:00",
                            "Factsheet Friesland\n\nComplexe scheidingen\n\nBij complexe scheidingen werken de "
                            "professionals met beide ouders aan afspraken over de kinderen. Een vaste "
                            "gezinsadvocaat helpt ouders in een complexe scheiding, zodat de rechter minder vaak "
                            "hoeft te beslissen en de kinderen rust krijgen in de periode na de scheiding.\n"),
    "plan-flevoland": ("Flevoland", "projectplan", "2024-03-01T09:00:00+00:00",
                       "Plan Flevoland\n\nDe klantreis\n\nDe proeftuin volgt de klantreis van twintig gezinnen en "
                       "schrijft op hoe lang zij wachten. Ook bij complexe scheidingen kijken wij naar de klantreis "
                       "van de kinderen, en bespreken wij met het lokale team wat beter kan in de keten van "
                       "melding tot afsluiting van de hulp aan gezinnen.\n"),
}


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("nieuw") / "data").ensure()
    store = Store(data)
    for doc_id, (region, doc_type, added, text) in PLANS.items():
        outcome = documents.add_bytes(data, text.encode("utf-8"), f"{doc_id}.txt",
                                      {"id": doc_id, "region": region, "type": doc_type})
        assert outcome.ok, outcome.message
        record = store.get(doc_id)
        record.added = added  # as if added on that day
        store.save(record)
    return data


def _ids(answer: dict) -> list[str]:
    return [d["id"] for d in answer["documents"]]


def test_newest_added_first_with_metadata_and_main_vraagstukken(plans):
    answer = nieuwste(Engine(plans))
    assert answer["total"] == 3 and _ids(answer) == ["factsheet-friesland", "plan-flevoland", "werkplan-zeeland"]
    friesland = answer["documents"][0]
    assert (friesland["type"], friesland["region"], friesland["added"]) == \
        ("factsheet", "Friesland", "2024-05-01T09:00:00+00:00")
    assert [v["id"] for v in friesland["vraagstukken"]][:1] == ["complexe-scheidingen"]
    assert friesland["vraagstukken"][0]["label"] == "Aanpak complexe scheidingen"  # the label, not the id
    flevoland = {v["id"] for v in answer["documents"][1]["vraagstukken"]}
    assert {"klantreis", "complexe-scheidingen"} <= flevoland


@pytest.mark.parametrize("filters, expected", [
    ({"regio": ["Zeeland"]}, ["werkplan-zeeland"]),
    ({"thema": ["complexe-scheidingen"]}, ["factsheet-friesland", "plan-flevoland"]),
    ({"thema": ["Klantreis"]}, ["plan-flevoland", "werkplan-zeeland"]),  # a label works as on the search page
    ({"type": ["projectplan"], "thema": ["complexe-scheidingen"]}, ["plan-flevoland"]),
    ({"regio": ["Zeeland", "Friesland"]}, ["factsheet-friesland", "werkplan-zeeland"]),
])
def test_filters_list_documents_with_a_passage_that_passes_them(plans, filters, expected):
    assert _ids(nieuwste(Engine(plans), filters)) == expected


def test_facets_count_documents_per_value(plans):
    facets = nieuwste(Engine(plans))["facets"]
    assert facets["type"] == {"projectplan": 2, "factsheet": 1}
    assert facets["thema"]["klantreis"] == 2 and facets["regio"]["Zeeland"] == 1


def test_unknown_values_are_noted_and_match_nothing(plans):
    answer = nieuwste(Engine(plans), {"regio": ["Atlantis"]})
    assert answer["total"] == 0 and answer["notes"] == ["onbekende regio 'Atlantis'"]


def test_offset_and_limit_page_through_the_list(plans):
    engine = Engine(plans)
    assert _ids(nieuwste(engine, offset=1, limit=1)) == ["plan-flevoland"]
    assert nieuwste(engine, offset=1, limit=1)["total"] == 3


def test_a_pending_document_is_not_new_yet(plans, tmp_path):
    import shutil

    data = DataDir(tmp_path / "kopie")
    shutil.copytree(plans.root, data.root)
    store = Store(data)
    record = store.get("factsheet-friesland")
    record.status = RecordStatus.PENDING
    store.save(record)
    assert "factsheet-friesland" not in _ids(nieuwste(Engine(data)))


def test_an_empty_data_dir_lists_nothing(tmp_path):
    answer = nieuwste(Engine(DataDir(tmp_path / "leeg")))
    assert answer["total"] == 0 and answer["documents"] == [] and not (tmp_path / "leeg").exists()
