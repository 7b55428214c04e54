"""OCR of uploaded scans in the web app: queued at once, read by the jobs Worker, progress and status pages."""
from __future__ import annotations

import re
import threading
import time
from io import BytesIO
from pathlib import Path

import pytest

from indexer import ocr
from kennisbank import index, jobs
from kennisbank.config import DataDir
from kennisbank.store import Store
from kennisbank.web.common import state

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SCAN = CORPUS / "scan" / "factsheet-zeeland-gescand.pdf"
EMPTY_SCAN = CORPUS / "kapot" / "scan-zonder-tekst.pdf"
SCAN_ID = "factsheet-zeeland-gescand"
REFRESH = '<meta http-equiv="refresh" content="5">'


needs_tesseract = pytest.mark.tesseract  # skipped where OCR cannot run (conftest)
needs_scans = pytest.mark.skipif(not SCAN.exists() or not EMPTY_SCAN.exists(), reason="gescande PDF's ontbreken")


def _upload(client, csrf_token, path: Path, **fields):
    token = csrf_token(client, "/beheer/toevoegen")
    return client.post("/beheer/toevoegen", content_type="multipart/form-data", data={
        "csrf_token": token, **fields, "bestanden": [(BytesIO(path.read_bytes()), path.name)]})


def _statuses(page: str) -> list[str]:
    return re.findall(r'<span class="status-(?:ok|fout)">([^<]+)</span>', page)


def _job_link(page: str) -> str:
    """The job id in the upload result's link to its status page."""
    found = re.search(r'href="/beheer/taken\?taak=([0-9a-f-]+)"', page)
    assert found, page[-2000:]
    return found.group(1)


@needs_tesseract
def test_scan_upload_returns_at_once_and_the_job_makes_it_searchable(small_client, small_data, login, csrf_token):
    login(small_client)
    started = time.perf_counter()
    answer = _upload(small_client, csrf_token, SCAN, region="Zeeland")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and _statuses(page) == ["wordt verwerkt (OCR)"]
    assert time.perf_counter() - started < 20  # no OCR in the request
    job_id = _job_link(page)
    assert f'href="/document/{SCAN_ID}"' in page
    assert SCAN_ID not in index.indexed_documents(index.open_index(small_data))

    status = small_client.get(f"/api/jobs/{job_id}").json
    assert status["state"] == "wachtend" and status["doc_id"] == SCAN_ID and status["filename"] == SCAN.name
    waiting = small_client.get(f"/document/{SCAN_ID}").get_data(as_text=True)
    assert "Wordt verwerkt: wacht op zijn beurt (tekst via OCR)" in waiting and REFRESH in waiting
    assert REFRESH not in small_client.get(f"/document/{SCAN_ID}?verversen=uit").get_data(as_text=True)
    overview = small_client.get("/beheer/taken").get_data(as_text=True)
    assert f'id="taak-{job_id}"' in overview and "wachtend" in overview and REFRESH in overview
    assert 'id="geen-verwerker"' in overview  # the test app runs no Worker: the page says how to finish jobs

    seen: list[str] = []

    def progress(done: int, total: int, filename: str) -> None:
        doc_page = small_client.get(f"/document/{SCAN_ID}").get_data(as_text=True)
        seen.append(re.search(r"Wordt verwerkt: [^<]*", doc_page).group(0))
        assert small_client.get(f"/api/jobs/{job_id}").json["total"] == total

    outcomes = jobs.run_pending(small_data, progress)
    assert [o.doc_id for o in outcomes] == [SCAN_ID] and outcomes[0].ok
    assert "Wordt verwerkt: pagina 1 van 2 (tekst via OCR)" in seen, seen

    doc = small_client.get(f"/document/{SCAN_ID}")
    html = doc.get_data(as_text=True)
    assert doc.status_code == 200 and "tekst via OCR herkend" in html and REFRESH not in html
    assert Store(small_data).get(SCAN_ID).region == "Zeeland"
    found = small_client.get("/api/search?q=onderzoeksformat").json
    hits = [h for h in found["hits"] if h["document_id"] == SCAN_ID]
    assert hits and hits[0]["page"] == 1 and hits[0]["ocr"] is True, found
    assert "tekst via OCR herkend" in small_client.get("/?q=onderzoeksformat").get_data(as_text=True)
    done = small_client.get(f"/api/jobs/{job_id}").json
    assert done["state"] == "klaar" and done["doc_id"] == SCAN_ID and done["message"].startswith("toegevoegd")
    finished = small_client.get(f"/beheer/taken?taak={job_id}").get_data(as_text=True)
    assert "klaar" in finished and REFRESH not in finished


@needs_scans
def test_job_status_is_for_the_beheerder_only(small_client, small_data, login):
    job_id = jobs.submit(small_data, SCAN.read_bytes(), SCAN.name)
    anonymous = small_client.get(f"/api/jobs/{job_id}")
    assert anonymous.status_code == 401 and anonymous.json["status"] == 401
    for url in ("/beheer/taken", f"/beheer/taken?taak={job_id}"):
        refused = small_client.get(url)
        assert refused.status_code == 302 and "/beheer/inloggen" in refused.headers["Location"]
    # the public document page shows only the progress, not the job
    public = small_client.get(f"/document/{SCAN_ID}").get_data(as_text=True)
    assert "Wordt verwerkt" in public and job_id not in public and SCAN.name not in public

    login(small_client)
    assert 'href="/beheer/taken"' in small_client.get("/beheer").get_data(as_text=True)
    answer = small_client.get(f"/api/jobs/{job_id}")
    spec = small_client.get("/api/openapi.json").json
    documented = spec["components"]["schemas"]["Job"]
    assert answer.status_code == 200 and set(answer.json) == set(documented["required"])
    assert spec["paths"]["/api/jobs/{id}"]["get"]["security"] == [{"sessie": []}]
    for unknown in ("20240101-000000-abcdef", "..%2Fdocuments"):
        missing = small_client.get(f"/api/jobs/{unknown}")
        assert missing.status_code == 404 and "error" in missing.json
    assert small_client.get("/beheer/taken?taak=20240101-000000-abcdef").status_code == 404


@needs_scans
def test_without_tesseract_a_scan_is_refused_with_the_cli_message(small_client, small_data, login, csrf_token,
                                                                   monkeypatch, tmp_path):
    monkeypatch.setenv("KENNISBANK_TESSERACT", str(tmp_path / "geen-tesseract"))
    cli_outcome = jobs.add_path(DataDir(tmp_path / "cli"), SCAN)
    assert not cli_outcome.ok and cli_outcome.message.startswith(ocr.UNAVAILABLE)
    login(small_client)
    answer = _upload(small_client, csrf_token, SCAN)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and _statuses(page) == ["geweigerd"]
    assert f"<td>{cli_outcome.message}</td>" in page
    assert jobs.all_jobs(small_data) == [] and Store(small_data).get(SCAN_ID) is None
    preview = _upload(small_client, csrf_token, SCAN, actie="controleren").get_data(as_text=True)
    assert f"Dit bestand wordt geweigerd: {cli_outcome.message}" in preview


@needs_tesseract
def test_check_first_of_a_scan_explains_ocr_then_queues_it(small_client, small_data, login, csrf_token):
    login(small_client)
    preview = _upload(small_client, csrf_token, SCAN, actie="controleren").get_data(as_text=True)
    assert "Gescande PDF" in preview and "wordt geweigerd" not in preview and f"<code>{SCAN_ID}</code>" in preview
    staged = re.search(r'name="token" value="([0-9a-f]{32})"', preview).group(1)
    confirm = small_client.post("/beheer/toevoegen/bevestigen", data={
        "csrf_token": csrf_token(small_client, "/beheer/toevoegen"), "token": staged, "type-0": "factsheet"})
    assert confirm.status_code == 200 and _statuses(confirm.get_data(as_text=True)) == ["wordt verwerkt (OCR)"]
    [job] = jobs.all_jobs(small_data)
    assert job.overrides == {"type": "factsheet"} and job.state == jobs.JobState.WAITING


@needs_tesseract
def test_worker_runs_once_per_process_and_a_scan_without_text_fails_with_the_reason(make_app, small_data, login,
                                                                                   csrf_token, tmp_path):
    first = make_app(small_data, OCR_WORKER=True)
    before = sum(t.name == "kennisbank-jobs" for t in threading.enumerate())
    second = make_app(small_data, OCR_WORKER=True)
    worker = state(first).worker
    try:
        assert state(second).worker is worker and worker.is_alive()
        assert sum(t.name == "kennisbank-jobs" for t in threading.enumerate()) == before
        client = login(second.test_client())
        answer = _upload(client, csrf_token, EMPTY_SCAN)
        assert answer.status_code == 200 and _statuses(answer.get_data(as_text=True)) == ["wordt verwerkt (OCR)"]
        job_id = _job_link(answer.get_data(as_text=True))
        deadline = time.monotonic() + 120
        while client.get(f"/api/jobs/{job_id}").json["state"] in jobs.UNFINISHED and time.monotonic() < deadline:
            time.sleep(0.2)
        status = client.get(f"/api/jobs/{job_id}").json
    finally:
        worker.stop()
        worker.join(timeout=60)
    cli_outcome = jobs.add_path(DataDir(tmp_path / "cli"), EMPTY_SCAN)
    assert status["state"] == "mislukt" and status["message"] == cli_outcome.message and not cli_outcome.ok
    assert status["message"].startswith("geen tekst gevonden")
    page = client.get(f"/beheer/taken?taak={job_id}").get_data(as_text=True)
    assert "mislukt" in page and status["message"] in page and REFRESH not in page
    gone = client.get("/document/scan-zonder-tekst")
    assert gone.status_code == 404 and status["message"] in gone.get_data(as_text=True)
    anonymous = second.test_client().get("/document/scan-zonder-tekst")
    assert anonymous.status_code == 404 and status["message"] not in anonymous.get_data(as_text=True)
    assert Store(small_data).get("scan-zonder-tekst") is None


def test_apps_without_ocr_worker_start_none(make_app, small_data):
    app = make_app(small_data)
    assert app.config["OCR_WORKER"] is False and state(app).worker is None


@needs_scans
def test_scan_pages_counts_pages_that_need_ocr(tmp_path):
    from pypdf import PdfReader, PdfWriter

    from kennisbank.web.uploads import scan_pages

    text_pdf = sorted((CORPUS / "pdf").glob("*.pdf"))[0].read_bytes()
    writer = PdfWriter()
    for content in (text_pdf, SCAN.read_bytes()):
        writer.add_page(PdfReader(BytesIO(content)).pages[0])
    mixed = BytesIO()
    writer.write(mixed)
    assert scan_pages(SCAN.read_bytes()) == 2 and scan_pages(EMPTY_SCAN.read_bytes()) == 1
    assert scan_pages(mixed.getvalue()) == 1  # only the scanned page of a mixed document
    assert scan_pages(text_pdf) == 0 and scan_pages(b"# Plan\n\nTekst.") == 0
    assert scan_pages((CORPUS / "kapot" / "afgebroken.pdf").read_bytes()) == 0
