"""bulk.add_many: bulk loads with one commit per batch, the same outcomes and crash rules as add_bytes."""
from __future__ import annotations

import pytest

from kennisbank import bulk, documents, index
from kennisbank.config import DataDir
from kennisbank.documents import AddStatus
from kennisbank.search.engine import Engine
from kennisbank.store import RecordStatus, Store

REGIONS = ("Zeeland", "Flevoland", "Friesland", "Utrecht", "Amsterdam")
# Our own words (not from the shared documents), long enough for a few passages per document.
BODY = """Werkplan {region} nummer {n}

Aanpak van de klantreis

De proeftuin in {region} beschrijft in eigen woorden hoe gezinnen door de keten gaan en waar het beter kan.
Wij tekenen de klantreis van een gezin uit, van de eerste melding tot de afsluiting van de hulp, en kijken
waar het gezin te vaak opnieuw zijn verhaal moet doen. De professionals van het lokale team en de
gecertificeerde instelling bespreken samen met het gezin welke stappen nodig zijn. Het kenmerk van dit plan
is {token}. Wat goed werkt nemen wij mee naar de volgende fase, en wat niet werkt passen wij aan.

Monitoring

Per kwartaal meten wij hoe lang gezinnen wachten, hoeveel professionals betrokken zijn en hoe ouders de hulp
ervaren. De uitkomsten bespreken wij in de stuurgroep van de regio en met de ouders zelf, zodat de aanpak
steeds beter aansluit bij wat gezinnen nodig hebben en de lessen van {token} niet verloren gaan.
"""
TOKENS = ("kwartelnest", "berkenlaan", "zeilvlinder", "mosterdveld", "parelhoen", "lindeboom", "kievitsdal")


def plan(n: int, token: str | None = None) -> tuple[str, bytes, dict]:
    """One generated plan: (filename, bytes, overrides)."""
    region = REGIONS[n % len(REGIONS)]
    text = BODY.format(region=region, n=n, token=token or TOKENS[n])
    return f"plan-{n}.txt", text.encode("utf-8"), {"id": f"plan-{n}", "region": region}


def generation(data: DataDir) -> int:
    """The index's commit generation."""
    return index.open_index(data, create=False).ix.latest_generation()  # whoosh counts its commits


def hits(data: DataDir, text: str) -> list[str]:
    """Document ids of the hits for a query, each once."""
    engine = Engine(data)
    try:
        return sorted({h["document_id"] for h in engine.search(text, limit=20)["hits"]})
    finally:
        engine.close()


def test_commits_once_per_batch_and_finds_everything(tmp_path):
    data = DataDir(tmp_path / "data")
    seen = []
    outcomes = bulk.add_many(data, [plan(n) for n in range(5)], batch=2, progress=seen.append)
    assert [o.status for o in outcomes] == [AddStatus.ADDED] * 5
    assert [o.doc_id for o in seen] == [f"plan-{n}" for n in range(5)]
    assert all(o.passages > 0 and o.message for o in outcomes)
    assert generation(data) == 3  # created as generation 0, then 3 commits (2 + 2 + 1 documents)
    assert documents.check(data) == []
    assert all(r.status == RecordStatus.INDEXED for r in Store(data).all())
    assert hits(data, "mosterdveld") == ["plan-3"]


def test_a_rerun_adds_nothing_and_does_not_commit(tmp_path):
    data = DataDir(tmp_path / "data")
    bulk.add_many(data, [plan(n) for n in range(3)])
    before = generation(data)
    outcomes = bulk.add_many(data, [plan(n) for n in range(3)])
    assert [o.status for o in outcomes] == [AddStatus.PRESENT] * 3
    assert generation(data) == before


def test_same_id_twice_in_one_batch_keeps_the_second(tmp_path):
    data = DataDir(tmp_path / "data")
    first, second = plan(1), plan(1, token="zwaluwstaart")
    outcomes = bulk.add_many(data, [first, second, plan(2)], batch=10)
    assert [o.status for o in outcomes] == [AddStatus.ADDED, AddStatus.REPLACED, AddStatus.ADDED]
    assert hits(data, "zwaluwstaart") == ["plan-1"]
    assert hits(data, "berkenlaan") == []
    assert documents.check(data) == []


def test_identical_content_twice_is_present_once(tmp_path):
    data = DataDir(tmp_path / "data")
    outcomes = bulk.add_many(data, [plan(4), plan(4)], batch=10)
    assert [o.status for o in outcomes] == [AddStatus.ADDED, AddStatus.PRESENT]
    assert len(Store(data).all()) == 1


def test_a_refused_file_does_not_stop_the_others(tmp_path):
    data = DataDir(tmp_path / "data")
    outcomes = bulk.add_many(data, [plan(0), ("leeg.txt", b"", None), plan(1)], batch=10)
    assert [o.status for o in outcomes] == [AddStatus.ADDED, AddStatus.REFUSED, AddStatus.ADDED]
    assert outcomes[1].message
    assert documents.check(data) == []


def test_a_failing_batch_is_taken_back_and_a_rerun_finishes(tmp_path):
    data = DataDir(tmp_path / "data")
    bulk.add_many(data, [plan(0)])
    bad = ("slecht.txt", plan(6)[1], {"id": "Ongeldig Id!"})  # store.save refuses the id inside the batch
    with pytest.raises(ValueError):
        bulk.add_many(data, [plan(1), bad, plan(2)], batch=10)
    assert documents.check(data) == []  # plan-1's record and original are gone again, plan-0 untouched
    assert [r.id for r in Store(data).all()] == ["plan-0"]
    assert len(list(data.originals.iterdir())) == 1
    assert hits(data, "berkenlaan") == []
    outcomes = bulk.add_many(data, [plan(1), plan(2)], batch=10)
    assert [o.status for o in outcomes] == [AddStatus.ADDED, AddStatus.ADDED]
    assert documents.check(data) == []
    assert hits(data, "berkenlaan") == ["plan-1"]


def test_worker_processes_give_the_same_outcomes(tmp_path):
    files = [plan(n) for n in range(4)]
    one = bulk.add_many(DataDir(tmp_path / "een"), files, batch=3)
    two = bulk.add_many(DataDir(tmp_path / "twee"), files, batch=3, workers=2)
    assert [(o.status, o.doc_id, o.passages) for o in one] == [(o.status, o.doc_id, o.passages) for o in two]
    assert hits(DataDir(tmp_path / "twee"), "mosterdveld") == ["plan-3"]
