"""Tests for kennisbank.index.engine: which engine builds an index, and that only it opens it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kennisbank import documents, index
from kennisbank.config import DataDir
from kennisbank.search.engine import Engine

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_comes_from_the_argument_then_the_environment(monkeypatch):
    monkeypatch.delenv(index.ENGINE_VAR, raising=False)
    assert index.chosen() == "whoosh" and index.chosen("Tantivy ") == "tantivy"
    monkeypatch.setenv(index.ENGINE_VAR, "tantivy")
    assert index.chosen() == "tantivy" and index.chosen("whoosh") == "whoosh"
    with pytest.raises(ValueError, match="onbekende index-engine 'lucene'; kies uit: whoosh, tantivy"):
        index.chosen("lucene")


def test_a_generation_records_its_engine_and_only_that_engine_opens_it(data, meta, passages, engine_name,
                                                                        monkeypatch):
    ix = index.open_index(data)
    index.replace_document(ix, meta(), "a" * 64, passages("de klantreis van een gezin"))
    assert index.built_by(data.index) == ix.engine == engine_name
    other = next(name for name in index.ENGINES if name != engine_name)
    monkeypatch.setenv(index.ENGINE_VAR, other)  # asks for the other engine for new indexes only
    again = index.open_index(data)
    assert again.engine == engine_name and index.indexed_documents(again) == {"plan-a": ("a" * 64, 1)}


@pytest.mark.parametrize("source, target", [("whoosh", "tantivy"), ("tantivy", "whoosh")])
def test_reindex_converts_a_data_dir_and_it_answers_the_same(small_data, monkeypatch, source, target):
    documents.reindex(small_data, engine=source)
    before = Engine(small_data).search("wachttijd gezinnen", limit=10)
    monkeypatch.setenv(index.ENGINE_VAR, source)  # the environment does not decide a reindex: --engine does
    documents.reindex(small_data, engine=target)
    assert index.built_by(small_data.index) == target and documents.check(small_data) == []
    after = Engine(small_data).search("wachttijd gezinnen", limit=10)
    assert before["total"] == after["total"] > 0
    assert [h["text"] for h in before["hits"]] == [h["text"] for h in after["hits"]]
    documents.reindex(small_data)  # without --engine a reindex keeps the engine the index has
    assert index.built_by(small_data.index) == target


def test_the_command_line_converts_and_check_names_the_engine(small_data):
    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kennisbank.cli", "--data", str(small_data.root), *args],
                              capture_output=True, text=True, cwd=ROOT)
    assert "index gebouwd door: whoosh" in cli("check").stderr
    converted = cli("reindex", "--engine", "tantivy")
    assert converted.returncode == 0 and "engine: tantivy" in converted.stdout
    assert "index gebouwd door: tantivy" in cli("check").stderr
    refused = cli("reindex", "--engine", "lucene")
    assert refused.returncode == 2 and "onbekende index-engine 'lucene'" in refused.stderr
    assert index.built_by(DataDir(small_data.root).index) == "tantivy"  # a refused reindex changes nothing
