"""A bounded load generator for `kennisbank serve` on loopback: searches/s, latency and errors.

Only 127.0.0.1 is ever asked; every run stops after a fixed number of requests or seconds.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(data: Path, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    """`kennisbank serve` on a free loopback port; waits until it answers."""
    port = free_port()
    env = {**os.environ, "KENNISBANK_SECRET_KEY": "bench-" + "x" * 40}
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "kennisbank"), "--data", str(data), "serve",
                             "--host", HOST, "--port", str(port), "--workers", str(workers)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"server stopped: {log.read_text()[-500:]}")
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start in 120 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(port: int, queries: list[str], clients: int = 4, seconds: float = 20.0,
         max_requests: int = 4000, server_pid: int | None = None) -> dict:
    """GET /api/search from `clients` keep-alive connections until seconds or max_requests run out.

    With server_pid, the server's CPU time per request is measured too: what it needs on an idle machine.
    """
    cpu0 = cpu_seconds(server_pid) if server_pid else 0.0
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            q = queries[(i * 7 + n) % len(queries)]
            path = "/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10})
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and b'"hits"' in body
                problem = "" if ok else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                problem = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
            ms = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(ms)
                if problem:
                    errors.append(problem)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    from phases import percentiles

    cpu_ms = (cpu_seconds(server_pid) - cpu0) * 1000 / max(len(latencies), 1) if server_pid else None
    return {"requests": len(latencies), "seconds": round(elapsed, 1),
            "server_cpu_ms_per_request": cpu_ms and round(cpu_ms, 1),
            "searches_per_s": round(len(latencies) / elapsed, 1), "errors": len(errors),
            "error_kinds": sorted(set(errors)), "latency_ms": percentiles(latencies), "clients": clients}


def with_ingest(port: int, queries: list[str], data: Path, folder: Path, seconds: float,
                server_pid: int | None = None) -> dict:
    """The same load while `kennisbank ingest` adds a folder of new documents (one commit per document)."""
    log = folder.parent / "ingest-during-load.log"
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "kennisbank"), "--data", str(data), "ingest",
                             str(folder)], stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120  # start the load once the ingest has committed its first document
    while time.monotonic() < deadline and proc.poll() is None:
        if _indexed(data, "tijdens-load"):
            break
        time.sleep(0.2)
    try:
        result = load(port, queries, seconds=seconds, server_pid=server_pid)
    finally:
        running = proc.poll() is None
        proc.terminate()  # a stopped ingest leaves whole documents only (one commit per document)
        proc.wait(timeout=60)
    result["ingest_still_running_at_end"] = running
    result["ingest_exit"] = proc.returncode
    result["ingested"] = _indexed(data, "tijdens-load")
    result["ingest_note"] = "load started after the first document was committed; ingest stopped after the load"
    return result


def _indexed(data: Path, prefix: str) -> int:
    """How many records with this id prefix are indexed."""
    from kennisbank.config import DataDir
    from kennisbank.store import RecordStatus

    return sum(json.loads(p.read_text(encoding="utf-8")).get("status") == RecordStatus.INDEXED
               for p in DataDir(data).records.glob(f"{prefix}-*.json"))


def remove_ids(data: Path, ids: list[str]) -> None:
    """Take the documents added during the load test out again, so the built index stays as it was."""
    from kennisbank import documents
    from kennisbank.config import DataDir

    for doc_id in ids:
        documents.remove(DataDir(data), doc_id)


def write_manifest_subset(source: Path, target: Path, count: int, prefix: str) -> list[str]:
    """Copy `count` generated documents into target with new ids; return the ids."""
    target.mkdir(parents=True, exist_ok=True)
    entries = json.loads((source / "manifest.json").read_text(encoding="utf-8"))[:count]
    ids = []
    for e in entries:
        text = (source / e["file"]).read_text(encoding="utf-8")
        (target / e["file"]).write_text(text + f"\n\nKenmerk {prefix}-{e['id']}.\n", encoding="utf-8")
        e["id"] = f"{prefix}-{e['id']}"
        ids.append(e["id"])
    (target / "manifest.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return ids
