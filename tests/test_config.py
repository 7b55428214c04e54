"""The data dir's layout, where it is, and the one yes/no parser."""
from __future__ import annotations

import pytest

from kennisbank.config import ENV_VAR, NO, YES, DataDir, resolve, yes_no


@pytest.mark.parametrize("word", ["ja", "j", "yes", "y", "true", "1", "aan", "on", " JA ", "True", "Aan\n"])
def test_yes_words(word):
    assert yes_no(word) is True


@pytest.mark.parametrize("word", ["nee", "n", "no", "false", "0", "uit", "off", " Nee ", "FALSE", "\tUit"])
def test_no_words(word):
    assert yes_no(word) is False


@pytest.mark.parametrize("word", [None, "", "  ", "misschien", "2", "jaa", "ja nee", "t", "f"])
def test_anything_else_is_none(word):
    assert yes_no(word) is None


def test_the_word_sets_do_not_overlap():
    assert not YES & NO


def test_every_path_lies_in_the_data_dir(tmp_path):
    data = DataDir(tmp_path / "data")
    paths = [data.index, data.generation(3), data.index_link_tmp, data.originals, data.records, data.write_lock,
             data.jobs, data.secret_key, data.cache, data.word_cache, data.ocr_cache, data.uploads]
    assert all(p.is_relative_to(data.root) for p in paths) and len(set(paths)) == len(paths)
    assert data.generation(3).name == "index-3" and data.word_cache.parent == data.ocr_cache.parent == data.cache


def test_generations_are_the_numbered_index_folders(tmp_path):
    data = DataDir(tmp_path / "data").ensure()
    assert list(data.generations()) == []
    data.generation(1).mkdir()
    data.generation(2).mkdir()
    (data.root / "indexer").mkdir()
    assert sorted(p.name for p in data.generations()) == ["index-1", "index-2"]


def test_resolve_prefers_the_argument_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert resolve(tmp_path / "arg").root == tmp_path / "arg"
    assert resolve().root == tmp_path / "env"
