"""The background thread that runs a data dir's jobs (kennisbank.jobs), once across all processes serving it.

``start_worker(data)`` starts one Worker per process and data dir; it resumes unfinished jobs at start-up, then
runs new ones (at once if submitted in this process, else within ``poll`` s). Of the Workers of all processes
serving one data dir only the one holding data/jobs/worker.lock runs jobs (``worker_active(data)`` says whether
one does); the others stand by and one takes over when that process ends (the kernel frees a dead process's lock).
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path

from kennisbank import jobs
from kennisbank.config import DataDir

log = logging.getLogger(__name__)

_workers: dict[Path, "Worker"] = {}
_workers_lock = threading.Lock()


def worker_active(data: DataDir) -> bool:
    """True when a Worker, in this process or another, runs the jobs of this data dir (it holds the worker lock)."""
    try:
        fd = os.open(data.job_worker_lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # released at once by the close below
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


class Worker(threading.Thread):
    """Runs the data dir's jobs in the background: unfinished ones at start-up, then new ones as they come.

    Only the Worker that holds the data dir's worker lock runs jobs, so several server processes run them once; the
    others wait on standby and one takes over within `poll` seconds when the process that ran them ends.
    """

    def __init__(self, data: DataDir, poll: float = 2.0, timeout: float | None = None):
        super().__init__(name="kennisbank-jobs", daemon=True)
        self.data, self.poll, self.timeout = data, poll, timeout
        self._halt = threading.Event()
        self._lock: int | None = None  # the worker lock's fd while this Worker runs the jobs

    @property
    def runs_jobs(self) -> bool:
        """True while this Worker holds the data dir's worker lock (it, not a Worker elsewhere, runs the jobs)."""
        return self._lock is not None

    def run(self) -> None:
        """Run pending jobs until stopped, while holding the worker lock; until then, try to take it every poll."""
        try:
            while not self._halt.is_set():
                if self._lock is None and (fd := jobs.try_flock(self.data.job_worker_lock)) is not None:
                    self._lock = fd
                    log.info("jobs: dit proces (pid %d) voert de taken van %s uit", os.getpid(), self.data.root)
                    self._prune()
                jobs.wakeup.clear()
                if self._lock is not None:
                    self._round()
                jobs.wakeup.wait(self.poll)
        finally:
            if self._lock is not None:
                os.close(self._lock)
                self._lock = None

    def _prune(self) -> None:
        """Remove old jobs once, when this Worker starts to run them."""
        try:
            jobs.prune(self.data)
        except OSError as exc:
            log.warning("jobs: opruimen mislukt: %s", exc)

    def _round(self) -> None:
        """Run what is pending; a broken job file or a full disk must not end the thread."""
        try:
            jobs.run_pending(self.data, timeout=self.timeout)
        except Exception:
            log.exception("jobs: ronde mislukt")

    def stop(self) -> None:
        """Ask the thread to end after the current job."""
        self._halt.set()
        jobs.wakeup.set()


def start_worker(data: DataDir, poll: float = 2.0) -> Worker:
    """Start the Worker of this data dir in this process, once; return it."""
    with _workers_lock:
        worker = _workers.get(data.root)
        if worker is None or not worker.is_alive():
            worker = _workers[data.root] = Worker(data, poll)
            worker.start()
        return worker
