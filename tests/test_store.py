"""The document store: originals under their sha256, JSON records that round-trip, atomic writes, safe ids."""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennisbank.analysis import slugify
from kennisbank.config import DataDir
from kennisbank.store import Record, RecordStatus, Store, atomic_write, sha256, valid_id


@pytest.fixture
def store(tmp_path) -> Store:
    """A store in a fresh data dir."""
    return Store(DataDir(tmp_path / "data").ensure())


def _record(doc_id: str = "plan-zeeland", digest: str = "0" * 64, **changes) -> Record:
    fields = dict(id=doc_id, title="Werkplan Zeeland: één gezin, één plan", type="projectplan", region="Zeeland",
                  date="2023-03", sha256=digest, kind="text", filename="werkplan.txt", pages=1, passages=2,
                  added="2024-01-02T03:04:05+00:00", status=RecordStatus.INDEXED, extra={"bron": "beheer", "n": [1, 2]})
    fields.update(changes)
    return Record(**fields)


def test_original_is_stored_under_its_sha256(store):
    content = "Een eigen tekst over de klantreis van een gezin.\n".encode("utf-8")
    digest = store.put_original(content, "text")
    assert digest == hashlib.sha256(content).hexdigest() == sha256(content)
    path = store.data.originals / f"{digest}.txt"
    assert path.read_bytes() == content
    assert store.read_original(_record(digest=digest)) == content
    assert store.put_original(content, "text") == digest  # idempotent: same name, one file
    assert [p.name for p in store.data.originals.iterdir()] == [path.name]


@pytest.mark.parametrize("kind, suffix", [("pdf", ".pdf"), ("docx", ".docx"), ("markdown", ".md"),
                                          ("text", ".txt"), ("onbekend", ".bin")])
def test_original_keeps_an_extension_for_its_kind(store, kind, suffix):
    digest = store.put_original(kind.encode(), kind)
    assert (store.data.originals / f"{digest}{suffix}").exists()
    assert store.original_path(_record(digest=digest, kind=kind)).name == f"{digest}{suffix}"


def test_record_round_trips_with_unicode_and_extra(store):
    record = _record()
    store.save(record)
    assert store.get(record.id) == record
    raw = (store.data.records / "plan-zeeland.json").read_text(encoding="utf-8")
    assert "één gezin" in raw  # readable UTF-8, not \\u escapes
    assert json.loads(raw) == asdict(record)


def test_status_is_stored_as_its_plain_value(store):
    assert [s.value for s in RecordStatus] == ["pending", "indexed"]
    store.save(_record(status=RecordStatus.PENDING))
    raw = (store.data.records / "plan-zeeland.json").read_text(encoding="utf-8")
    assert '"status": "pending"' in raw
    assert store.get("plan-zeeland").status == RecordStatus.PENDING


def test_all_is_sorted_and_by_sha_finds_the_owner(store):
    for doc_id, digest in (("b-plan", "b" * 64), ("a-plan", "a" * 64), ("c-plan", "c" * 64)):
        store.save(_record(doc_id, digest))
    assert [r.id for r in store.all()] == ["a-plan", "b-plan", "c-plan"]
    assert store.by_sha("c" * 64).id == "c-plan"
    assert store.by_sha("d" * 64) is None
    assert store.get("d-plan") is None


def test_all_skips_an_unreadable_record(store, caplog):
    store.save(_record("goed"))
    (store.data.records / "kapot.json").write_text("{niet af", encoding="utf-8")
    (store.data.records / "vreemd.json").write_text('{"id": "vreemd"}', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="kennisbank.store"):
        assert [r.id for r in store.all()] == ["goed"]
    assert "kapot.json" in caplog.text and "vreemd.json" in caplog.text


def test_save_replaces_atomically_and_leaves_no_temporary_files(store):
    for n in range(20):
        store.save(_record(passages=n))
    assert store.get("plan-zeeland").passages == 19
    assert sorted(p.name for p in store.data.records.iterdir()) == ["plan-zeeland.json"]


def test_failed_write_keeps_the_old_content(store):
    path = store.data.records / "plan-zeeland.json"
    store.save(_record(passages=1))
    before = path.read_bytes()
    with pytest.raises(TypeError):
        atomic_write(path, "geen bytes")  # fails after the temporary file exists
    assert path.read_bytes() == before
    assert sorted(p.name for p in store.data.records.iterdir()) == ["plan-zeeland.json"]


@pytest.mark.parametrize("bad", ["../buiten", "a/b", "", "Hoofdletters", "plan\n", ".verborgen", "-plan",
                                 "a" * 121, "plan.json", "plan zeeland", "..", "pl\x00an"])
def test_unsafe_ids_are_never_written_or_read(store, bad):
    assert not valid_id(bad)
    with pytest.raises(ValueError):
        store.save(_record(bad))
    assert list(store.data.records.iterdir()) == []
    assert sorted(p.name for p in store.data.root.iterdir()) == ["cache", "documents", "originals"]
    assert store.get(bad) is None


def test_get_does_not_follow_a_path_out_of_the_records(store):
    outside = store.data.root / "buiten.json"
    outside.write_text(json.dumps(asdict(_record("buiten"))), encoding="utf-8")
    assert store.get("../buiten") is None


def test_delete_keeps_an_original_that_another_record_uses(store):
    digest = store.put_original(b"gedeelde inhoud", "text")
    first, second = _record("eerste", digest), _record("tweede", digest)
    store.save(first)
    store.save(second)
    store.delete(first)
    assert store.get("eerste") is None
    assert store.original_path(second).exists()
    store.delete(second)
    assert not store.original_path(second).exists()
    assert store.all() == []


@pytest.mark.parametrize("text, expected", [
    ("../../etc/passwd", "etc-passwd"),
    ("Één gezin, één plan!", "een-gezin-een-plan"),
    ("Plan van Aanpak: Centraal Gelderland (2022).pdf", "plan-van-aanpak-centraal-gelderland-2022-pdf"),
    ("..", "document"),
    ("", "document"),
    ("日本語", "document"),
    ("C:\\Users\\x\\plan.docx", "c-users-x-plan-docx"),
])
def test_slugify_examples(text, expected):
    assert slugify(text) == expected
    assert valid_id(slugify(text))


def test_slugify_cuts_long_titles_without_a_trailing_dash():
    slug = slugify("woord " * 60)
    assert len(slug) <= 120 and not slug.endswith("-") and valid_id(slug)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_slugify_always_gives_a_safe_id(text):
    slug = slugify(text)
    assert valid_id(slug)
    assert "/" not in slug and "\\" not in slug and ".." not in slug and "\n" not in slug
