"""Store and index kept in step: add, present, replace, remove, reindex, check, and a busy data dir."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kennisbank import documents, index
from kennisbank.config import DataDir
from kennisbank.documents import AddStatus
from kennisbank.index.query import Term
from kennisbank.store import RecordStatus, Store, sha256

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

# Our own short documents (not from the shared corpus).
PLAN_V1 = """# Werkplan Zeeland

## Aanpak

De proeftuin tekent de klantreis van een gezin uit, van de eerste melding tot de afsluiting. Het lokale team
en de gecertificeerde instelling zitten samen met ouders aan tafel. Een pelikaanmodel helpt ons de stappen te
ordenen, zodat niemand zijn verhaal twee keer hoeft te doen.

## Monitoring

Elk kwartaal meten wij de wachttijd en hoe ouders de hulp ervaren. De uitkomsten gaan naar de stuurgroep.
"""
PLAN_V2 = PLAN_V1.replace("Een pelikaanmodel helpt", "Een flamingoschema helpt").replace(
    "Elk kwartaal", "Elke maand")
OTHER = """# Notitie Friesland

De ervaringsdeskundige denkt mee in het regionaal veiligheidsteam en helpt gezinnen hun eigen plan te maken.
"""


@pytest.fixture
def data(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


def _add(data: DataDir, text: str, filename: str = "werkplan.md", **overrides) -> documents.Outcome:
    return documents.add_bytes(data, text.encode("utf-8"), filename, overrides or None)


def _exact_hits(data: DataDir, word: str) -> list[str]:
    """Passage ids whose text has this folded word (straight from the index, no ranking)."""
    ix = index.open_index(data, create=False)
    with index.searcher(ix) as s:
        return sorted(h["pid"] for h in s.search(Term("exact", word), limit=None))


def _passages(data: DataDir) -> dict[str, tuple]:
    """pid -> everything stored about a passage."""
    ix = index.open_index(data, create=False)
    with index.searcher(ix) as s:
        return {d["pid"]: tuple(sorted(d.items())) for d in s.all_passages()}


def test_add_statuses_are_the_dutch_words_users_see():
    assert [s.value for s in AddStatus] == ["toegevoegd", "vervangen", "al aanwezig", "geweigerd"]
    assert f"{AddStatus.PRESENT}: x" == "al aanwezig: x"


def test_add_stores_original_and_record_and_indexes_passages(data):
    outcome = _add(data, PLAN_V1)
    assert (outcome.status, outcome.doc_id, outcome.ok) == (AddStatus.ADDED, "werkplan", True)
    record = Store(data).get("werkplan")
    assert record.status == RecordStatus.INDEXED and record.sha256 == sha256(PLAN_V1.encode())
    assert Store(data).read_original(record) == PLAN_V1.encode()
    assert record.passages == outcome.passages == len(_passages(data)) >= 2
    assert _exact_hits(data, "pelikaanmodel")
    assert documents.check(data) == []


def test_identical_content_again_is_a_no_op_that_says_so(data):
    first = _add(data, PLAN_V1)
    before_record = (data.records / "werkplan.json").read_bytes()
    before_index = sorted(p.name for p in data.index.iterdir())
    for filename in ("werkplan.md", "kopie-met-andere-naam.md"):
        again = _add(data, PLAN_V1, filename)
        assert (again.status, again.doc_id, again.passages) == (AddStatus.PRESENT, "werkplan", first.passages)
        assert again.status == "al aanwezig" and again.ok
    assert (data.records / "werkplan.json").read_bytes() == before_record
    assert sorted(p.name for p in data.index.iterdir()) == before_index  # no new commit
    assert [r.id for r in Store(data).all()] == ["werkplan"]


def test_same_content_with_new_metadata_updates_the_record(data):
    _add(data, PLAN_V1)
    outcome = _add(data, PLAN_V1, title="Werkplan Zeeland 2024", region="Zeeland")
    assert outcome.status == AddStatus.REPLACED
    record = Store(data).get("werkplan")
    assert (record.title, record.region) == ("Werkplan Zeeland 2024", "Zeeland")
    ix = index.open_index(data, create=False)
    with index.searcher(ix) as s:
        assert {d["title"] for d in s.all_passages()} == {"Werkplan Zeeland 2024"}


def test_new_version_with_the_same_id_replaces_the_old_one(data):
    old = Store(data)
    _add(data, PLAN_V1)
    old_record = old.get("werkplan")
    outcome = _add(data, PLAN_V2)
    assert (outcome.status, outcome.doc_id) == (AddStatus.REPLACED, "werkplan")
    new_record = Store(data).get("werkplan")
    assert new_record.sha256 == sha256(PLAN_V2.encode()) != old_record.sha256
    assert _exact_hits(data, "pelikaanmodel") == []  # old passages gone
    assert _exact_hits(data, "flamingoschema")
    assert not old.original_path(old_record).exists()  # old original removed: nothing uses it
    assert [p.name for p in data.originals.iterdir()] == [old.original_path(new_record).name]
    assert documents.check(data) == []


def test_replacing_keeps_an_original_that_another_document_uses(data):
    _add(data, PLAN_V1)
    twin = _add(data, PLAN_V1, id="werkplan-kopie", title="Kopie van het werkplan")
    assert twin.status == AddStatus.ADDED and twin.doc_id == "werkplan-kopie"
    _add(data, PLAN_V2)  # the first document gets a new version
    store = Store(data)
    assert store.original_path(store.get("werkplan-kopie")).exists()
    assert len(list(data.originals.iterdir())) == 2
    assert documents.check(data) == []


def test_remove_takes_the_document_out_of_store_and_index(data):
    _add(data, PLAN_V1)
    _add(data, OTHER, "notitie-friesland.md")
    record = documents.remove(data, "werkplan")
    assert record.id == "werkplan"
    assert Store(data).get("werkplan") is None
    assert not Store(data).original_path(record).exists()
    assert _exact_hits(data, "pelikaanmodel") == []
    assert set(index.indexed_documents(index.open_index(data))) == {"notitie-friesland"}
    assert documents.remove(data, "werkplan") is None
    assert documents.remove(data, "../notitie-friesland") is None
    assert documents.check(data) == []


def test_a_refused_file_leaves_store_and_index_unchanged(data):
    _add(data, OTHER, "notitie-friesland.md")
    before = sorted(str(p.relative_to(data.root)) for p in data.root.rglob("*"))
    for content, name in ((b"", "leeg.pdf"), (b"<html>geen pdf</html>", "nep.pdf"), (b"\x00\x01\x02" * 500, "x.txt")):
        outcome = documents.add_bytes(data, content, name)
        assert outcome.status == AddStatus.REFUSED and not outcome.ok and outcome.message
    assert sorted(str(p.relative_to(data.root)) for p in data.root.rglob("*")) == before


def test_reindex_rebuilds_the_same_passages_from_the_store_alone(data):
    pdf = SHARED / "pdf" / "plan-van-aanpak-toekomsttuin-centraal-gelderland.pdf"
    if not pdf.is_file():
        pytest.skip("het gedeelde corpus ontbreekt")
    meta = {"title": "Plan van aanpak (eigen titel)", "type": "projectplan", "region": "Centraal Gelderland",
            "date": "2022-02-25"}
    assert documents.add_path(data, pdf, meta).ok
    _add(data, PLAN_V1)
    _add(data, OTHER, "notitie-friesland.md")
    before = _passages(data)
    records = {r.id: r for r in Store(data).all()}
    index.open_index(data).close()
    data.index.unlink()  # the link and every generation: only the store is left
    for folder in data.generations():
        shutil.rmtree(folder)
    assert not index.exists(data)
    assert any("reindex" in p for p in documents.check(data))

    count, problems = documents.reindex(data)
    assert (count, problems) == (3, [])
    assert _passages(data) == before
    assert {r.id: r for r in Store(data).all()} == records
    assert documents.check(data) == []


def test_check_reports_every_kind_of_disagreement(data):
    _add(data, PLAN_V1)
    _add(data, OTHER, "notitie-friesland.md")
    assert documents.check(data) == []
    store = Store(data)

    index.delete_document(index.open_index(data), "notitie-friesland")  # a record without index passages
    problems = documents.check(data)
    assert problems == ["notitie-friesland: staat in de opslag maar niet in de index"]

    record = store.get("werkplan")
    record.status = RecordStatus.PENDING
    store.save(record)
    assert any(p.startswith("werkplan: toevoegen niet afgemaakt") for p in documents.check(data))

    store.original_path(record).unlink()
    assert any(p.startswith("werkplan: origineel ontbreekt") for p in documents.check(data))

    (data.records / "werkplan.json").unlink()  # passages in the index, no record
    assert "werkplan: staat in de index maar niet in de opslag" in documents.check(data)


def test_check_notices_an_index_built_under_other_analysis_rules(data):
    _add(data, PLAN_V1)
    assert documents.check(data) == []
    (data.index / index.RULES_FILE).write_text("0123456789ab\n", encoding="utf-8")
    problems = documents.check(data)
    assert len(problems) == 1 and "andere taalregels" in problems[0] and "reindex" in problems[0]
    assert documents.reindex(data)[1] == []
    assert documents.check(data) == []


def test_check_notices_a_wrong_passage_count_and_version(data):
    _add(data, PLAN_V1)
    store = Store(data)
    record = store.get("werkplan")
    record.passages += 1
    store.save(record)
    assert documents.check(data) == [f"werkplan: {record.passages - 1} passages in de index, "
                                     f"{record.passages} verwacht"]
    record.sha256 = "f" * 64
    record.passages -= 1
    store.save(record)
    assert "werkplan: de index heeft een andere versie dan de opslag" in documents.check(data)


def _hold(data: DataDir) -> subprocess.Popen:
    """Another process that holds the data dir's write lock until it is killed."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('vast', flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(data.write_lock)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "vast"
    return proc


def test_busy_data_dir_refuses_writes_and_changes_nothing(data, monkeypatch):
    _add(data, PLAN_V1)
    before = sorted(str(p.relative_to(data.root)) for p in data.root.rglob("*"))
    monkeypatch.setenv(index.LOCK_TIMEOUT_VAR, "0.3")
    holder = _hold(data)
    try:
        with pytest.raises(index.BusyError):
            documents.remove(data, "werkplan")
        with pytest.raises(index.BusyError):
            _add(data, PLAN_V2)
        with pytest.raises(index.BusyError):
            documents.reindex(data)
    finally:
        holder.kill()
        holder.wait()
    assert sorted(str(p.relative_to(data.root)) for p in data.root.rglob("*")) == before
    assert documents.check(data) == []
    assert documents.remove(data, "werkplan") is not None  # free again once the other process is gone
