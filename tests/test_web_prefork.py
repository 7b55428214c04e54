"""`kennisbank serve --workers 2` as a real master with two worker processes: who answers, who runs the jobs, and
how it stops. Which process answered is read from /proc (the worker that holds the server end of the connection)."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from kennisbank import jobs, worker
from kennisbank.config import DataDir

ROOT = Path(__file__).resolve().parents[1]
WAIT = 120  # seconds: generous, the machine may be busy with other work
PLAN = ("# Plan proeftuin Friesland\n\n" + "De proeftuin werkt met een vast team dat gezinnen begeleidt en samen "
        "met het netwerk afspraken maakt over veiligheid. " * 6)
NIEUW = ("# Verslag leertafel Waddenkust\n\n" + "De leertafel Waddenkust bespreekt hoe de wijkteams en de "
         "gecertificeerde instelling samen met ouders een veiligheidsplan maken en bijhouden. " * 5)


class Server:
    """A `kennisbank serve` subprocess (in its own session, as a terminal would start it) and its log."""

    def __init__(self, data: Path, env: dict[str, str], *args: str):
        self.log = data.parent / f"serve-{time.monotonic_ns()}.log"
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "from kennisbank.cli import main; raise SystemExit(main())", "--data",
                 str(data), "serve", "--port", "0", "--workers", "2", "--threads", "2", *args],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)
        self.port = urlsplit(self._url()).port

    def _url(self) -> str:
        """The URL the master prints once it listens."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if found := re.search(r"draait op (http://\S+?)/? ", self.text()):
                return found.group(1)
            assert self.proc.poll() is None, f"kennisbank serve stopte: {self.text()[-2000:]}"
            time.sleep(0.1)
        pytest.fail(f"kennisbank serve luisterde niet binnen {WAIT} s: {self.text()[-2000:]}")

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def workers(self, count: int = 2) -> set[int]:
        """The master's worker processes, once there are `count`."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if len(found := children(self.proc.pid)) == count:
                return found
            time.sleep(0.1)
        pytest.fail(f"geen {count} werkprocessen: {children(self.proc.pid)}")

    def stop(self) -> None:
        """Kill whatever is left of the server (after a test that did not stop it itself)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=WAIT)


def children(pid: int) -> set[int]:
    """The live child processes of a process (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def owner(conn: http.client.HTTPConnection, pids: set[int]) -> int | None:
    """Which of these processes holds the server end of a connection: the worker that answers on it."""
    ends = {f"{p:04X}" for p in (conn.port, conn.sock.getsockname()[1])}
    inodes = {f"socket:[{f[9]}]" for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
              if (f := line.split()) and {f[1].split(":")[1], f[2].split(":")[1]} == ends}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


def get(conn: http.client.HTTPConnection, path: str, cookie: str = "") -> tuple[int, str, dict[str, str]]:
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    answer = conn.getresponse()
    return answer.status, answer.read().decode("utf-8"), dict(answer.getheaders())


def search(conn: http.client.HTTPConnection, q: str) -> dict:
    status, body, _ = get(conn, "/api/search?" + urlencode({"q": q}))
    assert status == 200, body[:500]
    return json.loads(body)


def connection_to(server: Server, pid: int, workers: set[int]) -> http.client.HTTPConnection:
    """A keep-alive connection that worker `pid` answers (new connections go to whichever worker accepts first)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        get(conn, "/api/taxonomie")
        if owner(conn, workers) == pid:
            return conn
        conn.close()
    pytest.fail(f"werkproces {pid} nam binnen {WAIT} s geen verbinding aan")


def lock_holders(path: Path) -> set[int]:
    """The processes that hold an exclusive flock on this file (from /proc/locks; a probe's shared lock aside)."""
    inode = str(path.stat().st_ino)
    return {int(f[4]) for line in Path("/proc/locks").read_text().splitlines()
            if (f := line.split()) and f[1:4] == ["FLOCK", "ADVISORY", "WRITE"] and f[5].rsplit(":", 1)[1] == inode}


def job_runners(data: DataDir, workers: set[int]) -> set[int]:
    """The processes holding the data dir's worker lock, once one of the workers has taken it."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if data.job_worker_lock.exists() and (found := lock_holders(data.job_worker_lock)):
            return found
        time.sleep(0.1)
    pytest.fail(f"geen werkproces van {workers} nam het jobslot")


@pytest.fixture
def env(admin, password_hash) -> dict[str, str]:
    """The environment of a server with a secret key and the beheer account."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    env.update(KENNISBANK_SECRET_KEY="prefork-" + "x" * 40, KENNISBANK_ADMIN_USER=admin[0],
               KENNISBANK_ADMIN_PASSWORD_HASH=password_hash)
    return env


@pytest.fixture
def server(tmp_path, env) -> Iterator[tuple[Server, DataDir]]:
    """`serve --workers 2 --corpus` on an empty data dir: the master ingests the corpus once, then forks."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan-friesland.md").write_text(PLAN, encoding="utf-8")
    data = DataDir(tmp_path / "data")
    running = Server(data.root, env, "--corpus", str(corpus))
    try:
        yield running, data
    finally:
        running.stop()


def test_two_worker_processes_each_answer_searches_with_their_own_index(server):
    running, _ = server
    workers = running.workers()
    assert running.proc.pid not in workers
    answered: dict[int, dict] = {}
    deadline = time.monotonic() + WAIT
    while set(answered) != workers and time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=WAIT)
        answer = search(conn, "gezinnen begeleiden")
        if (pid := owner(conn, workers)) is not None:
            answered[pid] = answer
        conn.close()
    assert set(answered) == workers
    for answer in answered.values():
        assert [h["document_id"] for h in answer["hits"]] == ["plan-friesland"]
        assert answer["hits"][0]["url"].endswith("/document/plan-friesland#p0")
    assert "Traceback" not in running.text()


def test_one_process_runs_the_jobs_and_every_worker_sees_their_outcome(server, admin):
    running, data = server
    workers = running.workers()
    [runner] = job_runners(data, workers)
    assert runner in workers and worker.worker_active(data)  # seen from this process too
    first, second = (connection_to(running, pid, workers) for pid in sorted(workers))
    for conn in (first, second):  # each worker now keeps this answer in its cache
        assert search(conn, "leertafel Waddenkust")["hits"] == []

    job_id = jobs.submit(data, NIEUW.encode("utf-8"), "verslag-waddenkust.md", {"type": "overig"})
    deadline = time.monotonic() + WAIT
    while jobs.status(data, job_id)["state"] in jobs.UNFINISHED and time.monotonic() < deadline:
        time.sleep(0.2)
    assert jobs.status(data, job_id)["state"] == "klaar", jobs.status(data, job_id)
    assert lock_holders(data.job_worker_lock) == {runner}

    for pid in sorted(workers):  # the commit reached every worker's searcher and cache
        conn = connection_to(running, pid, workers)
        assert [h["document_id"] for h in search(conn, "leertafel Waddenkust")["hits"]][:1] == ["verslag-waddenkust"]
        conn.close()

    login, taken = (connection_to(running, pid, workers) for pid in sorted(workers))
    status, page, headers = get(login, "/beheer/inloggen")
    cookie = SimpleCookie(headers["Set-Cookie"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urlencode({"csrf_token": token, "gebruiker": admin[0], "wachtwoord": admin[1]})
    login.request("POST", "/beheer/inloggen", body=form, headers={
        "Cookie": f"session={cookie['session'].value}", "Content-Type": "application/x-www-form-urlencoded"})
    answer = login.getresponse()
    answer.read()
    assert answer.status == 302
    session = SimpleCookie(answer.getheader("Set-Cookie"))["session"].value
    status, page, _ = get(taken, "/beheer/taken", cookie=f"session={session}")  # the other worker: same secret key
    assert status == 200 and f'id="taak-{job_id}"' in page and "verslag-waddenkust.md" in page


@pytest.mark.parametrize("how", ["SIGTERM aan de master", "Ctrl+C in de terminal"])
def test_a_signal_stops_the_master_and_its_workers(tmp_path, env, how):
    running = Server(tmp_path / "data", env)
    try:
        workers = running.workers()
        job_runners(DataDir(tmp_path / "data"), workers)  # the workers are up
        if how.startswith("SIGTERM"):
            running.proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(running.proc.pid, signal.SIGINT)  # what the terminal sends to every process of the group
        assert running.proc.wait(timeout=WAIT) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
        assert "Traceback" not in running.text()
        with pytest.raises(ConnectionRefusedError):
            http.client.HTTPConnection("127.0.0.1", running.port, timeout=5).connect()
    finally:
        running.stop()
