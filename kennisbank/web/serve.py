"""`kennisbank serve`: the app under waitress (one process), or under gunicorn in several worker processes
(kennisbank.web.prefork), after the production checks and an optional first ingest of a corpus folder."""
from __future__ import annotations

import ipaddress
import logging
import os
import sys
from pathlib import Path

from flask import Flask

from kennisbank import index
from kennisbank.config import DataDir, yes_no

log = logging.getLogger(__name__)
THREADS = 4  # request threads per process


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def ingest_corpus(data: DataDir, corpus: Path) -> int:
    """Add every supported file of a folder (with its manifest.json), and of its subfolders that have a manifest of
    their own, when the index is still empty."""
    from indexer.metadata import read_manifest
    from kennisbank.documents import SUPPORTED_SUFFIXES, add_path

    if index.exists(data) and index.indexed_documents(index.open_index(data, create=False)):
        return 0
    folders = [corpus, *sorted(d for d in corpus.iterdir() if (d / "manifest.json").is_file())]
    files = [p for folder in folders for p in sorted(folder.iterdir())
             if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name != "README.md"]
    manifest = {k: v for folder in folders for k, v in read_manifest(folder.resolve()).items()}
    added = 0
    for path in files:
        outcome = add_path(data, path, manifest.get(path.resolve()))
        if outcome.ok:
            added += 1
        else:
            log.warning("geweigerd: %s: %s", path.name, outcome.message)
    log.info("%d van %d bestanden uit %s ingelezen", added, len(files), corpus)
    return added


def prepare(data: DataDir, host: str, corpus: Path | None = None) -> dict:
    """The checks and the first ingest that run once per server, before any app serves (with several worker
    processes: in the master, before they fork); returns the config each app is made with. Production rules apply
    whenever the host is reachable from elsewhere."""
    from kennisbank.web import create_app

    config = {"DATA_DIR": str(data.root), "OCR_WORKER": True}  # uploaded scans are OCR'd in the background
    if yes_no(os.environ.get("KENNISBANK_OCR_WORKER")) is False:
        config["OCR_WORKER"] = False  # e.g. when `kennisbank jobs --run` runs elsewhere
    if not is_loopback(host):
        config["PRODUCTION"] = True
    # Before the ingest: refuses to start without a secret key in production, else makes the local one that every
    # worker process then reads. Runs no jobs and opens no index: nothing of it is shared by a fork.
    create_app({**config, "OCR_WORKER": False})
    if corpus is not None:
        if not corpus.is_dir():
            raise FileNotFoundError(f"corpusmap bestaat niet: {corpus}")
        ingest_corpus(data, corpus)
    return config


def warm(app: Flask) -> Flask:
    """Open the app's index once, before the first request; return the app."""
    from kennisbank.web.common import state

    if index.exists(state(app).data):
        state(app).engine.searcher()
    return app


def build(data: DataDir, host: str, corpus: Path | None = None) -> Flask:
    """The app for this data dir, after the checks and first ingest of prepare."""
    from kennisbank.web import create_app

    return warm(create_app(prepare(data, host, corpus)))


def make_server(data: DataDir, host: str, port: int, threads: int = THREADS, corpus: Path | None = None):
    """A waitress server for the app (not yet running)."""
    from waitress import create_server

    app = build(data, host, corpus)
    return create_server(app, host=host, port=port, threads=max(1, threads), clear_untrusted_proxy_headers=True,
                         ident="kennisbank")


def running(host: str, port: int) -> str:
    """The line that says where the server listens (tests and scripts read the URL from it)."""
    return f"Kennisbank draait op http://{host}:{port}/ (stop met Ctrl+C)"


def serve(data: DataDir, host: str = "127.0.0.1", port: int = 5000, workers: int = 1,
          corpus: Path | None = None, threads: int = THREADS) -> int:
    """Run the web app until interrupted, in one process (waitress) or in `workers` processes (gunicorn); 2 when
    it cannot start."""
    try:
        if workers > 1:
            config = prepare(data, host, corpus)
        else:
            server = make_server(data, host, port, threads, corpus)
    except (RuntimeError, FileNotFoundError, OSError, index.BusyError) as exc:
        print(f"kennisbank: {exc}", file=sys.stderr)
        return 2
    if workers > 1:
        from kennisbank.web.prefork import Prefork

        return Prefork(config, host, port, workers, max(1, threads)).serve()
    print(running(host, server.effective_port), file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
