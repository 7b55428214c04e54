"""Tests for kennisbank.jobs: the job queue under the data dir, running jobs, and a restart during OCR."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kennisbank import documents, index, jobs
from kennisbank.config import DataDir

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SCAN = CORPUS / "scan" / "factsheet-zeeland-gescand.pdf"
EMPTY_SCAN = CORPUS / "kapot" / "scan-zonder-tekst.pdf"
CLI = [sys.executable, "-m", "kennisbank.cli"]
SMALL_TEXT = ("# Werkplan\n\nDit werkplan beschrijft in eigen woorden hoe het lokale team en het veiligheidsteam "
              "samen met gezinnen werken, welke stappen zij zetten en hoe zij per kwartaal leren van de ervaringen "
              "van ouders en jongeren in de regio.\n")


needs_tesseract = pytest.mark.tesseract  # skipped where OCR cannot run (conftest)


def job_files(data: DataDir) -> list[dict]:
    """The raw JSON of every job file."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(data.jobs.glob("*.json"))]


def passages_of(data: DataDir, doc_id: str) -> int:
    """How many passages of a document the index holds."""
    return index.indexed_documents(index.open_index(data)).get(doc_id, ("", 0))[1]


def test_submit_stores_original_first_and_queues(tmp_path):
    data = DataDir(tmp_path / "data")
    content = SCAN.read_bytes()
    job_id = jobs.submit(data, content, "map/scan.pdf", {"region": "Zeeland", "title": ""})
    found = jobs.status(data, job_id)
    assert found["state"] == "wachtend" and found["progress"] == "wacht op zijn beurt"
    assert found["filename"] == "scan.pdf" and found["overrides"] == {"region": "Zeeland"}
    assert (data.originals / f"{found['sha256']}.pdf").read_bytes() == content
    assert jobs.submit(data, content, "scan.pdf", {"region": "Zeeland"}) == job_id  # same file: same job
    assert [j["id"] for j in job_files(data)] == [job_id]
    assert not index.exists(data)  # nothing reaches the index before the job ran


def test_states_are_stored_and_shown_as_their_dutch_values(tmp_path):
    assert [s.value for s in jobs.JobState] == ["wachtend", "bezig", "klaar", "mislukt"]
    data = DataDir(tmp_path / "data")
    job_id = jobs.submit(data, SCAN.read_bytes(), "scan.pdf")
    assert '"state": "wachtend"' in (data.jobs / f"{job_id}.json").read_text(encoding="utf-8")
    assert json.dumps(jobs.status(data, job_id)["state"]) == '"wachtend"'


def test_status_of_unknown_or_malformed_ids(tmp_path):
    data = DataDir(tmp_path / "data")
    assert jobs.status(data, "20240101-000000-abcdef") is None
    assert jobs.status(data, "../documents/x") is None
    assert jobs.run_job(data, "../x") is None and not (data.root / "x.lock").exists()


@needs_tesseract
def test_run_job_shows_page_progress_and_adds_in_one_go(tmp_path):
    data = DataDir(tmp_path / "data")
    job_id = jobs.submit(data, SCAN.read_bytes(), SCAN.name)
    seen = []

    def progress(done: int, total: int, filename: str) -> None:
        state = jobs.status(data, job_id)
        seen.append((state["state"], state["progress"]))
        assert passages_of(data, "factsheet-zeeland-gescand") == 0  # not in the index during OCR

    outcome = jobs.run_job(data, job_id, progress)
    assert outcome.ok and outcome.doc_id == "factsheet-zeeland-gescand"
    assert seen[0] == ("bezig", "pagina 0 van 2") and seen[-1] == ("bezig", "pagina 2 van 2")
    final = jobs.status(data, job_id)
    assert final["state"] == "klaar" and final["doc_id"] == outcome.doc_id
    assert passages_of(data, outcome.doc_id) == outcome.passages > 0
    assert jobs.run_job(data, job_id) is None  # a finished job is not run again


@needs_tesseract
def test_restart_during_ocr_resumes_and_adds_exactly_once(tmp_path):
    data = DataDir(tmp_path / "data")
    env = dict(os.environ, KENNISBANK_DATA=str(data.root))
    child = subprocess.Popen([*CLI, "add", str(SCAN)], cwd=ROOT, env=env, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(j["state"] == "bezig" for j in job_files(data)):
            assert child.poll() is None, "kennisbank add stopte voordat OCR begon"
            time.sleep(0.02)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the CLI and its tesseract processes, like a power cut
        child.wait()
    [job] = job_files(data)
    assert job["state"] == "bezig" and job["done"] < job["total"] == 2
    assert not index.exists(data) or passages_of(data, "factsheet-zeeland-gescand") == 0

    listed = subprocess.run([*CLI, "jobs"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert f"{job['id']}  bezig" in listed.stdout and "factsheet-zeeland-gescand.pdf" in listed.stdout
    done = subprocess.run([*CLI, "jobs", "--run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "toegevoegd: factsheet-zeeland-gescand.pdf -> factsheet-zeeland-gescand" in done.stdout
    assert jobs.status(data, job["id"])["state"] == "klaar"
    assert documents.check(data) == []
    searched = subprocess.run([*CLI, "search", "onderzoeksformat", "--json"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    hits = json.loads(searched.stdout)["hits"]
    positions = [h["position"] for h in hits if h["document_id"] == "factsheet-zeeland-gescand"]
    assert positions and len(positions) == len(set(positions))  # found, and every passage once
    again = subprocess.run([*CLI, "jobs", "--run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "geen onafgemaakte jobs" in again.stdout


def test_prune_removes_old_finished_jobs_and_unused_ocr_caches(tmp_path):
    data = DataDir(tmp_path / "data")
    old = jobs.submit(data, b"# Kop\n\nEen klein document.", "oud.md")
    new = jobs.submit(data, b"# Kop\n\nNog een klein document.", "nieuw.md")
    path = data.jobs / f"{old}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw.update(state="klaar", updated="2000-01-01T00:00:00+00:00")
    path.write_text(json.dumps(raw), encoding="utf-8")
    cache = data.ocr_cache
    cache.mkdir(parents=True)
    kept = cache / f"{jobs.status(data, new)['sha256']}-nld.json"
    unused = cache / f"{'0' * 64}-nld.json"
    for file in (kept, unused):
        file.write_text('{"pages": {}}', encoding="utf-8")
    assert jobs.prune(data) == 1
    assert jobs.status(data, old) is None and jobs.status(data, new)["state"] == "wachtend"
    assert kept.exists() and not unused.exists()


def test_a_retag_job_is_queued_once_shows_documents_and_is_run_by_run_pending(small_data):
    from kennisbank import index

    first = jobs.submit_retag(small_data)
    assert jobs.submit_retag(small_data) == first  # an unfinished one is reused
    job = jobs.load(small_data, first)
    assert job.task == jobs.JobTask.RETAG and job.progress == "wacht op zijn beurt"
    assert jobs.Job("x", "", "", "", state="bezig", done=1, total=3, task=jobs.JobTask.RETAG).progress == \
        "document 1 van 3"
    [outcome] = jobs.run_pending(small_data)
    assert (outcome.status, outcome.doc_id) == ("bijgewerkt", "1 documenten")
    assert jobs.load(small_data, first).state == jobs.JobState.DONE
    small_data.taxonomie.mkdir()
    (small_data.taxonomie / "regios.toml").write_text('verwijderd = ["friesland"]\n', encoding="utf-8")
    assert index.stale_tags(small_data)  # a layer edited by hand: run_pending queues the re-tag itself
    [outcome] = jobs.run_pending(small_data)
    assert outcome.status == "bijgewerkt" and index.stale_tags(small_data) is None


def test_a_job_run_by_the_worker_is_logged_as_who_started_it(tmp_path):
    """The web worker runs queued jobs in its own thread, where nobody is logged in: the logboek still names the
    person who submitted the document, not 'systeem'."""
    import threading

    from kennisbank.gegevens import logboek

    data = DataDir(tmp_path / "data")
    acting = logboek.door("anouk", "127.0.0.1")
    try:
        job_id = jobs.submit(data, SMALL_TEXT.encode(), "werkplan.md")
    finally:
        logboek.einde(acting)
    worker = threading.Thread(target=jobs.run_job, args=(data, job_id))
    worker.start()
    worker.join()
    assert jobs.status(data, job_id)["state"] == "klaar"
    added = [e for e in logboek.read(data) if e.actie == "document toegevoegd"]
    assert [e.wie for e in added] == ["anouk"]
