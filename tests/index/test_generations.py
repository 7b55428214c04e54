"""Tests for kennisbank.index.generations: open, create, switch generations atomically, the rules fingerprint."""
from __future__ import annotations

import pytest

from kennisbank import index
from kennisbank.index import generations


def test_open_without_create_on_an_empty_dir_is_a_clear_error(data):
    with pytest.raises(index.IndexDamagedError, match="geen index"):
        index.open_index(data, create=False)
    assert not index.exists(data)


def test_open_creates_a_generation_behind_a_link(data):
    ix = index.open_index(data)
    assert index.exists(data)
    assert data.index.is_symlink() and data.index.resolve() == data.generation(1).resolve()
    assert ix.doc_count() == 0
    assert index.open_index(data, create=False).doc_count() == 0


def test_activate_switches_to_the_new_generation_and_drops_the_old(data, meta, passages, pids):
    old = index.open_index(data)
    index.replace_document(old, meta(), "a" * 64, passages("oude tekst over de klantreis"))
    new = index.new_index(data)
    assert new.folder.name == "index-2"
    index.replace_document(new, meta("plan-b"), "b" * 64, passages("nieuwe tekst"))
    assert pids(index.open_index(data)) == ["plan-a:0"]  # not active yet
    index.activate(data, new)
    assert data.index.resolve().name == "index-2"
    assert not data.generation(1).exists()
    assert pids(index.open_index(data)) == ["plan-b:0"]


def test_the_rules_fingerprint_follows_the_taxonomy_the_pipeline_version_and_the_fields(tmp_path, monkeypatch):
    from kennisbank import taxonomie

    before = index.rules_fingerprint()
    copy = tmp_path / "taxonomie"
    copy.mkdir()
    for path in taxonomie.DATA_DIR.glob("*.toml"):
        (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(taxonomie, "DATA_DIR", copy)
    assert index.rules_fingerprint() == before
    with (copy / "vraagstukken.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[vraagstuk]]\nid = "wachtlijsten"\nlabel = "Wachtlijsten"\ntermen = ["wachtlijst"]\n')
    edited = index.rules_fingerprint()
    assert edited != before
    monkeypatch.setattr(generations, "PIPELINE_VERSION", generations.PIPELINE_VERSION + 1)
    piped = index.rules_fingerprint()
    assert piped not in (before, edited)
    monkeypatch.setattr(generations.fields, "LAYOUT", generations.fields.LAYOUT + 1)  # say, a new stored field
    assert index.rules_fingerprint() not in (before, edited, piped)


def test_a_generation_records_the_taxonomy_version_of_its_tags(data):
    from kennisbank import taxonomie

    index.open_index(data)
    assert index.tags_version(data.index) == taxonomie.load().version and index.stale_tags(data) is None
    data.taxonomie.mkdir()
    (data.taxonomie / "regios.toml").write_text('verwijderd = ["zeeland"]\n', encoding="utf-8")
    assert "andere taxonomie" in index.stale_tags(data)
    (data.index / index.TAGS_FILE).unlink()  # a generation from before the layer: tagged with the package's
    assert index.tags_version(data.index) == taxonomie.build(taxonomie.DATA_DIR).version


def test_building_reopens_a_generation_of_the_same_rules_and_taxonomy_and_drops_others(data):
    index.open_index(data)
    left = index.new_index(data)
    assert [ix.folder for ix in index.building(data)] == [left.folder]
    data.taxonomie.mkdir()
    (data.taxonomie / "regios.toml").write_text('verwijderd = ["zeeland"]\n', encoding="utf-8")
    assert index.building(data) == [] and not data.generation(2).exists()


def test_an_index_of_an_older_layout_asks_for_a_rebuild_not_a_repair(tmp_path, monkeypatch):
    """After an upgrade that changes the passages' fields, the old index is another version's, not damaged."""
    from kennisbank.config import DataDir
    from kennisbank.index import whoosh_engine

    current = whoosh_engine.make_schema

    def older():
        schema = current()
        schema.remove("terms")
        return schema

    monkeypatch.setenv(index.ENGINE_VAR, "whoosh")
    data = DataDir(tmp_path / "data").ensure()
    monkeypatch.setattr(whoosh_engine, "make_schema", older)
    generations.open_index(data)  # an empty generation of the older layout
    monkeypatch.setattr(whoosh_engine, "make_schema", current)
    with pytest.raises(index.IndexDamagedError, match="andere versie van Kennisbank") as raised:
        generations.open_index(data)
    assert "terms" in str(raised.value) and "kennisbank reindex" in str(raised.value)
    assert "beschadigd" not in str(raised.value)
