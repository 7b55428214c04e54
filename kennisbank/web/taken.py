"""Taken: background jobs (OCR of uploaded scans) for the beheerder, their JSON status, and this process's Worker."""
from __future__ import annotations

import logging

from flask import Blueprint, Flask, abort, jsonify, render_template, request

from kennisbank import jobs, worker
from kennisbank.config import DataDir
from kennisbank.web import auth, common

log = logging.getLogger(__name__)
bp = Blueprint("taken", __name__)
REFRESH_SECONDS = 5  # the <meta http-equiv="refresh"> of pages that show unfinished work


def start_worker(app: Flask) -> None:
    """Run the data dir's jobs in a background thread when OCR_WORKER is on; one Worker per process and data dir, and
    of the Workers of several server processes only the one holding the data dir's worker lock runs jobs."""
    if app.config.get("OCR_WORKER"):
        shared = common.state(app)
        shared.worker = worker.start_worker(shared.data)


def worker_running() -> bool:
    """True when a Worker, in this process or another, runs the jobs of the app's data dir."""
    return worker.worker_active(common.data_dir())


def refresh_wanted() -> bool:
    """False when the reader switched the automatic refresh off (?verversen=uit)."""
    return request.args.get("verversen") != "uit"


@bp.get("/beheer/taken")
@auth.login_required
def overzicht():
    """All jobs, newest first, or one (?taak=<id>); the page refreshes itself while one is unfinished."""
    data, wanted = common.data_dir(), request.args.get("taak", "")
    if wanted:
        job = jobs.status(data, wanted)
        if job is None or not visible(job):
            abort(404, description=f"Er is geen taak met id '{wanted[:60]}'.")
        found, title = [job], f"Taak: {job['filename']}"
    else:
        found = [job for job in (j.as_dict() for j in reversed(jobs.all_jobs(data))) if visible(job)]
        title = "Taken" if auth.is_beheerder() else "Mijn taken"
    unfinished = any(job["state"] in jobs.UNFINISHED for job in found)
    return render_template("taken/taken.html", jobs=found, title=title, taak=wanted, unfinished=unfinished,
                           refresh=REFRESH_SECONDS if unfinished and refresh_wanted() else 0,
                           worker=worker_running())


@bp.get("/api/jobs/<job_id>")
def api_job(job_id: str):
    """The status of one job (see kennisbank.jobs.status); for whoever may see it (visible)."""
    if auth.current() is None:
        abort(401, description="Log eerst in.")
    job = jobs.status(common.data_dir(), job_id)
    if job is None or not visible(job):
        abort(404, description=f"geen taak met id '{job_id[:60]}'")
    return jsonify(job)


def visible(job: dict) -> bool:
    """A beheerder sees every job, a redacteur the jobs they started."""
    who = auth.current()
    return who is not None and (auth.is_beheerder() or job.get("wie") == who.naam)


def processing(data: DataDir, doc_id: str) -> dict | None:
    """The status of the newest unfinished job that will make this document, or None."""
    for job in reversed(jobs.all_jobs(data)):
        if job.task == jobs.JobTask.ADD and job.state in jobs.UNFINISHED and job.doc_id == doc_id:
            return job.as_dict()
    return None


def failure(data: DataDir, doc_id: str) -> str | None:
    """Why the newest job for this document id failed, when that is its newest job; else None."""
    for job in reversed(jobs.all_jobs(data)):
        if job.task == jobs.JobTask.ADD and (job.doc_id or jobs.expected_id(job.filename, job.overrides)) == doc_id:
            return job.message if job.state == jobs.JobState.FAILED else None
    return None


def processing_page(job: dict):
    """The page shown at /document/<id> while the document's job runs."""
    refresh = REFRESH_SECONDS if refresh_wanted() else 0
    return render_template("taken/verwerking.html", job=job, refresh=refresh)
