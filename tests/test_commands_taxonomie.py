"""`kennisbank taxonomie ACTIE` as a real subprocess on copies of the shared data: the taxonomy grows without a
code change, the passages follow, and a running web app sees it without a restart."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kennisbank.config import DataDir
from kennisbank.store import Store

ROOT = Path(__file__).resolve().parents[1]
_SCRIPT = Path(sys.executable).with_name("kennisbank")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "kennisbank.cli"]

# Our own words: a short plan of a proeftuin the package's taxonomy does not know.
HAAGLANDEN = """# Projectplan proeftuin Haaglanden

## Aanpak in Haaglanden

In de proeftuin Haaglanden werken de lokale teams van Den Haag, Zoetermeer en Delft samen met de gecertificeerde
instelling en de Raad voor de Kinderbescherming. Bij elk gezin dat zich meldt maken wij eerst samen met de ouders
en de kinderen een verklarende analyse: wat speelt er, hoe hangen de zorgen met elkaar samen en wat heeft dit
gezin nodig om weer veilig verder te kunnen. Die verklarende analyse is het vertrekpunt voor het plan dat de
professionals met het gezin opstellen, en wij herhalen haar wanneer de situatie verandert.

## Leren en meten

Elk halfjaar bespreken wij met ouders, jongeren en professionals wat de aanpak oplevert. Wij houden bij hoe
vaak een gezin zijn verhaal opnieuw moet vertellen en hoe lang het duurt voordat de hulp begint. De lessen
schrijven wij op in een kort verslag voor de stuurgroep, zodat de werkwijze steeds beter aansluit bij wat
gezinnen in Haaglanden nodig hebben.
"""


def kb(data: DataDir, *args: str) -> subprocess.CompletedProcess:
    """Run `kennisbank --data D ...` to its end."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    return subprocess.run([*CLI, "--data", str(data.root), *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def kb_json(data: DataDir, *args: str) -> dict:
    """Run a command with --json and read its answer."""
    done = kb(data, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def data(shared_data, tmp_path) -> DataDir:
    """A copy of the shared data dir that a test may change."""
    shutil.copytree(shared_data.root, tmp_path / "data", symlinks=True)
    return DataDir(tmp_path / "data")


@pytest.fixture
def plan(tmp_path) -> Path:
    """The Haaglanden plan as a Markdown file."""
    path = tmp_path / "plan-haaglanden.md"
    path.write_text(HAAGLANDEN, encoding="utf-8")
    return path


def haaglanden(result: dict) -> dict | None:
    """Haaglanden's row of a `vergelijk --json` answer."""
    return next((r for r in result["regions"] if r["region"] == "Haaglanden"), None)


def test_a_new_proeftuin_is_compared_with_its_evidence_and_undo_takes_it_away(data, plan, make_app):
    client = make_app(data).test_client()  # started before the change: must see it without a restart
    refused = kb(data, "add", str(plan), "--region", "Haaglanden")
    assert refused.returncode == 2 and "kennisbank taxonomie add regio \"Haaglanden\"" in refused.stderr
    added = kb(data, "taxonomie", "add", "regio", "Haaglanden", "--alias", "Den Haag en omstreken")
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == ["regio 'Haaglanden' (aliassen: Den Haag en omstreken) toegevoegd",
                                         "labels bijgewerkt: 5 documenten, 312 passages"]
    assert kb(data, "add", str(plan), "--region", "Den Haag en omstreken").returncode == 0
    row = haaglanden(kb_json(data, "vergelijk", "verklarende analyse"))
    assert row["addressed"] and [e["document_id"] for e in row["evidence"]] == ["plan-haaglanden"]
    assert "verklarende analyse" in row["evidence"][0]["snippet"].replace("<mark>", "").replace("</mark>", "")
    facets = kb_json(data, "search", "verklarende analyse")["facets"]["regio"]
    assert facets["Haaglanden"] == row["passages"]
    page = client.get("/vergelijk?thema=verklarende+analyse").get_data(as_text=True)
    assert "Haaglanden" in page and "Projectplan proeftuin Haaglanden" in page
    assert "Haaglanden" in client.get("/vergelijk").get_data(as_text=True)
    assert "regio=Haaglanden" in client.get("/?q=verklarende+analyse").get_data(as_text=True)

    undone = kb(data, "taxonomie", "undo")
    assert undone.returncode == 0 and undone.stdout.startswith("ongedaan gemaakt: regio 'Haaglanden'")
    assert haaglanden(kb_json(data, "vergelijk", "verklarende analyse")) is None
    assert "Haaglanden" not in kb_json(data, "search", "verklarende analyse")["facets"]["regio"]
    assert "plan-haaglanden" in kb(data, "documents").stdout and "Haaglanden (onbekende regio)" in kb(
        data, "documents").stdout
    document = kb_json(data, "document", "plan-haaglanden")
    assert document["region"] == "Haaglanden" and "verklarende analyse" in document["passages"][0]["text"]
    assert "onbekende regio" in client.get("/document/plan-haaglanden").get_data(as_text=True)
    assert "Haaglanden" not in client.get("/vergelijk").get_data(as_text=True)
    assert kb(data, "check").returncode == 0
    log = kb_json(data, "taxonomie", "log")["wijzigingen"]
    assert [(c["actie"], c["ongedaan"]) for c in log] == [("toegevoegd", True), ("ongedaan gemaakt", False)]


def test_a_new_vraagstuk_is_a_matrix_row_a_facet_and_a_thema_filter(data):
    change = kb_json(data, "taxonomie", "add", "vraagstuk", "Wachttijden en doorlooptijden", "--term", "wachtlijst",
                     "--term", "wachttijd", "--term", "doorlooptijd")
    assert change["wijziging"]["wat"].startswith("vraagstuk 'Wachttijden en doorlooptijden'")
    assert change["labels"]["state"] == "klaar"
    matrix = kb_json(data, "vergelijk", "--matrix")
    assert {"id": "wachttijden-en-doorlooptijden", "label": "Wachttijden en doorlooptijden"} in matrix["vraagstukken"]
    regions = {c["region"] for c in matrix["cells"] if c["vraagstuk"] == "wachttijden-en-doorlooptijden"
               and c["addressed"]}
    assert regions == {"Rotterdam-Rijnmond", "Centraal Gelderland", "Zuid-Holland Zuid"}
    answer = kb_json(data, "search", "wachtlijst")
    assert answer["facets"]["thema"]["wachttijden-en-doorlooptijden"] > 0
    filtered = kb_json(data, "search", "thema:wachttijden-en-doorlooptijden", "--limit", "100")
    assert filtered["total"] == sum(c["passages"] for c in matrix["cells"]
                                    if c["vraagstuk"] == "wachttijden-en-doorlooptijden")
    assert {h["document_id"] for h in filtered["hits"]} >= {"uitvoeringsplan-zuid-holland-zuid",
                                                             "proeftuin-rotterdam-rijnmond-wij-doen-het-beter"}


def test_refusals_exit_2_with_the_reason_and_change_nothing(data):
    before = sorted(data.taxonomie.glob("*")) if data.taxonomie.exists() else []
    ambiguous = kb(data, "taxonomie", "add", "regio", "Noord-Brabant", "--alias", "Brabant")
    assert ambiguous.returncode == 2 and "de alias 'Brabant' is dubbelzinnig" in ambiguous.stderr
    in_use = kb(data, "taxonomie", "remove", "regio", "Zuid-Holland Zuid")
    assert in_use.returncode == 2 and "wordt nog gebruikt door 1 document" in in_use.stderr
    assert "(met --toch)" in in_use.stderr and "Traceback" not in in_use.stderr
    assert (sorted(data.taxonomie.glob("*")) if data.taxonomie.exists() else []) == before


def test_a_new_document_proposes_the_proeftuin_it_names_and_nieuwe_regio_adds_it(data, plan):
    proposed = kb(data, "add", str(plan))
    assert proposed.returncode == 0
    assert ("voorstel: plan-haaglanden.md noemt 'Haaglanden', een proeftuin of regio die de taxonomie niet kent; "
            "voeg haar toe met 'kennisbank taxonomie add regio \"Haaglanden\"'") in proposed.stdout
    assert Store(data).get("plan-haaglanden").region == ""
    added = kb(data, "add", str(plan), "--nieuwe-regio")
    assert added.returncode == 0, added.stderr
    assert "regio 'Haaglanden' toegevoegd" in added.stdout and "labels bijgewerkt" in added.stdout
    assert Store(data).get("plan-haaglanden").region == "Haaglanden"
    row = haaglanden(kb_json(data, "vergelijk", "verklarende analyse"))
    assert row["addressed"]


def test_export_and_import_move_the_own_taxonomy(data, tmp_path):
    assert kb(data, "taxonomie", "add", "organisatie", "Jeugdhulp Haaglanden", "--afkorting", "JHH").returncode == 0
    exported = kb(data, "taxonomie", "export")
    assert exported.returncode == 0 and '[[organisatie]]\nid = "jeugdhulp-haaglanden"' in exported.stdout
    target = DataDir(tmp_path / "elders")
    (tmp_path / "taxonomie.toml").write_text(exported.stdout, encoding="utf-8")
    imported = kb_json(target, "taxonomie", "import", str(tmp_path / "taxonomie.toml"))
    assert imported["wijziging"]["actie"] == "geïmporteerd" and imported["labels"] is None  # no index there yet
    listed = kb_json(target, "taxonomie")
    assert "JHH" in next(o for o in listed["organisaties"] if o["id"] == "jeugdhulp-haaglanden")["afkortingen"]
    (tmp_path / "kapot.toml").write_text("[[organisatie]\n", encoding="utf-8")
    broken = kb(target, "taxonomie", "import", str(tmp_path / "kapot.toml"))
    assert broken.returncode == 2 and "geen geldige TOML" in broken.stderr
