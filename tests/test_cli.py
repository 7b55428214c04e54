"""The real `kennisbank` command in subprocesses: exit codes, output, JSON shapes, --data and KENNISBANK_DATA."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kennisbank import index
from kennisbank.config import ENV_VAR, DataDir
from kennisbank.store import Store, sha256
from kennisbank.taxonomie import load as load_taxonomie

ROOT = Path(__file__).resolve().parents[1]
KAPOT = ROOT.parent / "shared" / "corpus" / "kapot"
KENNISBANK = ROOT / ".venv" / "bin" / "kennisbank"
if not KENNISBANK.exists():  # another environment: the console script next to this Python
    KENNISBANK = Path(sys.executable).with_name("kennisbank")

# Our own small document (not from the shared corpus).
PLAN = """# Werkplan Zeeland

## Aanpak

De proeftuin tekent de klantreis van een gezin uit, van de eerste melding tot de afsluiting. Het lokale team
en de gecertificeerde instelling zitten samen met ouders aan tafel, zodat niemand zijn verhaal twee keer
hoeft te doen. Een pelikaanmodel helpt de stappen te ordenen.
"""


def run(*args: str, data: Path | None = None, env: dict | None = None, cwd: Path | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the console script; --data only when given, KENNISBANK_DATA only when env sets it."""
    environment = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    environment.update(env or {})
    command = [str(KENNISBANK), *(["--data", str(data)] if data else []), *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, cwd=cwd, timeout=timeout)


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".lock" not in p.name)


@pytest.fixture(scope="module")
def kapot_run(tmp_path_factory):
    """One `ingest` of every broken file plus two good ones: (result, data dir, folder)."""
    if not KAPOT.is_dir():
        pytest.skip("het gedeelde corpus (../shared/corpus/kapot) ontbreekt")
    folder = tmp_path_factory.mktemp("invoer")
    for path in KAPOT.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "goed-plan.md").write_text(PLAN, encoding="utf-8")
    data = tmp_path_factory.mktemp("cli") / "data"
    return run("ingest", str(folder), data=data), DataDir(data), folder


def test_ingest_refuses_each_broken_file_in_one_line_and_keeps_the_others(kapot_run):
    result, data, folder = kapot_run
    broken = sorted(p.name for p in KAPOT.iterdir() if p.name != "latin1.txt")
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("OCR: ")]  # OCR progress
    assert len(lines) == len(broken), result.stderr
    for name in broken:
        mine = [line for line in lines if line.startswith(f"geweigerd: {name}: ")]
        assert len(mine) == 1, (name, result.stderr)
        assert len(mine[0]) > len(f"geweigerd: {name}: ") + 5  # a reason in words
    assert "toegevoegd: latin1.txt -> latin1 (1 passages)" in result.stdout
    assert "toegevoegd: goed-plan.md -> goed-plan" in result.stdout
    assert f"2 van {len(broken) + 2} bestanden verwerkt, {len(broken)} geweigerd" in result.stdout


def test_refused_files_leave_nothing_in_store_or_index(kapot_run):
    _, data, folder = kapot_run
    store = Store(data)
    assert [r.id for r in store.all()] == ["goed-plan", "latin1"]
    stored = {p.name.split(".")[0] for p in data.originals.iterdir()}
    assert stored == {r.sha256 for r in store.all()}
    for path in KAPOT.iterdir():
        if path.name != "latin1.txt":
            assert sha256(path.read_bytes()) not in stored, path.name
    assert set(index.indexed_documents(index.open_index(data, create=False))) == {"goed-plan", "latin1"}


def test_latin1_text_is_read_with_its_accents(kapot_run):
    _, data, _ = kapot_run
    result = run("document", "latin1", "--json", data=data.root)
    assert result.returncode == 0
    text = json.loads(result.stdout)["passages"][0]["text"]
    assert "Cliënten" in text and "één" in text and "\ufffd" not in text


def test_document_lifecycle_add_present_replace_remove_reindex_check(tmp_path):
    data = tmp_path / "data"
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN, encoding="utf-8")
    added = run("add", str(plan), "--title", "Werkplan", "--region", "zeeland", "--date", "2024-02", data=data)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("toegevoegd: plan.md -> plan (")
    again = run("add", str(plan), data=data)
    assert (again.returncode, again.stdout.split(":")[0]) == (0, "al aanwezig")

    listing = run("documents", "--json", data=data)
    docs = json.loads(listing.stdout)["documents"]
    assert [(d["id"], d["title"], d["region"], d["date"], d["status"]) for d in docs] == \
        [("plan", "Werkplan", "Zeeland", "2024-02", "indexed")]
    text = run("documents", data=data).stdout
    assert text.startswith("plan ") and "Werkplan" in text and "Zeeland" in text

    shown = run("document", "plan", data=data)
    assert shown.returncode == 0 and shown.stdout.startswith("Werkplan (") and ", Zeeland, 2024-02)\n" in shown.stdout
    assert "pelikaanmodel" in shown.stdout

    plan.write_text(PLAN.replace("pelikaanmodel", "flamingoschema"), encoding="utf-8")
    replaced = run("add", str(plan), data=data)
    assert replaced.returncode == 0 and replaced.stdout.startswith("vervangen: plan.md -> plan")
    assert json.loads(run("search", "--json", "pelikaanmodel", data=data).stdout)["hits"] == []
    assert json.loads(run("search", "--json", "flamingoschema", data=data).stdout)["total"] == 1

    ok = run("check", data=data)
    assert (ok.returncode, ok.stdout.strip()) == (0, "in orde: opslag en index komen overeen")
    shutil.rmtree(DataDir(data).index, ignore_errors=True)
    DataDir(data).index.unlink(missing_ok=True)
    for folder in DataDir(data).generations():
        shutil.rmtree(folder)
    broken = run("check", data=data)
    assert broken.returncode == 1 and "reindex" in broken.stdout
    rebuilt = run("reindex", data=data)
    assert (rebuilt.returncode, rebuilt.stdout.strip()) == (0, "index opnieuw opgebouwd: 1 documenten (engine: whoosh)")
    assert json.loads(run("search", "--json", "flamingoschema", data=data).stdout)["total"] == 1
    assert run("check", data=data).returncode == 0

    removed = run("remove", "plan", data=data)
    assert removed.returncode == 0 and removed.stdout.startswith("verwijderd: plan (")
    assert run("documents", data=data).stdout.strip() == "nog geen documenten"
    assert list(DataDir(data).originals.iterdir()) == []
    assert run("check", data=data).returncode == 0


@pytest.mark.parametrize("args, message", [
    (["--type", "roman"], "onbekend documenttype 'roman'"),
    (["--id", "../buiten"], "ongeldige --id"),
    (["--id", "Met Spaties"], "ongeldige --id"),
    (["--date", "gisteren"], "--date moet de vorm"),
    (["--region", "Narnia"], "onbekende regio 'Narnia'"),
])
def test_add_refuses_bad_metadata_before_writing_anything(tmp_path, args, message):
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN, encoding="utf-8")
    result = run("add", str(plan), *args, data=tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.startswith(f"kennisbank: {message}") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_add_of_a_missing_file_is_refused(tmp_path):
    result = run("add", str(tmp_path / "weg.pdf"), data=tmp_path / "data")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("weg.pdf: bestand bestaat niet")
    assert result.stderr.startswith("geweigerd: ") and len(result.stderr.strip().splitlines()) == 1


def test_a_busy_data_dir_is_one_line_and_exit_code_2(kapot_run):
    _, data, _ = kapot_run
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\nfd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('vast', flush=True)\ntime.sleep(60)\n"), str(data.write_lock)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "vast"
        result = run("remove", "latin1", data=data.root, env={index.LOCK_TIMEOUT_VAR: "0.3"})
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert result.stderr.startswith("kennisbank: er loopt al een andere schrijfactie")
    assert len(result.stderr.strip().splitlines()) == 1
    assert Store(data).get("latin1") is not None


def test_unknown_ids_exit_2(kapot_run):
    _, data, _ = kapot_run
    for command in ("document", "remove"):
        result = run(command, "bestaat-niet", data=data.root)
        assert (result.returncode, result.stderr.strip()) == (2, "kennisbank: geen document met id 'bestaat-niet'")


def test_search_json_shape(shared_data):
    result = run("search", "--json", "--limit", "3", "gezinsadvocaat", data=shared_data.root)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"query", "total", "hits", "suggestion"}
    assert answer["query"] == "gezinsadvocaat" and answer["suggestion"] is None
    assert isinstance(answer["total"], int) and answer["total"] >= len(answer["hits"]) > 0
    assert len(answer["hits"]) <= 3
    types = {"document_id": str, "title": str, "type": str, "region": str, "date": str, "page": int,
             "section": str, "text": str, "snippet": str, "score": float}
    for hit in answer["hits"]:
        assert set(hit) >= set(types)
        assert all(isinstance(hit[key], kind) for key, kind in types.items()), hit
        assert "<mark>" in hit["snippet"]
    typo = json.loads(run("search", "--json", "verklarende", "analise", data=shared_data.root).stdout)
    assert typo["suggestion"] == "verklarende analyse" and typo["hits"]


def test_search_text_output_explain_and_limits(shared_data):
    result = run("search", "--explain", "--limit", "2", "RVT", data=shared_data.root)
    assert result.returncode == 0
    assert "passages gevonden" in result.stdout and "\n1. " in result.stdout and "\n3. " not in result.stdout
    assert "   · rvt: " in result.stdout
    bad = run("search", "--limit", "0", "gezin", data=shared_data.root)
    assert bad.returncode == 2 and bad.stderr.startswith("kennisbank: --limit")
    odd = run("search", '"((', "NOT", "regio:", data=shared_data.root)
    assert odd.returncode == 0 and "Traceback" not in odd.stderr


def test_data_flag_and_environment_variable(shared_data, tmp_path):
    via_env = run("documents", "--json", env={ENV_VAR: str(shared_data.root)}, cwd=tmp_path)
    via_flag = run("documents", "--json", data=shared_data.root, env={ENV_VAR: str(tmp_path / "leeg")},
                   cwd=tmp_path)
    expected = sorted(r.id for r in Store(shared_data).all())
    assert len(expected) == 5
    for result in (via_env, via_flag):
        assert result.returncode == 0
        assert sorted(d["id"] for d in json.loads(result.stdout)["documents"]) == expected
    default = run("documents", cwd=tmp_path)  # ./data in the working directory
    assert default.stdout.strip() == "nog geen documenten" and not (tmp_path / "leeg").exists()
    empty = run("search", "gezin", data=tmp_path / "leeg")
    assert empty.returncode == 0 and "de index is nog leeg" in empty.stdout


def test_vergelijk_json_lists_every_region(shared_data):
    result = run("vergelijk", "--json", "volwassenen-GGZ", data=shared_data.root)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["thema"] == "volwassenen-GGZ"
    assert [r["region"] for r in answer["regions"]] == [r.naam for r in load_taxonomie().regios]
    for row in answer["regions"]:
        assert set(row) >= {"region", "addressed", "score", "passages", "evidence"}
        assert isinstance(row["addressed"], bool) and isinstance(row["score"], (int, float))
        for ev in row["evidence"]:
            assert set(ev) >= {"document_id", "title", "page", "section", "text", "snippet"}
    assert {r["region"] for r in answer["regions"] if r["addressed"]} >= {"Flevoland", "Zaanstreek-Waterland"}


def test_vergelijk_text_csv_and_matrix(shared_data):
    text = run("vergelijk", "gezinsadvocaat", data=shared_data.root)
    assert text.returncode == 0 and "✓ Hart van Brabant" in text.stdout and "· Zeeland" in text.stdout
    side = run("vergelijk", "--csv", "--regio", "Hart van Brabant", "--regio", "zeeland", "gezinsadvocaat",
               data=shared_data.root)
    rows = list(csv.reader(io.StringIO(side.stdout)))
    assert rows[0][:3] == ["regio", "opgepakt", "passages"] and {r[0] for r in rows[1:]} == {"Hart van Brabant",
                                                                                            "Zeeland"}
    matrix = run("vergelijk", "--matrix", "--csv", data=shared_data.root)
    rows = list(csv.reader(io.StringIO(matrix.stdout)))
    assert rows[0][0] == "regio" and len(rows[0]) == 1 + len(load_taxonomie().vraagstukken)
    assert [r[0] for r in rows[1:] if r] == [r.naam for r in load_taxonomie().regios]
    as_json = json.loads(run("vergelijk", "--matrix", data=shared_data.root).stdout)
    assert len(as_json["cells"]) == len(as_json["regions"]) * len(as_json["vraagstukken"])


@pytest.mark.parametrize("args, message", [
    (["--regio", "Narnia", "gezin"], "kennisbank: onbekende regio 'Narnia'"),
    ([], "geef een thema of --matrix"),
])
def test_vergelijk_user_errors(shared_data, args, message):
    result = run("vergelijk", *args, data=shared_data.root)
    assert result.returncode == 2 and result.stderr.startswith(message)


def test_vergelijk_on_an_empty_data_dir(tmp_path):
    result = run("vergelijk", "gezin", data=tmp_path / "leeg")
    assert result.returncode == 2 and "leeg" in result.stderr


def test_taxonomie(tmp_path):
    text = run("taxonomie", data=tmp_path / "leeg")
    assert text.returncode == 0 and "BASISPRINCIPES" in text.stdout and "Gezinsgericht" in text.stdout
    groups = json.loads(run("taxonomie", "--json", data=tmp_path / "leeg").stdout)
    assert {"basisprincipes", "vraagstukken", "regios"} <= set(groups)
    assert not (tmp_path / "leeg").exists()


def test_usage_errors_exit_2():
    assert run().returncode == 2
    assert run("onbekend").returncode == 2
    assert run("--help").returncode == 0


def test_a_broken_own_taxonomy_file_is_named_not_a_traceback(tmp_path):
    data = DataDir(tmp_path / "data").ensure()
    data.taxonomie.mkdir()
    (data.taxonomie / "regios.toml").write_text("[[regio]]\nid = 'x'\n", encoding="utf-8")
    result = run("taxonomie", data=data.root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{data.taxonomie / 'regios.toml'} x: 'naam' en 'landelijk' (true/false) zijn verplicht" in result.stderr
