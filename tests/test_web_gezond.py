"""/gezond: 200 with the index generation, engine and document count; 503 with a reason (and no path) otherwise."""
from __future__ import annotations

import os
import shutil


def test_healthy_data_dir_answers_200_with_its_index(small_app, small_data):
    answer = small_app.test_client().get("/gezond")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json() == {"status": "ok", "generatie": os.path.basename(os.path.realpath(small_data.index)),
                                 "engine": "whoosh", "documenten": 1}


def test_a_new_empty_data_dir_is_healthy_without_an_index(make_app, tmp_path):
    from kennisbank.config import DataDir

    answer = make_app(DataDir(tmp_path / "leeg").ensure()).test_client().get("/gezond")
    assert answer.status_code == 200 and answer.get_json()["generatie"] is None
    assert answer.get_json()["documenten"] == 0


def test_a_missing_index_answers_503_with_the_reason(small_app, small_data):
    shutil.rmtree(os.path.realpath(small_data.index))
    answer = small_app.test_client().get("/gezond")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "fout" and "index" in body["reden"] and str(small_data.root) not in body["reden"]


def test_a_data_dir_that_went_away_answers_503(small_app, small_data):
    shutil.rmtree(small_data.root)
    answer = small_app.test_client().get("/gezond")
    assert answer.status_code == 503 and answer.get_json()["reden"] == "de datamap is niet leesbaar"
