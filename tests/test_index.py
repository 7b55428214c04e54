"""All whoosh access: generations and the atomic switch, single-commit writes, exclusion, the writers' lock."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
from whoosh import query as Q

from indexer.model import Metadata, Passage, Tag
from kennisbank import index
from kennisbank.config import DataDir

# Holds the data dir's write lock from another process until it is killed or the time is up.
HOLDER = ("import fcntl, os, sys, time\n"
          "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)\n"
          "fcntl.flock(fd, fcntl.LOCK_EX)\n"
          "print('vast', flush=True)\n"
          "time.sleep(float(sys.argv[2]))\n")


def hold_lock(data: DataDir, seconds: float) -> subprocess.Popen:
    """Start a process that holds the write lock for `seconds`; returns once it holds it."""
    data.root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data.write_lock), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "vast"
    return proc


def _meta(doc_id: str = "plan-a", title: str = "Plan A") -> Metadata:
    return Metadata(id=doc_id, title=title, type="projectplan", region="Zeeland", date="2023-03-01")


def _passages(*texts: str) -> list[Passage]:
    return [Passage(position=i, page=i + 1, section=("Aanpak", f"Deel {i}"), text=t, regio=["Zeeland"],
                    themas=[Tag("klantreis", "Klantreis", ["klantreis"])] if "klantreis" in t else [])
            for i, t in enumerate(texts)]


@pytest.fixture
def data(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


def _pids(ix) -> list[str]:
    with index.searcher(ix) as s:
        return sorted(d["pid"] for d in s.all_stored_fields())


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


def test_activate_switches_to_the_new_generation_and_drops_the_old(data):
    old = index.open_index(data)
    index.replace_document(old, _meta(), "a" * 64, _passages("oude tekst over de klantreis"))
    new = index.new_index(data)
    assert new.storage.folder.endswith("index-2")
    index.replace_document(new, _meta("plan-b"), "b" * 64, _passages("nieuwe tekst"))
    assert _pids(index.open_index(data)) == ["plan-a:0"]  # not active yet
    index.activate(data, new)
    assert data.index.resolve().name == "index-2"
    assert not data.generation(1).exists()
    assert _pids(index.open_index(data)) == ["plan-b:0"]


def test_replace_document_replaces_all_passages_in_one_commit(data):
    ix = index.open_index(data)
    assert index.replace_document(ix, _meta(), "a" * 64, _passages("een", "twee", "drie")) == 3
    index.replace_document(ix, _meta("plan-b"), "b" * 64, _passages("ander plan"))
    assert index.replace_document(ix, _meta(), "c" * 64, _passages("alleen nog dit")) == 1
    assert _pids(ix) == ["plan-a:0", "plan-b:0"]
    assert index.indexed_documents(ix) == {"plan-a": ("c" * 64, 1), "plan-b": ("b" * 64, 1)}


def test_passage_fields_are_stored_for_display_and_filters(data):
    ix = index.open_index(data)
    index.replace_document(ix, _meta(), "a" * 64, _passages("wij tekenen de klantreis van een gezin uit"))
    with index.searcher(ix) as s:
        hit = s.document(pid="plan-a:0")
        assert (hit["section"], hit["jaar"], hit["region"], hit["regio"], hit["thema"]) == \
            ("Aanpak › Deel 0", "2023", "Zeeland", "Zeeland", "klantreis")
        assert len(s.search(Q.And([Q.Term("regio", "Zeeland"), Q.Term("thema", "klantreis")]))) == 1


def test_delete_document_removes_only_that_document(data):
    ix = index.open_index(data)
    index.replace_document(ix, _meta(), "a" * 64, _passages("een", "twee"))
    index.replace_document(ix, _meta("plan-b"), "b" * 64, _passages("drie"))
    assert index.delete_document(ix, "plan-a") == 2
    assert index.indexed_documents(ix) == {"plan-b": ("b" * 64, 1)}
    assert index.delete_document(ix, "bestaat-niet") == 0


def test_a_failing_writer_commits_nothing(data):
    ix = index.open_index(data)
    index.replace_document(ix, _meta(), "a" * 64, _passages("een"))
    with pytest.raises(RuntimeError, match="halverwege"):
        with index.writer(ix) as w:
            w.delete_by_term("document_id", "plan-a")
            w.add_document(**index.passage_fields(_meta("plan-b"), "b" * 64, _passages("x")[0], "plan-b:0"))
            raise RuntimeError("halverwege")
    assert _pids(index.open_index(data)) == ["plan-a:0"]
    index.replace_document(ix, _meta("plan-c"), "c" * 64, _passages("daarna gaat schrijven gewoon door"))
    assert _pids(ix) == ["plan-a:0", "plan-c:0"]


def test_an_exclusion_also_holds_for_the_first_hit_of_a_segment(data):
    """whoosh-community/whoosh#419: AndNot let the first matching passage through when it was excluded."""
    ix = index.open_index(data)
    index.replace_document(ix, _meta(), "a" * 64, _passages(  # the exclusion's first id lies before Tilburg's
        "een verklarende analyse, nog zonder plaats", "Tilburg werkt met een verklarende analyse",
        "Tilburg en Waalwijk"))
    q = Q.AndNot(Q.Term("exact", "tilburg"), Q.Term("exact", "verklarende"))
    with index.searcher(ix) as s:
        assert [h["pid"] for h in s.search(q)] == ["plan-a:2"]
        assert len(s.search(q, limit=None)) == 1
        assert len(s.search(q, limit=1)) == 1  # the total the engine reports


def test_lock_held_by_another_process_gives_busy_error(data):
    holder = hold_lock(data, 30)
    try:
        started = time.monotonic()
        with pytest.raises(index.BusyError, match="andere schrijfactie"):
            with index.write_lock(data, timeout=0.3):
                pytest.fail("de lock had niet gekregen mogen worden")
        assert time.monotonic() - started >= 0.3
    finally:
        holder.kill()
        holder.wait()
    with index.write_lock(data, timeout=1):  # the dead holder's lock is free at once
        pass


def test_lock_timeout_comes_from_the_environment(data, monkeypatch):
    monkeypatch.setenv(index.LOCK_TIMEOUT_VAR, "0.2")
    holder = hold_lock(data, 30)
    try:
        started = time.monotonic()
        with pytest.raises(index.BusyError):
            with index.write_lock(data):
                pass
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_a_second_writer_waits_for_the_first(data):
    holder = hold_lock(data, 0.8)
    started = time.monotonic()
    with index.write_lock(data, timeout=20):
        waited = time.monotonic() - started
    holder.wait()
    assert waited >= 0.5


def test_the_rules_fingerprint_follows_the_taxonomy_and_the_pipeline_version(tmp_path, monkeypatch):
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
    monkeypatch.setattr(index, "PIPELINE_VERSION", index.PIPELINE_VERSION + 1)
    assert index.rules_fingerprint() not in (before, edited)
