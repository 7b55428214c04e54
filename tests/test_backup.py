"""`kennisbank backup` and `restore`: a consistent snapshot during an ingest, checksums, refusals that write nothing,
and a backup from an older version whose index is rebuilt."""
from __future__ import annotations

import gzip
import json
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from kennisbank import index
from kennisbank.config import DataDir
from kennisbank.documents import check
from kennisbank.gegevens import backup, gebruikers, logboek
from kennisbank.store import Store

DOCUMENTEN = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "documenten"


@pytest.fixture
def archive(two_accounts, tmp_path) -> Path:
    """A backup of the small data dir with two accounts."""
    path = tmp_path / "backup.tar.gz"
    backup.backup(two_accounts, path)
    return path


def test_restore_gives_a_data_dir_on_which_check_is_clean(archive, two_accounts, tmp_path, cli, passwords):
    restored = DataDir(tmp_path / "nieuw")
    answer = cli("restore", str(archive), data=restored)
    assert answer.returncode == 0, answer.stderr
    assert cli("check", data=restored).stdout.startswith("in orde")
    assert [r.id for r in Store(restored).all()] == ["werkplan-zeeland"]
    assert gebruikers.authenticate(restored, "anouk", passwords["anouk"]) is not None
    assert [e.actie for e in logboek.read(restored)][:2] == ["backup teruggezet", "gebruiker toegevoegd"]
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == "whoosh" and manifest["fingerprint"] == index.rules_fingerprint()
    assert manifest["documenten"] == 1 and "gebruikers.json" in manifest["bestanden"]


def test_restoring_into_a_non_empty_dir_is_refused(archive, tmp_path, cli):
    target = tmp_path / "bezet"
    target.mkdir()
    (target / "notitie.txt").write_text("van iemand anders", encoding="utf-8")
    answer = cli("restore", str(archive), data=target)
    assert answer.returncode == 2 and "niet leeg" in answer.stderr
    assert [p.name for p in target.iterdir()] == ["notitie.txt"]


def _damaged(archive: Path, tmp_path: Path, how: str) -> Path:
    content = bytearray(archive.read_bytes())
    if how == "afgekapt":
        content = content[: len(content) * 2 // 3]
    elif how == "byte":
        content[len(content) // 2] ^= 0x01
    else:  # a checksum that does not match: one byte changed inside a record, the archive rebuilt around it
        raw = bytearray(gzip.decompress(bytes(content)))
        at = raw.index(b'"werkplan-zeeland"')
        raw[at + 1] = ord("W")
        content = bytearray(gzip.compress(bytes(raw)))
    path = tmp_path / f"{how}.tar.gz"
    path.write_bytes(bytes(content))
    return path


@pytest.mark.parametrize("how", ["afgekapt", "byte", "inhoud"])
def test_a_damaged_archive_is_refused_by_name_and_nothing_is_written(archive, tmp_path, cli, how):
    bad = _damaged(archive, tmp_path, how)
    target = tmp_path / "nieuw"
    answer = cli("restore", str(bad), data=target)
    assert answer.returncode == 2 and str(bad) in answer.stderr and "niets geschreven" in answer.stderr
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_index_of_older_rules_is_rebuilt_from_the_originals(small_data, tmp_path):
    (small_data.index / index.RULES_FILE).write_text("oud-0000\n", encoding="utf-8")  # as an older version left it
    assert index.stale_rules(small_data)
    path = tmp_path / "oud.tar.gz"
    backup.backup(small_data, path)
    restored = DataDir(tmp_path / "nieuw")
    backup.restore(restored, path)
    assert index.stale_rules(restored) is None and check(restored) == []
    assert [e.actie for e in logboek.read(restored)][:2] == ["backup teruggezet", "index opnieuw opgebouwd"]


def test_backup_during_an_ingest_holds_exactly_what_was_committed(tmp_path, cli):
    if not DOCUMENTEN.is_dir():
        pytest.skip("het gedeelde corpus (../shared/corpus/documenten) ontbreekt")
    data = DataDir(tmp_path / "data")
    ingest = subprocess.Popen([*cli.command, "--data", str(data.root), "ingest", str(DOCUMENTEN)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not _committed(data) and ingest.poll() is None:
            time.sleep(0.05)
        before = _committed(data)
        path = tmp_path / "tijdens.tar.gz"
        manifest = backup.backup(data, path)
        after = _committed(data)
    finally:
        out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    restored = DataDir(tmp_path / "nieuw")
    backup.restore(restored, path)
    held = {r.id for r in Store(restored).all()}
    assert before <= held <= after and len(held) == manifest["documenten"]
    assert all(r.status == "indexed" for r in Store(restored).all())
    assert check(restored) == [] and set(index.indexed_documents(index.open_index(restored))) == held
    assert not list(data.cache.glob("backup-*"))  # the staging folder went


def _committed(data: DataDir) -> set[str]:
    """The ids of the documents the index has (their records say so)."""
    return {r.id for r in Store(data).all() if r.status == "indexed"}


def test_a_tantivy_index_is_carried_over_as_it_is(tmp_path):
    from kennisbank.documents import add_bytes

    data = DataDir(tmp_path / "data").ensure()
    index.open_index(data, engine_name="tantivy")
    text = ("# Werkplan Friesland\n\n" + "Het lokale team en de gecertificeerde instelling bespreken samen met "
            "ouders welke hulp nodig is en wie wat doet. " * 8).encode("utf-8")
    assert add_bytes(data, text, "werkplan-friesland.md").ok
    manifest = backup.backup(data, tmp_path / "tantivy.tar.gz")
    restored = DataDir(tmp_path / "nieuw")
    backup.restore(restored, tmp_path / "tantivy.tar.gz")
    assert manifest["engine"] == "tantivy" and index.built_by(restored.index) == "tantivy"
    assert check(restored) == [] and set(index.indexed_documents(index.open_index(restored))) == {"werkplan-friesland"}
    assert "index opnieuw opgebouwd" not in [e.actie for e in logboek.read(restored)]  # used as it was
