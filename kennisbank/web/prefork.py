"""`kennisbank serve --workers N` (N > 1): gunicorn's master with N worker processes (gthread), each with its own app.

The master has run `serve.prepare` (secret key, first ingest) before it forks; each worker makes its app, engine and
searcher after the fork, so nothing of a search is shared between processes and N searches run at once. Jobs run
once: every worker starts a kennisbank.worker.Worker, and only the one holding the data dir's worker lock runs them.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

TIMEOUT = 120  # seconds a silent worker (e.g. still making its app on a busy machine) lives before it is replaced
GRACEFUL_TIMEOUT = 20  # seconds the requests still running get after SIGTERM
KEEPALIVE = 5  # seconds an idle keep-alive connection stays open
REQUEST_LINE = 8190  # gunicorn's largest: a query of 500 characters with filters, percent-encoded, must fit


def address(host: str, port: int) -> str:
    """The host and port as gunicorn binds them.

    >>> address("127.0.0.1", 5000), address("::1", 0)
    ('127.0.0.1:5000', '[::1]:0')
    """
    return f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"


def announce(host: str) -> Callable[[Any], None]:
    """gunicorn's when_ready hook: say where the master listens (also the port the system chose for port 0)."""
    from kennisbank.web.serve import running

    def ready(arbiter: Any) -> None:
        print(running(host, arbiter.LISTENERS[0].getsockname()[1]), file=sys.stderr, flush=True)
    return ready


class Prefork(BaseApplication):
    """The gunicorn application: its settings, and the app each worker process makes for itself."""

    def __init__(self, config: dict[str, Any], host: str, port: int, workers: int, threads: int):
        self.app_config = config
        self.settings = {
            "bind": [address(host, port)], "workers": workers, "worker_class": "gthread", "threads": threads,
            "timeout": TIMEOUT, "graceful_timeout": GRACEFUL_TIMEOUT, "keepalive": KEEPALIVE,
            "limit_request_line": REQUEST_LINE, "when_ready": announce(host), "proc_name": "kennisbank",
            "forwarded_allow_ips": "",  # as under waitress: only the app's ProxyFix (KENNISBANK_TRUSTED_PROXIES)
            "control_socket_disable": True,  # its default path is one per user: a second server would take it
            "loglevel": logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower(),
        }
        super().__init__(prog="kennisbank serve")

    def load_config(self) -> None:
        """The settings above; nothing from the command line, the environment or a gunicorn.conf.py."""
        for name, value in self.settings.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        """The app of this worker process, made after the fork, with its index open."""
        from kennisbank.web import create_app
        from kennisbank.web.serve import warm

        return warm(create_app(self.app_config))

    def serve(self) -> int:
        """Run the master until SIGTERM or SIGINT (Ctrl+C) stops it and its workers."""
        self.run()
        return 0
