"""Tests for kennisbank.retag: stored passages tagged again with a changed taxonomy, switched in at once."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kennisbank import documents, index, jobs, retag, taxonomie, vergelijk
from kennisbank.config import DataDir
from kennisbank.search.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
_SCRIPT = Path(sys.executable).with_name("kennisbank")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "kennisbank.cli"]
WACHTTIJDEN = """
[[vraagstuk]]
id = "wachttijden"
label = "Wachttijden en doorlooptijden"
termen = ["wachtlijst", "wachttijd", "doorlooptijd"]
"""
TERMS = ("wachtlijst", "wachttijd", "doorlooptijd")


@pytest.fixture
def data(shared_data, tmp_path) -> DataDir:
    """A copy of the shared data dir that a test may change."""
    shutil.copytree(shared_data.root, tmp_path / "data", symlinks=True)
    return DataDir(tmp_path / "data")


def stored(data: DataDir) -> dict[str, dict]:
    """Passage id -> stored fields of the active index."""
    with index.searcher(index.open_index(data, create=False)) as s:
        return {fields["pid"]: dict(fields) for fields in s.all_passages()}


def add_vraagstuk(data: DataDir) -> None:
    """The layer gets a vraagstuk that the package does not have."""
    data.taxonomie.mkdir(exist_ok=True)
    (data.taxonomie / "vraagstukken.toml").write_text(WACHTTIJDEN, encoding="utf-8")


def test_retagging_with_the_same_taxonomy_writes_the_same_passages(data):
    before, link = stored(data), os.readlink(data.index)
    count, passages = retag.run(data)
    assert count == 5 and passages == len(before)
    assert os.readlink(data.index) != link and stored(data) == before


def test_a_new_vraagstuk_tags_the_stored_passages_of_the_regions_that_name_it(data):
    expected = {r for f in stored(data).values() if any(t in f["text"].lower() for t in TERMS)
                for r in f["passage_regio"].split(",") if r}
    assert expected >= {"Rotterdam-Rijnmond", "Centraal Gelderland", "Zuid-Holland Zuid"}
    add_vraagstuk(data)
    assert any("labels van de passages zijn gemaakt met een andere taxonomie" in p for p in documents.check(data))
    engine = Engine(data)
    assert engine.search("wachtlijst", filters={"thema": ["wachttijden"]})["total"] == 0  # old tags until switched
    retag.run(data)
    assert documents.check(data) == []
    row = [c for c in vergelijk.matrix(engine)["cells"] if c["vraagstuk"] == "wachttijden"]
    assert {c["region"] for c in row if c["addressed"]} == expected
    answer = engine.search("wachtlijst")
    assert answer["facets"]["thema"]["wachttijden"] > 0
    filtered = engine.search("thema:wachttijden")
    assert filtered["total"] == sum(c["passages"] for c in row if c["region"] in expected) > 0
    assert all(any(t in h["text"].lower() for t in TERMS) for h in filtered["hits"])


def test_an_index_built_under_older_rules_is_rebuilt_from_the_originals(data):
    (data.index / index.RULES_FILE).write_text("ouder\n", encoding="utf-8")  # what an older version leaves
    add_vraagstuk(data)
    assert retag.run(data)[0] == 5
    assert index.stale_rules(data) is None and index.stale_tags(data) is None


def new_generation_committed(data: DataDir, active: str) -> bool:
    """A generation beside the active one has a committed segment: re-tagging has written a document."""
    return any(folder.name != active and any(folder.glob("*.seg")) for folder in data.generations())


def test_a_killed_retag_leaves_the_old_tags_and_jobs_run_finishes_it(data):
    add_vraagstuk(data)
    job_id = jobs.submit_retag(data)
    active = os.readlink(data.index)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    proc = subprocess.Popen([*CLI, "--data", str(data.root), "jobs", "--run"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while proc.poll() is None and not new_generation_committed(data, active):
        assert time.monotonic() < deadline, "het bijwerken schreef niets binnen 120 s"
        time.sleep(0.005)
    assert proc.poll() is None, "het bijwerken was klaar voor de kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = [folder.name for folder in data.generations() if folder.name != active]
    assert os.readlink(data.index) == active and left  # old tags in force, the half-made generation left
    assert Engine(data).search("thema:wachttijden")["total"] == 0
    assert jobs.load(data, job_id).state == jobs.JobState.RUNNING
    with taxonomie.using(data):
        assert index.stale_tags(data)
    done = subprocess.run([*CLI, "--data", str(data.root), "jobs", "--run"], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "bijgewerkt" in done.stdout
    assert os.readlink(data.index) == left[0]  # the run went on with the generation the killed one left
    assert jobs.load(data, job_id).state == jobs.JobState.DONE
    assert Engine(data).search("thema:wachttijden")["total"] > 0 and documents.check(data) == []
