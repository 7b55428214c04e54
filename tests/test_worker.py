"""Tests for kennisbank.worker: the background thread that runs a data dir's jobs, once across processes."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from kennisbank import documents, jobs, worker
from kennisbank.config import DataDir

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
EMPTY_SCAN = CORPUS / "kapot" / "scan-zonder-tekst.pdf"
SMALL_TEXT = ("# Leerplan\n\nIn dit leerplan staat hoe de proeftuin elk half jaar met ouders, jongeren en "
              "professionals terugkijkt op wat werkte en wat niet, en welke afspraken het team daarna bijstelt.\n")

needs_tesseract = pytest.mark.tesseract  # skipped where OCR cannot run (conftest)


@needs_tesseract
def test_worker_resumes_at_start_up_and_reports_failures(tmp_path):
    data = DataDir(tmp_path / "data")
    good = jobs.submit(data, SMALL_TEXT.encode("utf-8"), "werkplan.md", {"region": "Zeeland"})
    bad = jobs.submit(data, EMPTY_SCAN.read_bytes(), EMPTY_SCAN.name)
    bad_original = data.originals / f"{jobs.status(data, bad)['sha256']}.pdf"
    assert bad_original.exists()
    runner = worker.Worker(data, poll=0.2)
    runner.start()  # started after the submissions: it must pick them up by itself
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and any(
                jobs.status(data, j)["state"] in jobs.UNFINISHED for j in (good, bad)):
            time.sleep(0.2)
    finally:
        runner.stop()
        runner.join(timeout=30)
    assert jobs.status(data, good)["state"] == "klaar" and jobs.status(data, good)["doc_id"] == "werkplan"
    assert documents.check(data) == []
    failed = jobs.status(data, bad)
    assert failed["state"] == "mislukt" and "ook OCR (Nederlands) vond geen leesbare tekst" in failed["message"]
    assert not bad_original.exists()  # a refused file leaves no original behind


def test_of_two_workers_of_a_data_dir_one_runs_the_jobs_and_the_other_takes_over(tmp_path):
    data = DataDir(tmp_path / "data")
    assert not worker.worker_active(data)
    first, second = worker.Worker(data, poll=0.1), worker.Worker(data, poll=0.1)
    first.start()
    try:
        _wait_until(lambda: first.runs_jobs)
        second.start()  # flock is per open file: a second Worker in one process stands by like one in another process
        time.sleep(0.5)  # several rounds of the standby Worker
        assert first.runs_jobs and not second.runs_jobs and worker.worker_active(data)
        first.stop()
        first.join(timeout=30)
        _wait_until(lambda: second.runs_jobs)
        job_id = jobs.submit(data, SMALL_TEXT.encode("utf-8"), "werkplan.md")
        _wait_until(lambda: jobs.status(data, job_id)["state"] not in jobs.UNFINISHED)
        assert jobs.status(data, job_id)["state"] == "klaar"
    finally:
        for runner in (first, second):
            runner.stop()
            runner.join(timeout=30)
    assert not worker.worker_active(data)  # the lock goes with the Worker that held it


def _wait_until(condition, seconds: float = 120) -> None:
    """Poll until condition() holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "niet binnen de tijd"
        time.sleep(0.05)
