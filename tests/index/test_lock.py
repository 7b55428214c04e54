"""Tests for kennisbank.index.lock: one writer at a time, the next one waits and then says it is busy."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from kennisbank import index
from kennisbank.config import DataDir

# Holds the data dir's write lock from another process until it is killed or the time is up.
HOLDER = ("import fcntl, os, sys, time\n"
          "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)\n"
          "fcntl.flock(fd, fcntl.LOCK_EX)\n"
          "print('vast', flush=True)\n"
          "time.sleep(float(sys.argv[2]))\n")


def hold_lock(data: DataDir, seconds: float) -> subprocess.Popen:
    """Start a process that holds the write lock for `seconds`; returns once it holds it."""
    data.root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data.write_lock), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "vast"
    return proc


def test_lock_held_by_another_process_gives_busy_error(data):
    holder = hold_lock(data, 30)
    try:
        started = time.monotonic()
        with pytest.raises(index.BusyError, match="andere schrijfactie"):
            with index.write_lock(data, timeout=0.3):
                pytest.fail("de lock had niet gekregen mogen worden")
        assert time.monotonic() - started >= 0.3
    finally:
        holder.kill()
        holder.wait()
    with index.write_lock(data, timeout=1):  # the dead holder's lock is free at once
        pass


def test_lock_timeout_comes_from_the_environment(data, monkeypatch):
    monkeypatch.setenv(index.LOCK_TIMEOUT_VAR, "0.2")
    holder = hold_lock(data, 30)
    try:
        started = time.monotonic()
        with pytest.raises(index.BusyError):
            with index.write_lock(data):
                pass
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_a_second_writer_waits_for_the_first(data):
    holder = hold_lock(data, 0.8)
    started = time.monotonic()
    with index.write_lock(data, timeout=20):
        waited = time.monotonic() - started
    holder.wait()
    assert waited >= 0.5
