"""The data dir's writer lock: one writer at a time (ingest, remove, reindex); the next one waits, then gives up."""
from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from kennisbank.config import DataDir

LOCK_TIMEOUT = 120.0  # seconds a writer waits for another before it gives up with BusyError
LOCK_TIMEOUT_VAR = "KENNISBANK_LOCK_TIMEOUT"  # overrides LOCK_TIMEOUT (seconds), read at every lock


class BusyError(RuntimeError):
    """Another process is writing to this data dir."""


@contextmanager
def write_lock(data: DataDir, timeout: float | None = None) -> Iterator[None]:
    """Hold the data dir's writer lock; wait at most timeout seconds (default lock_timeout()), then raise BusyError."""
    data.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(data.write_lock, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + (lock_timeout() if timeout is None else timeout)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise BusyError("er loopt al een andere schrijfactie (ingest, verwijderen of reindex) "
                                    "op deze datamap; probeer het straks opnieuw") from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def lock_timeout() -> float:
    """Seconds a writer waits for the lock: $KENNISBANK_LOCK_TIMEOUT, else LOCK_TIMEOUT.

    >>> os.environ[LOCK_TIMEOUT_VAR] = "2.5"; lock_timeout()
    2.5
    >>> os.environ[LOCK_TIMEOUT_VAR] = "nonsens"; lock_timeout() == LOCK_TIMEOUT; del os.environ[LOCK_TIMEOUT_VAR]
    True
    """
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT_VAR, LOCK_TIMEOUT)))
    except ValueError:
        return LOCK_TIMEOUT
