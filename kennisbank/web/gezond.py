"""Gezond: the health check for monitoring and a load balancer; 200 with the index's state, 503 with the reason."""
from __future__ import annotations

import logging
import os

from flask import Blueprint, jsonify

from kennisbank import index
from kennisbank.web import common

log = logging.getLogger(__name__)
bp = Blueprint("gezond", __name__)


@bp.get("/gezond")
def gezond():
    """The active index generation, its engine and the number of documents; 503 when the data dir or the index
    cannot be read (the reason in plain words, without paths: the detail goes to the server log)."""
    data = common.data_dir()
    try:
        if not data.root.is_dir():
            raise FileNotFoundError(f"{data.root} is geen map")
        documents = sum(1 for _ in os.scandir(data.records)) if data.records.is_dir() else 0
    except OSError as exc:
        return _unhealthy("de datamap is niet leesbaar", exc)
    generation = engine = None
    if index.exists(data) or index.expected(data):
        try:
            common.with_engine(lambda e: e.searcher())  # the index this process serves, reopened on change
        except index.IndexDamagedError as exc:
            return _unhealthy("de index ontbreekt of is onleesbaar; draai 'kennisbank reindex'", exc)
        generation, engine = os.path.basename(os.path.realpath(data.index)), index.built_by(data.index)
    response = jsonify({"status": "ok", "generatie": generation, "engine": engine, "documenten": documents})
    response.headers["Cache-Control"] = "no-store"
    return response


def _unhealthy(reason: str, exc: Exception):
    """A 503 with the reason; the detail (paths included) goes to the server log only."""
    log.warning("gezond: %s (%s)", reason, exc)
    response = jsonify({"status": "fout", "reden": reason})
    response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response
