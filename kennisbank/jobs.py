"""Background jobs for slow additions (OCR of scans) and for re-tagging after a taxonomy change (kennisbank.retag):
one JSON file per job in data/jobs/, surviving a restart.

States: wachtend -> bezig ("pagina 3 van 12") -> klaar | mislukt. The original is stored by hash first and
OCR'd pages are cached in data/cache/ocr/, so a job whose process died resumes where it stopped; the index
gets the document only when complete, in one commit (documents.add_bytes). The runner of a job holds
data/jobs/<id>.lock (flock): no two processes run one job, and a dead process's job is free at once.

For the web front end:
- ``submit(data, content, filename, overrides=None) -> str``: store the file, queue a job, return its id
  (that of an unfinished job for the same content and overrides when there is one).
- ``status(data, job_id) -> dict | None``: id, state, progress (Dutch text), done, total, filename, doc_id
  (the id the document will get while unfinished, its id when klaar, "" when mislukt), message (outcome or
  reason of refusal), created, updated; None for an unknown id.
- kennisbank.worker runs them in the background, once across the processes serving a data dir.
For the CLI: ``add_path`` (foreground; a job is made when OCR starts, so a killed ``add`` can be resumed),
``all_jobs`` and ``run_pending`` (``kennisbank jobs [--run]``).
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

from kennisbank import documents, taxonomie
from kennisbank.analysis import slugify
from kennisbank.config import DataDir
from kennisbank.documents import AddStatus
from kennisbank.gegevens import logboek
from kennisbank.store import EXTENSIONS, Store, sha256

log = logging.getLogger(__name__)



class JobState(StrEnum):
    """Where a job stands; the values are stored in the job files and shown to users."""

    WAITING = "wachtend"
    RUNNING = "bezig"
    DONE = "klaar"
    FAILED = "mislukt"


class JobTask(StrEnum):
    """What a job does; the values are stored in the job files."""

    ADD = "toevoegen"  # add one file, OCR'ing its scanned pages
    RETAG = "labels bijwerken"  # tag every stored passage again after a taxonomy change


RETAG_LABEL = "Labels bijwerken na een wijziging van de taxonomie"
UNFINISHED = (JobState.WAITING, JobState.RUNNING)
KEEP_DAYS = 14  # finished jobs older than this are removed
_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
wakeup = threading.Event()  # set by submit, so a Worker (kennisbank.worker) in this process starts at once

Progress = Callable[[int, int, str], None]
"""Called with (pages done, pages to OCR, file name) while a job runs OCR."""


@dataclass
class Job:
    """One file to add, with where it stands."""

    id: str
    filename: str
    sha256: str
    kind: str
    overrides: dict = field(default_factory=dict)
    state: str = JobState.WAITING  # a JobState
    done: int = 0
    total: int = 0
    doc_id: str = ""
    message: str = ""
    created: str = ""
    updated: str = ""
    task: str = JobTask.ADD  # a JobTask
    wie: str = ""  # who started it (logboek.who()); a redacteur sees only their own jobs

    @property
    def progress(self) -> str:
        """Where the job stands, in Dutch.

        >>> Job("x", "a.pdf", "0", "pdf", state="bezig", done=3, total=12).progress
        'pagina 3 van 12'
        >>> Job("x", "a.pdf", "0", "pdf").progress
        'wacht op zijn beurt'
        """
        if self.state == JobState.RUNNING and self.total:
            return f"{'document' if self.task == JobTask.RETAG else 'pagina'} {self.done} van {self.total}"
        return {JobState.WAITING: "wacht op zijn beurt", JobState.RUNNING: "bezig", JobState.DONE: "klaar",
                JobState.FAILED: "mislukt"}[self.state]

    def as_dict(self) -> dict:
        """The job as JSON-ready data, with its progress text."""
        return {**asdict(self), "progress": self.progress}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_id() -> str:
    """A job id that sorts by creation time."""
    return f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _save(data: DataDir, job: Job) -> None:
    """Write a job file atomically."""
    job.updated = _now()
    folder = data.jobs
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".tmp-{job.id}-{os.getpid()}-{threading.get_ident()}"
    tmp.write_text(json.dumps(asdict(job), ensure_ascii=False, indent=1), encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, folder / f"{job.id}.json")


def load(data: DataDir, job_id: str) -> Job | None:
    """The job with this id, or None."""
    path = data.jobs / f"{job_id}.json"
    if not _ID.match(job_id) or not path.exists():
        return None
    try:
        return Job(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        log.warning("onleesbaar jobbestand %s: %s", path.name, exc)
        return None


def all_jobs(data: DataDir) -> list[Job]:
    """All jobs, oldest first."""
    folder = data.jobs
    jobs = [load(data, p.stem) for p in sorted(folder.glob("*.json"))] if folder.exists() else []
    return [job for job in jobs if job is not None]


def status(data: DataDir, job_id: str) -> dict | None:
    """The state of one job as a dict (see the module docstring), or None for an unknown id."""
    job = load(data, job_id)
    return job.as_dict() if job else None


def _try_lock(data: DataDir, job_id: str) -> int | None:
    """Take the job's lock file (an open fd), or None when another process or thread holds it."""
    return try_flock(data.jobs / f"{job_id}.lock")


def try_flock(path: Path) -> int | None:
    """Take a lock file (an open fd; closing it releases the lock), or None when another process or thread holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _new_job(data: DataDir, content: bytes, filename: str, overrides: dict | None, state: str) -> Job:
    """Store the original first, then describe the job (not yet saved)."""
    from indexer.extract import detect_kind

    kind = detect_kind(content)
    Store(data.ensure()).put_original(content, kind)
    name, wanted = Path(filename).name[:200], {k: v for k, v in (overrides or {}).items() if v}
    return Job(_new_id(), name, sha256(content), kind, wanted, state, doc_id=expected_id(name, wanted),
               created=_now(), wie=logboek.who())


def expected_id(filename: str, overrides: dict | None = None) -> str:
    """The document id a file will get (as indexer.metadata.infer gives it), known before OCR.

    >>> expected_id("Factsheet Zeeland (scan).pdf"), expected_id("x.pdf", {"id": "plan-x"})
    ('factsheet-zeeland-scan', 'plan-x')
    """
    return (overrides or {}).get("id") or slugify(Path(filename).stem)


def submit(data: DataDir, content: bytes, filename: str, overrides: dict | None = None) -> str:
    """Store a file and queue a job that adds it (with OCR where needed); return the job id."""
    digest = sha256(content)
    wanted = {k: v for k, v in (overrides or {}).items() if v}
    for job in all_jobs(data):
        if job.state in UNFINISHED and job.sha256 == digest and job.overrides == wanted:
            return job.id
    job = _new_job(data, content, filename, overrides, JobState.WAITING)
    _save(data, job)
    logboek.write(data, "taak gestart", f"taak {job.id}: {job.filename}")
    wakeup.set()
    log.info("job %s: %s in de wachtrij", job.id, job.filename)
    return job.id


def submit_retag(data: DataDir) -> str:
    """Queue re-tagging every passage with the taxonomy in effect (kennisbank.retag); return the job id (that of
    an unfinished one when there is one: it tags with the taxonomy as it is when it runs)."""
    for job in all_jobs(data):
        if job.state in UNFINISHED and job.task == JobTask.RETAG:
            return job.id
    job = Job(_new_id(), RETAG_LABEL, "", "", created=_now(), task=JobTask.RETAG, wie=logboek.who())
    _save(data, job)
    logboek.write(data, "taak gestart", f"taak {job.id}: {RETAG_LABEL}")
    wakeup.set()
    log.info("job %s: labels bijwerken in de wachtrij", job.id)
    return job.id


def _retag(data: DataDir, job: Job, progress: Progress | None) -> documents.Outcome:
    """Run a re-tag job, keeping its progress up to date."""
    from kennisbank import retag

    def on_progress(done: int, total: int, doc_id: str) -> None:
        job.done, job.total = done, total
        _save(data, job)
        if progress:
            progress(done, total, doc_id)

    count, passages = retag.run(data, on_progress)
    outcome = documents.Outcome(job.filename, "bijgewerkt", f"{count} documenten",
                                f"{count} documenten, {passages} passages", passages)
    _finish(data, job, outcome)
    return outcome


def _original(data: DataDir, job: Job) -> Path:
    """Where the stored original of a job is."""
    return data.originals / f"{job.sha256}{EXTENSIONS.get(job.kind, '.bin')}"


def _finish(data: DataDir, job: Job, outcome: documents.Outcome) -> None:
    """Record the outcome; a refused file's original goes when no document uses it."""
    job.state = JobState.DONE if outcome.ok else JobState.FAILED
    job.doc_id = outcome.doc_id
    job.message = f"{outcome.status}: {outcome.message}" if outcome.ok else outcome.message
    _save(data, job)
    if not outcome.ok and job.sha256 and not Store(data).by_sha(job.sha256):
        _original(data, job).unlink(missing_ok=True)
    log.info("job %s: %s (%s)", job.id, job.state, job.message)


def _add(data: DataDir, content: bytes, filename: str, overrides: dict | None, job: Job | None,
         progress: Progress | None, timeout: float | None) -> documents.Outcome:
    """documents.add_bytes with OCR, keeping the job up to date; without a job one is made when OCR starts."""
    from indexer.ocr import OcrSettings

    held: list[int] = []  # the lock of a job made here, released when done

    def on_progress(done: int, total: int, page) -> None:
        nonlocal job
        if job is None:  # OCR starts: from now on a restart can resume this file
            job = _new_job(data, content, filename, overrides, JobState.RUNNING)
            fd = _try_lock(data, job.id)  # a fresh id: always free
            held.extend([fd] if fd is not None else [])
        job.state, job.done, job.total = JobState.RUNNING, done, total
        _save(data, job)
        if progress:
            progress(done, total, filename)

    try:
        outcome = documents.add_bytes(data, content, filename, overrides,
                                      ocr=OcrSettings(timeout=timeout, progress=on_progress))
        if job is not None:
            _finish(data, job, outcome)
        return outcome
    finally:
        for fd in held:
            os.close(fd)


def add_path(data: DataDir, path: Path, overrides: dict | None = None, progress: Progress | None = None,
             timeout: float | None = None) -> documents.Outcome:
    """Add one file in the foreground, OCR'ing pages without text; a job records it once OCR starts."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        return documents.Outcome(path.name, AddStatus.REFUSED, message=f"kan het bestand niet lezen ({exc.strerror})")
    return _add(data, content, path.name, overrides, None, progress, timeout)


@taxonomie.with_data_layer
def run_job(data: DataDir, job_id: str, progress: Progress | None = None,
            timeout: float | None = None) -> documents.Outcome | None:
    """Run one unfinished job to its end; None when it is finished, unknown or run by another process."""
    from kennisbank.index import BusyError

    fd = _try_lock(data, job_id) if _ID.match(job_id) else None
    if fd is None:
        return None
    try:
        job = load(data, job_id)
        if job is None or job.state not in UNFINISHED:
            return None
        job.state, job.message = JobState.RUNNING, ""
        _save(data, job)
        acting = logboek.door(job.wie or logboek.who())  # a worker thread acts for whoever started the job
        try:
            return _run(data, job, progress, timeout)
        except BusyError as exc:  # another writer holds the index for long: try again later
            job.state, job.message = JobState.WAITING, f"{exc}; wordt later opnieuw geprobeerd"
            _save(data, job)
            return None
        except Exception as exc:
            log.exception("job %s mislukt", job.id)
            outcome = documents.Outcome(job.filename, AddStatus.REFUSED, message=f"interne fout: {exc}")
            _finish(data, job, outcome)
            return outcome
        finally:
            logboek.einde(acting)
    finally:
        os.close(fd)


def _run(data: DataDir, job: Job, progress: Progress | None, timeout: float | None) -> documents.Outcome:
    """Do what the job does."""
    if job.task == JobTask.RETAG:
        return _retag(data, job, progress)
    try:
        content = _original(data, job).read_bytes()
    except OSError as exc:
        outcome = documents.Outcome(job.filename, AddStatus.REFUSED, message=f"origineel ontbreekt ({exc.strerror})")
        _finish(data, job, outcome)
        return outcome
    return _add(data, content, job.filename, job.overrides, job, progress, timeout)


@taxonomie.with_data_layer
def run_pending(data: DataDir, progress: Progress | None = None,
                timeout: float | None = None) -> list[documents.Outcome]:
    """Run every unfinished job that no other process is running, oldest first; return their outcomes.

    When the index's tags are older than the taxonomy (a layer file edited by hand) a re-tag job is queued first.
    """
    from kennisbank import index

    if index.exists(data) and not index.stale_rules(data) and index.stale_tags(data):
        submit_retag(data)
    outcomes = []
    for job in all_jobs(data):
        if job.state in UNFINISHED:
            outcome = run_job(data, job.id, progress, timeout)
            if outcome is not None:
                outcomes.append(outcome)
    if outcomes:
        prune(data)
    return outcomes


def prune(data: DataDir, days: int = KEEP_DAYS) -> int:
    """Remove finished jobs older than days (with their lock files) and OCR caches nothing uses; return the jobs."""
    cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    removed = 0
    in_use = {record.sha256 for record in Store(data).all()}
    for job in all_jobs(data):
        if job.state in UNFINISHED:
            in_use.add(job.sha256)
        elif job.updated < cutoff:
            (data.jobs / f"{job.id}.json").unlink(missing_ok=True)
            (data.jobs / f"{job.id}.lock").unlink(missing_ok=True)
            removed += 1
    cache = data.ocr_cache  # see documents.ocr_settings
    for path in cache.glob("*.json") if cache.exists() else []:
        if path.name.split("-")[0] not in in_use:
            path.unlink(missing_ok=True)
    return removed
