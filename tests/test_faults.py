"""Faults that really happen: killed writers, full or read-only disks, damaged indexes, parallel writers.

Every fault is real: CLI processes are SIGKILLed at many moments, writes fail on a tiny tmpfs, a
read-only bind mount or under RLIMIT_FSIZE (all three bind root, unlike chmod), index files are
deleted or cut short. After each fault the data dir must be consistent: every document fully
searchable or absent, `kennisbank check` naming exactly what is unfinished, and a rerun repairing it.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from kennisbank import documents, index
from kennisbank.config import DataDir
from kennisbank.search.engine import Engine
from kennisbank.store import RecordStatus, Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
_SCRIPT = Path(sys.executable).with_name("kennisbank")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "kennisbank.cli"]
NEW_DOC = ROOT / "corpus" / "uitvoeringsplan-hart-van-brabant.txt"  # the project's own demo text, not in SHARED
WORD = "gezin"  # a word every shared document uses

pytestmark = pytest.mark.skipif(not (SHARED / "manifest.json").is_file(), reason="../shared/corpus ontbreekt")


# --- helpers -------------------------------------------------------------------------------------------------

def _env(**extra: str) -> dict[str, str]:
    """The environment for a CLI run: no KENNISBANK_* settings from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    env.update(extra)
    return env


def cli(data: DataDir, *args: str, timeout: float = 180, env: dict | None = None,
        preexec=None) -> subprocess.CompletedProcess:
    """Run `kennisbank --data D ...` to its end."""
    return subprocess.run([*CLI, "--data", str(data.root), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env=env or _env(), preexec_fn=preexec)


def no_traceback(proc: subprocess.CompletedProcess | tuple) -> None:
    """A CLI run ended with a message, never a Python traceback."""
    stderr = proc.stderr if isinstance(proc, subprocess.CompletedProcess) else proc[1]
    assert "Traceback" not in stderr and "Error:" not in stderr.split("kennisbank:")[0], stderr[-2000:]


def copy_data(src: DataDir, dest: Path) -> DataDir:
    """A copy of a data dir (its index link stays a link)."""
    shutil.copytree(src.root, dest, symlinks=True)
    return DataDir(dest)


def indexed(data: DataDir) -> dict[str, tuple[str, int]]:
    """Document id -> (sha256, passages) as the index holds them; {} when there is no index yet."""
    if not index.exists(data):
        return {}
    return index.indexed_documents(index.open_index(data, create=False))


def unfinished(data: DataDir) -> set[str]:
    """The ids on which store and index disagree, worked out from the files themselves."""
    store = Store(data)
    records = {r.id: r for r in store.all()}
    found = indexed(data)
    bad = {i for i, r in records.items() if r.status != RecordStatus.INDEXED or found.get(i) != (r.sha256, r.passages)
           or not store.original_path(r).exists()}
    return bad | (found.keys() - records.keys())


def assert_consistent(data: DataDir, reference: dict[str, tuple[str, int]],
                      via_cli: bool = True) -> dict[str, tuple[str, int]]:
    """Every document is complete or absent, and `check` names exactly the unfinished ones; returns the index.

    via_cli=False asks documents.check in this process (what `kennisbank check` prints), which saves a process.
    """
    found = indexed(data)  # opens the index: it must open after any fault
    for doc_id, version in found.items():
        assert version == reference[doc_id], f"{doc_id} half in de index: {version} != {reference[doc_id]}"
    engine = Engine(data)
    try:
        for doc_id in reference:
            answer = engine.search(f"document:{doc_id}", facets=False) if found else {"total": 0}
            assert answer["total"] == found.get(doc_id, ("", 0))[1], doc_id
    finally:
        engine.close()
    bad = unfinished(data)
    if not via_cli:
        problems = documents.check(data)
        assert {line.split(":")[0] for line in problems} == bad, problems
        return found
    check = cli(data, "check")
    no_traceback(check)
    named = {line.split(":")[0] for line in check.stdout.splitlines() if not line.startswith("in orde")}
    assert named == bad, check.stdout
    assert check.returncode == (1 if bad else 0), check.stdout
    return found


def _snapshot(data: DataDir) -> dict:
    """What a writer changes: files of records, originals and index generations, and the active generation."""
    files = {}
    for folder in (data.records, data.originals, *data.generations()):
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            files[entry.path] = (st.st_size, st.st_mtime_ns)
    try:
        link = os.readlink(data.index)
    except OSError:
        link = ""
    return {"files": files, "link": link}


def first_write(before: dict, now: dict) -> bool:
    """Any record, original or index file changed."""
    return now != before


def commit_started(before: dict, now: dict) -> bool:
    """A new index file other than a table of contents or a lock: whoosh is writing a segment."""
    return any(p not in before["files"] and "index-" in p and not p.endswith((".toc", "WRITELOCK"))
               for p in now["files"])


def link_switched(before: dict, now: dict) -> bool:
    """data/index points at another generation: reindex has just activated its new index."""
    return now["link"] != before["link"]


def kill_when(data: DataDir, args: list[str], event=first_write, delay: float = 0.0, timeout: float = 120) -> bool:
    """Run the CLI and SIGKILL it `delay` s after `event` is seen in the data dir; False when it ended first."""
    before = _snapshot(data)
    proc = subprocess.Popen([*CLI, "--data", str(data.root), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=_env())
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and not event(before, _snapshot(data)):
            assert time.monotonic() < deadline, f"{args}: niets gezien binnen {timeout} s"
            time.sleep(0.002)
        end = time.monotonic() + delay
        while proc.poll() is None and time.monotonic() < end:
            time.sleep(0.001)
        if proc.poll() is not None:
            return False
        proc.send_signal(signal.SIGKILL)
        return True
    finally:
        proc.wait()


_IN_PROCESS = threading.Lock()  # the in-process checks share whoosh and analysis state: one at a time


def in_parallel(*jobs) -> list:
    """Run the callables in two threads (the CLI processes they start use both cores); their results in order."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return [f.result() for f in [pool.submit(job) for job in jobs]]


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """Copies of the shared PDFs and text versions, with a manifest that gives the two versions their own ids."""
    folder = tmp_path_factory.mktemp("bron")
    manifest = []
    for entry in json.loads((SHARED / "manifest.json").read_text(encoding="utf-8")):
        for key, suffix in (("pdf", ""), ("text", "-tekst")):
            src = SHARED / entry[key]
            shutil.copy(src, folder / src.name)
            manifest.append({"file": src.name, "id": entry["id"] + suffix, "title": entry["title"] + suffix,
                             "type": entry["type"], "region": entry["region"], "date": entry["date"]})
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def complete(source, tmp_path_factory) -> tuple[DataDir, dict[str, tuple[str, int]]]:
    """A data dir with the whole source ingested by the CLI, and its index as the reference."""
    data = DataDir(tmp_path_factory.mktemp("compleet") / "data")
    run = cli(data, "ingest", str(source))
    assert run.returncode == 0, run.stderr
    reference = indexed(data)
    assert len(reference) == 10 and not unfinished(data)
    return data, reference


# --- SIGKILL -------------------------------------------------------------------------------------------------

# Seconds between a writer's first change to the data dir and the kill: the first ones land inside storing
# the original, the pending record and the index commit; the later ones in later documents.
INGEST_DELAYS = [0, 0.003, 0.01, 0.02, 0.04, 0.06, 0.09, 0.12, 0.16, 0.2, 0.25, 0.3, 0.35, 0.42, 0.5,
                 0.6, 0.75, 0.9, 1.2, 1.6]


def _kill_ingests(source: Path, folder: Path, reference: dict, delays: list[float]) -> list[int]:
    """One chain of killed ingests in data dirs under folder; how many documents each kill left unfinished."""
    data, fresh, left = DataDir(folder / "d0"), 0, []
    for n, delay in enumerate(delays):
        while not kill_when(data, ["ingest", str(source)], first_write, delay):
            with _IN_PROCESS:  # it ran to its end before the kill: fine, and start over in a new dir
                assert assert_consistent(data, reference) == reference
            fresh += 1
            assert fresh < 4, "de ingest was steeds klaar voor de kill"
            data = DataDir(folder / f"d{fresh}")
        with _IN_PROCESS:
            assert_consistent(data, reference, via_cli=n % 4 == 0)
            left.append(len(unfinished(data)))
    rerun = cli(data, "ingest", str(source))
    assert rerun.returncode == 0, rerun.stderr
    no_traceback(rerun)
    with _IN_PROCESS:
        assert assert_consistent(data, reference) == reference and not unfinished(data)
    return left


@pytest.mark.slow
def test_ingest_killed_at_20_moments_leaves_every_document_whole_or_absent(source, complete, tmp_path):
    _, reference = complete
    left = in_parallel(lambda: _kill_ingests(source, tmp_path / "a", reference, INGEST_DELAYS[0::2]),
                       lambda: _kill_ingests(source, tmp_path / "b", reference, INGEST_DELAYS[1::2]))
    kills = left[0] + left[1]
    assert len(kills) == len(INGEST_DELAYS)
    assert any(kills), "geen enkele kill viel tussen het 'pending'-record en de commit"


def _kill_reindexes(data: DataDir, reference: dict, moments: list) -> int:
    """Kill reindex at each (event, delay); after every kill the index is whole. Returns the number killed."""
    with _IN_PROCESS:
        for doc_id in sorted(reference)[4:]:  # four documents are enough, and make each run shorter
            documents.remove(data, doc_id)
        reference = {k: v for k, v in reference.items() if k in sorted(reference)[:4]}
    killed = 0
    for event, delay in moments:
        killed += kill_when(data, ["reindex"], event, delay)
        with _IN_PROCESS:
            assert assert_consistent(data, reference, via_cli=event is link_switched) == reference  # whole
    rerun = cli(data, "reindex")
    assert rerun.returncode == 0, rerun.stderr
    with _IN_PROCESS:
        assert assert_consistent(data, reference) == reference
    assert [p.name for p in data.generations()] == [os.readlink(data.index)]  # leftovers cleared
    return killed


@pytest.mark.slow
def test_reindex_killed_at_many_moments_keeps_a_whole_index(complete, tmp_path):
    full, reference = complete
    first = [(first_write, 0), (commit_started, 0), (link_switched, 0)]
    second = [(first_write, 2.0), (commit_started, 0.2), (link_switched, 0.005)]
    killed = in_parallel(lambda: _kill_reindexes(copy_data(full, tmp_path / "a"), reference, first),
                         lambda: _kill_reindexes(copy_data(full, tmp_path / "b"), reference, second))
    assert sum(killed) >= 5, killed


@pytest.mark.slow
def test_remove_killed_at_many_moments_then_repeated_removes_cleanly(complete, tmp_path):
    full, reference = complete
    data = copy_data(full, tmp_path / "data")
    delays = [0, 0.002, 0.005, 0.01, 0.02, 0.05]
    for doc_id, delay in zip(sorted(reference), delays):
        kill_when(data, ["remove", doc_id], first_write, delay)
        assert_consistent(data, reference, via_cli=delay == 0)
        again = cli(data, "remove", doc_id)
        no_traceback(again)
        assert again.returncode in (0, 2), again.stderr  # 2: it was already gone ("geen document met id")
        assert doc_id not in assert_consistent(data, reference, via_cli=False)
        assert not unfinished(data)


# --- damaged index -------------------------------------------------------------------------------------------

def _segment(data: DataDir) -> Path:
    return max(data.index.glob("*.seg"), key=lambda p: p.stat().st_size)


DAMAGE = {
    "segment weg": lambda d: _segment(d).unlink(),
    "segment leeg": lambda d: os.truncate(_segment(d), 0),
    "segment half": lambda d: os.truncate(_segment(d), _segment(d).stat().st_size // 2),
    "toc afgekapt": lambda d: os.truncate(next(d.index.glob("*.toc")), 100),
    "toc weg": lambda d: next(d.index.glob("*.toc")).unlink(),
    "indexmap weg": lambda d: shutil.rmtree(d.index.resolve()),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_is_reported_with_the_way_out(complete, tmp_path, damage, make_app):
    full, reference = complete
    data = copy_data(full, tmp_path / "data")
    DAMAGE[damage](data)
    search = cli(data, "search", WORD)
    no_traceback(search)
    assert search.returncode != 0 and "kennisbank reindex" in search.stderr, (search.stdout, search.stderr)
    check = cli(data, "check")
    assert check.returncode == 1 and "kennisbank reindex" in check.stdout, check.stdout
    with pytest.raises(index.IndexDamagedError, match="reindex"):
        index.open_index(data)  # a writer must not quietly start a new, empty index
    answer = make_app(data).test_client().get(f"/api/search?q={WORD}")
    assert answer.status_code == 503 and "reindex" in answer.get_json()["error"]


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["segment half"])
def test_reindex_restores_a_damaged_index_from_the_originals(complete, tmp_path, damage):
    full, reference = complete
    data = copy_data(full, tmp_path / "data")
    DAMAGE[damage](data)
    run = cli(data, "reindex")
    assert run.returncode == 0, run.stderr
    assert "10 documenten" in run.stdout
    assert assert_consistent(data, reference) == reference
    search = cli(data, "search", WORD, "--json")
    assert search.returncode == 0 and json.loads(search.stdout)["total"] > 0


def test_index_of_an_older_schema_asks_for_reindex(complete, tmp_path):
    full, reference = complete
    data = copy_data(full, tmp_path / "data")
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    shutil.rmtree(data.index.resolve())
    data.index.resolve().mkdir()
    whoosh_index.create_in(str(data.index), Schema(pid=ID(stored=True)), indexname="passages")
    search = cli(data, "search", WORD)
    no_traceback(search)
    assert search.returncode == 2 and "kennisbank reindex" in search.stderr


# --- full and read-only disks ----------------------------------------------------------------------------------

@contextmanager
def mounted(path: Path, *args: str) -> Iterator[Path]:
    """Mount something at path for the block (root only; skips where mounting is not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *args, str(path)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"mount niet toegestaan hier: {done.stderr.strip()[:200]}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system of folder until only about `leave` bytes are free; returns the filler file."""
    filler = folder / "vulling"
    st = os.statvfs(folder)
    todo = st.f_bavail * st.f_frsize - leave
    block = b"\0" * 2**20
    with open(filler, "wb") as fh:
        try:
            while todo > 0:
                fh.write(block[:todo])
                todo -= len(block)
        except OSError:
            pass
    return filler


def assert_unchanged_after_failed_add(data: DataDir, reference: dict, run: subprocess.CompletedProcess) -> None:
    """A refused write: a one-line reason, the old documents searchable, nothing half-done."""
    no_traceback(run)
    assert run.returncode != 0
    assert run.stderr.startswith("kennisbank: ") or "geweigerd" in run.stderr, run.stderr
    search = cli(data, "search", WORD, "--json")
    assert search.returncode == 0 and json.loads(search.stdout)["total"] > 0, search.stderr
    assert assert_consistent(data, reference) == reference
    assert not unfinished(data)


def cli_many(runs: list[tuple]) -> list[subprocess.CompletedProcess]:
    """Run several (data, args, preexec) CLI commands at the same time; their results in order."""
    procs = [subprocess.Popen([*CLI, "--data", str(data.root), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env(), preexec_fn=pre)
             for data, args, pre in runs]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


# Free space left (KB) and where the add then fails: storing the original, the pending record, the postings
# and the assembly of the compound segment (found by running it; 400 KB is enough).
FREE_KB = {0: "origineel", 8: "record", 48: "postings", 280: "segment samenvoegen"}


@pytest.mark.slow
def test_full_disk_during_add_leaves_the_previous_state(complete, tmp_path):
    full, reference = complete
    with ExitStack() as mounts:
        runs = []
        for kb in FREE_KB:
            fs = mounts.enter_context(mounted(tmp_path / f"fs{kb}", "-t", "tmpfs", "-o", "size=24m", "tmpfs"))
            data = copy_data(full, fs / "data")
            runs.append((data, ["add", str(NEW_DOC)], None))
            fill(fs, kb * 1024)
        failed = 0
        for (data, _, _), run, kb in zip(runs, cli_many(runs), FREE_KB):
            if run.returncode == 0 and kb >= 48:  # a smaller index segment than when written: it fitted
                assert not unfinished(data) and len(indexed(data)) == len(reference) + 1
                continue
            assert "kan niet schrijven in de datamap" in run.stderr and "No space left" in run.stderr, (kb, run)
            assert_unchanged_after_failed_add(data, reference, run)
            failed += 1
        assert failed >= 3
        data = runs[2][0]
        (data.root.parent / "vulling").unlink()
        again = cli(data, "add", str(NEW_DOC))
        assert again.returncode == 0, again.stderr
        assert not unfinished(data) and len(indexed(data)) == len(reference) + 1


@pytest.mark.slow
def test_read_only_data_dir_refuses_writes_and_still_answers(complete, tmp_path):
    full, reference = complete
    data = copy_data(full, tmp_path / "data")
    with mounted(data.root, "--bind", str(data.root)):
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(data.root)], capture_output=True, text=True)
        if ro.returncode:
            pytest.skip(f"remount ro niet toegestaan: {ro.stderr.strip()[:200]}")
        folder = tmp_path / "nieuw"
        folder.mkdir()
        shutil.copy(NEW_DOC, folder / NEW_DOC.name)
        runs = cli_many([(data, ["ingest", str(folder)], None), (data, ["remove", sorted(reference)[0]], None)])
        for run in runs:
            assert "kan niet schrijven in de datamap" in run.stderr and "Read-only" in run.stderr, run.stderr
            assert_unchanged_after_failed_add(data, reference, run)


def _file_size_limit(limit: int):
    """preexec_fn: writes beyond `limit` bytes per file fail with EFBIG (RLIMIT_FSIZE binds root too)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
def test_write_failing_inside_the_index_commit_rolls_back(complete, tmp_path):
    """No mount needed: the new segment file outgrows RLIMIT_FSIZE in the middle of the commit."""
    full, reference = complete
    replaced = sorted(reference)[0]
    commands = (["add", str(NEW_DOC)], ["add", str(NEW_DOC), "--id", replaced], ["reindex"])
    runs = [(copy_data(full, tmp_path / str(i)), args, _file_size_limit(48 * 1024))
            for i, args in enumerate(commands)]
    for (data, args, _), run in zip(runs, cli_many(runs)):
        assert "kan niet schrijven in de datamap" in run.stderr and "too large" in run.stderr, (args, run.stderr)
        assert_unchanged_after_failed_add(data, reference, run)
        assert Store(data).get(replaced) == Store(full).get(replaced)  # a failed replacement keeps the old record
        assert len(list(data.generations())) == 1  # a failed reindex leaves no half generation
        assert len(list(data.originals.iterdir())) == len(reference)  # no original of the refused file


# --- parallel writers and readers ---------------------------------------------------------------------------

@contextmanager
def lock_held_elsewhere(data: DataDir) -> Iterator[None]:
    """Another process holds the data dir's writer lock for the block."""
    code = ("import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('ok', flush=True); time.sleep(600)")
    data.root.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", code, str(data.write_lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_busy_writer_gets_a_clear_try_again(small_data, small_app, login, csrf_token, monkeypatch):
    monkeypatch.setenv("KENNISBANK_LOCK_TIMEOUT", "0.5")
    before = indexed(small_data)
    client = login(small_app.test_client())
    with lock_held_elsewhere(small_data):
        run = cli(small_data, "add", str(NEW_DOC), env=_env(KENNISBANK_LOCK_TIMEOUT="0.5"))
        no_traceback(run)
        assert run.returncode == 2 and "probeer het straks opnieuw" in run.stderr, run.stderr
        for args in (["remove", "werkplan-zeeland"], ["reindex"]):
            busy = cli(small_data, *args, env=_env(KENNISBANK_LOCK_TIMEOUT="0.5"))
            assert busy.returncode == 2 and "probeer het straks opnieuw" in busy.stderr, busy.stderr
        page = client.post("/beheer/toevoegen", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client, "/beheer/toevoegen"),
            "bestanden": [(NEW_DOC.open("rb"), NEW_DOC.name)]})
        assert page.status_code == 422 and "probeer het straks opnieuw" in page.get_data(as_text=True)
        assert client.get("/api/search?q=klantreis").status_code == 200  # readers never wait for the lock
    assert indexed(small_data) == before and not unfinished(small_data)


@pytest.mark.slow
def test_four_writers_at_once_all_land_while_searches_keep_answering(source, tmp_path, make_app, login,
                                                                     csrf_token):
    halves = [tmp_path / "a", tmp_path / "b"]
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))[:6]
    for i, half in enumerate(halves):
        half.mkdir()
        mine = [e for n, e in enumerate(manifest) if n % 2 == i or n == 0]  # both take the first file
        for entry in mine:
            shutil.copy(source / entry["file"], half / entry["file"])
        (half / "manifest.json").write_text(json.dumps(mine), encoding="utf-8")
    uploads = [ROOT / "corpus" / "verslag-leertafel-zaanstreek-waterland.md",
               ROOT / "corpus" / "landelijk-kader-basisprincipes.md"]
    data = DataDir(tmp_path / "data")
    app = make_app(data)
    readers_done, answers, outcomes = threading.Event(), [], []

    def upload(path: Path) -> None:
        client = login(app.test_client())
        page = client.post("/beheer/toevoegen", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client, "/beheer/toevoegen"), "bestanden": [(path.open("rb"), path.name)]})
        outcomes.append((path.name, page.status_code, page.get_data(as_text=True)))

    def search() -> None:
        client = app.test_client()
        while not readers_done.is_set():
            answers.append(client.get(f"/api/search?q={WORD}&limit=3").status_code)
            time.sleep(0.2)

    procs = [subprocess.Popen([*CLI, "--data", str(data.root), "ingest", str(h)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env()) for h in halves]
    threads = [threading.Thread(target=upload, args=(p,)) for p in uploads] + [threading.Thread(target=search)]
    for t in threads:
        t.start()
    results = [p.communicate(timeout=300) for p in procs]
    for t in threads[:-1]:
        t.join(timeout=300)
    readers_done.set()
    threads[-1].join()
    for proc, (out, err) in zip(procs, results):
        no_traceback((out, err))
        assert proc.returncode == 0, err
    assert all(status == 200 for _, status, _ in outcomes), [o[:2] for o in outcomes]
    assert answers and set(answers) == {200}, set(answers)
    found = indexed(data)
    assert set(found) >= {e["id"] for e in manifest} and len(found) == len(manifest) + len(uploads)
    assert not unfinished(data)


def test_a_long_running_engine_sees_a_reindex_without_doubles(complete, tmp_path):
    full, reference = complete
    data = copy_data(full, tmp_path / "data")
    engine = Engine(data)
    before = engine.search(WORD, facets=False)["total"]
    for doc_id in list(reference)[:6]:  # deletions in several segments, as a live index has
        documents.remove(data, doc_id)
    after_remove = engine.search(WORD, facets=False)["total"]
    proc = subprocess.Popen([*CLI, "--data", str(data.root), "reindex"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env())
    totals = []
    while proc.poll() is None:
        totals.append(engine.search(WORD, facets=False)["total"])
        time.sleep(0.05)
    assert proc.wait() == 0
    totals.append(engine.search(WORD, facets=False)["total"])
    assert after_remove < before and set(totals) == {after_remove}, (before, after_remove, set(totals))
    assert engine.search(f"document:{sorted(reference)[-1]}", facets=False)["total"] == reference[
        sorted(reference)[-1]][1]
    engine.close()


def test_a_running_web_app_shows_a_replacement_once_and_a_removal_at_once(small_data, small_app):
    client = small_app.test_client()
    count = lambda: client.get("/api/search?q=document:werkplan-zeeland&limit=1").get_json()["total"]  # noqa: E731
    before = count()
    assert before == indexed(small_data)["werkplan-zeeland"][1] > 0
    longer = ("Werkplan Zeeland, tweede versie\n\n" + "De proeftuin werkt met gezinnen en het lokale team. " * 40
              + "\n\nMonitoring\n\n" + "Wij meten per kwartaal hoe gezinnen de hulp ervaren. " * 40)
    outcome = documents.add_bytes(small_data, longer.encode(), "werkplan.txt", {"id": "werkplan-zeeland"})
    assert outcome.status == documents.AddStatus.REPLACED
    assert count() == outcome.passages  # not the old and the new passages together
    documents.remove(small_data, "werkplan-zeeland")
    assert count() == 0
