"""`kennisbank serve`: production rules, first ingest of a corpus folder, and a real waitress server."""
from __future__ import annotations

import json
import urllib.request

import pytest

from kennisbank import index
from kennisbank.config import DataDir
from kennisbank.store import Store
from kennisbank.web.common import state
from kennisbank.web.serve import build, make_server, serve

PLAN = ("# Plan proeftuin Friesland\n\n" + "De proeftuin werkt met een vast team dat gezinnen begeleidt en samen "
        "met het netwerk afspraken maakt over veiligheid. " * 6)


def _corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "plan-friesland.md").write_text(PLAN, encoding="utf-8")
    (folder / "README.md").write_text("# Niet inlezen\n\nDit is uitleg over de map.", encoding="utf-8")
    (folder / "manifest.json").write_text('[{"file": "plan-friesland.md", "type": "projectplan", "date": "2024"}]',
                                          encoding="utf-8")
    return folder


@pytest.mark.parametrize("workers", [1, 2])  # with 2, the master refuses before any worker process forks
def test_public_host_without_secret_key_refuses_to_start(tmp_path, monkeypatch, capsys, workers):
    monkeypatch.delenv("KENNISBANK_SECRET_KEY", raising=False)
    data = DataDir(tmp_path / "data")
    assert serve(data, host="0.0.0.0", port=0, workers=workers) == 2
    assert "KENNISBANK_SECRET_KEY" in capsys.readouterr().err
    assert not data.secret_key.exists()


def test_corpus_is_ingested_once_when_the_index_is_empty(tmp_path, monkeypatch):
    monkeypatch.delenv("KENNISBANK_SECRET_KEY", raising=False)
    monkeypatch.delenv("KENNISBANK_ENV", raising=False)
    data, corpus = DataDir(tmp_path / "data"), _corpus(tmp_path)
    app = build(data, "127.0.0.1", corpus)
    records = Store(data).all()
    assert [(r.id, r.type, r.date) for r in records] == [("plan-friesland", "projectplan", "2024")]
    assert state(app).engine.is_open  # warmed before the first request
    (corpus / "tweede.md").write_text(PLAN.replace("Friesland", "Zeeland"), encoding="utf-8")
    build(data, "127.0.0.1", corpus)
    assert len(Store(data).all()) == 1  # not empty any more: nothing ingested
    assert index.exists(data)


def test_a_subfolder_with_its_own_manifest_is_ingested_too_and_one_without_is_not(tmp_path, monkeypatch):
    monkeypatch.delenv("KENNISBANK_ENV", raising=False)
    data, corpus = DataDir(tmp_path / "data"), _corpus(tmp_path)
    for name, manifest in (("vormen", True), ("bron", False)):
        (corpus / name).mkdir()
        (corpus / name / f"{name}.md").write_text(PLAN.replace("Friesland", "Flevoland"), encoding="utf-8")
        if manifest:
            (corpus / name / "manifest.json").write_text(
                f'[{{"file": "{name}.md", "id": "nieuws-{name}", "type": "overig", "region": "Flevoland"}}]',
                encoding="utf-8")
    build(data, "127.0.0.1", corpus)
    assert sorted((r.id, r.region) for r in Store(data).all()) == [("nieuws-vormen", "Flevoland"),
                                                                     ("plan-friesland", "Friesland")]


def test_waitress_serves_the_app_with_its_headers(tmp_path, monkeypatch, live_server):
    monkeypatch.delenv("KENNISBANK_ENV", raising=False)
    monkeypatch.setenv("KENNISBANK_SECRET_KEY", "s" * 40)
    base = live_server(make_server(DataDir(tmp_path / "data"), "127.0.0.1", 0, 2, _corpus(tmp_path)))
    with urllib.request.urlopen(f"{base}/?q=gezinnen", timeout=30) as response:
        page = response.read().decode("utf-8")
        assert response.status == 200 and "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Plan proeftuin Friesland" in page
    with urllib.request.urlopen(f"{base}/gezond", timeout=30) as response:
        assert response.status == 200 and json.load(response)["documenten"] == 1
