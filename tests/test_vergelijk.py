"""Comparing proeftuinen per vraagstuk on the shared corpus: who addresses it, with their own passages as proof."""
from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import pytest

from kennisbank import vergelijk
from kennisbank.search.engine import Engine
from kennisbank.taxonomie import load as load_taxonomie

FACTSHEET = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "documenten" / "factsheet-proeftuinen.md"
EVIDENCE_KEYS = {"document_id", "title", "page", "section", "text", "snippet"}


@pytest.fixture(scope="module")
def engine(shared_data) -> Engine:
    eng = Engine(shared_data)
    yield eng
    eng.close()


def _region(result: dict, name: str) -> dict:
    return next(r for r in result["regions"] if r["region"] == name)


def _stored(engine: Engine, evidence: dict) -> dict:
    """The stored fields of an evidence passage."""
    return engine.searcher().passage(f"{evidence['document_id']}:{evidence['position']}")


def _factsheet_assignment(name: str) -> str:
    """The factsheet's own 'Specifieke opdracht voor proeftuin <name>' list (read from the shared text)."""
    text = FACTSHEET.read_text(encoding="utf-8")
    found = re.search(rf"Specifieke opdracht voor proeftuin {re.escape(name)}\s*\n(.*?)\n\s*\n(?=[A-Z])", text, re.S)
    return found.group(1) if found else ""


@pytest.mark.parametrize("region, name_in_factsheet", [
    ("Flevoland", "Flevoland"), ("Zaanstreek-Waterland", "Zaanstreek-Waterland"),
    ("Gelderland-Zuid", "Gelderland Zuid"),
])
def test_regions_the_factsheet_assigns_a_vraagstuk_address_it_with_their_own_passage(engine, region,
                                                                                     name_in_factsheet):
    if not FACTSHEET.is_file():
        pytest.skip("het gedeelde corpus ontbreekt")
    assert re.search(r"volwassenen[- ]ggz", _factsheet_assignment(name_in_factsheet), re.I)  # the factsheet says so
    row = _region(vergelijk.compare(engine, "volwassenen-GGZ"), region)
    assert row["addressed"] and row["passages"] >= 1 and row["score"] > 0
    own = [ev for ev in row["evidence"] if ev["document_id"] == "factsheet-proeftuinen"
           and ev["section"].startswith(f"Proeftuin {name_in_factsheet}")]
    assert own, [ev["section"] for ev in row["evidence"]]
    for ev in row["evidence"]:
        assert set(ev) >= EVIDENCE_KEYS and "<mark>" in ev["snippet"]
        assert region in _stored(engine, ev)["passage_regio"].split(",")


def test_a_region_only_mentioned_in_another_regions_passage_does_not_count(engine):
    s = engine.searcher()
    mentioned = [d for d in s.all_passages()
                 if {"West-Brabant West", "west-brabant-west"} & set(d["genoemd"].split(","))
                 and "Hart van Brabant" in d["passage_regio"].split(",")
                 and "complexe-scheidingen" in d["thema"].split(",")]
    assert mentioned  # a Hart van Brabant passage about complexe scheidingen names West-Brabant West
    result = vergelijk.compare(engine, "complexe scheidingen")
    assert result["vraagstuk"] == "complexe-scheidingen"
    assert _region(result, "Hart van Brabant")["addressed"]
    west = _region(result, "West-Brabant West")
    assert (west["addressed"], west["passages"], west["evidence"]) == (False, 0, [])


@pytest.mark.parametrize("thema", ["volwassenen-GGZ", "complexe scheidingen", "verklarende analyse",
                                   "gezinsadvocaat"])
def test_evidence_always_belongs_to_the_region(engine, thema):
    for row in vergelijk.compare(engine, thema)["regions"]:
        assert row["addressed"] == (row["passages"] >= 1) == bool(row["evidence"])
        assert len(row["evidence"]) <= min(row["passages"], vergelijk.EVIDENCE)
        for ev in row["evidence"]:
            stored = _stored(engine, ev)["passage_regio"].split(",")
            assert row["region"] in stored, (thema, row["region"], ev["section"])


def test_free_text_thema_outside_the_taxonomy(engine):
    result = vergelijk.compare(engine, "gezinsadvocaat")
    assert result["vraagstuk"] is None and result["label"] == "gezinsadvocaat"
    addressed = [r["region"] for r in result["regions"] if r["addressed"]]
    assert addressed == ["Hart van Brabant"]
    for ev in _region(result, "Hart van Brabant")["evidence"]:
        assert "gezinsadvocaat" in ev["text"].lower()
        assert "<mark>gezinsadvocaat</mark>" in ev["snippet"]


def test_compare_shape_lists_every_known_region(engine):
    result = vergelijk.compare(engine, "verklarende analyse")
    assert set(result) >= {"thema", "regions"} and result["thema"] == "verklarende analyse"
    assert [r["region"] for r in result["regions"]] == [r.naam for r in load_taxonomie().regios]
    for row in result["regions"]:
        assert set(row) >= {"region", "addressed", "score", "passages", "evidence"}
        assert isinstance(row["addressed"], bool) and isinstance(row["passages"], int)
        assert all(set(ev) >= EVIDENCE_KEYS for ev in row["evidence"])


def test_selected_regions_by_any_of_their_names(engine):
    result = vergelijk.compare(engine, "netwerkdossier", ["zeeland", "Gelderland Zuid", "proeftuin Friesland"])
    assert [r["region"] for r in result["regions"]] == ["Zeeland", "Gelderland-Zuid", "Friesland"]
    with pytest.raises(ValueError, match="onbekende regio 'Narnia'"):
        vergelijk.compare(engine, "netwerkdossier", ["Narnia"])


def test_matrix_shape_and_agreement_with_compare(engine):
    m = vergelijk.matrix(engine)
    tax = load_taxonomie()
    assert m["regions"] == [r.naam for r in tax.regios]
    assert [v["id"] for v in m["vraagstukken"]] == [c.id for c in tax.vraagstukken]
    assert len(m["cells"]) == len(m["regions"]) * len(m["vraagstukken"])
    cells = {(c["region"], c["vraagstuk"]): c for c in m["cells"]}
    assert all(c["addressed"] == (c["passages"] >= 1) for c in m["cells"])
    for concept in ("volwassenen-ggz", "complexe-scheidingen"):
        label = next(c.label for c in tax.vraagstukken if c.id == concept)
        for row in vergelijk.compare(engine, label)["regions"]:
            assert cells[(row["region"], concept)]["passages"] == row["passages"], (concept, row["region"])
    assert sum(c["passages"] for c in m["cells"]) > 0


def test_matrix_csv_has_a_row_per_region_and_a_column_per_vraagstuk(engine):
    m = vergelijk.matrix(engine, ["Flevoland", "Zeeland"])
    rows = list(csv.reader(io.StringIO(vergelijk.matrix_csv(m))))
    assert rows[0] == ["regio", *[v["label"] for v in m["vraagstukken"]]]
    assert [r[0] for r in rows[1:]] == ["Flevoland", "Zeeland"]
    cells = {(c["region"], c["vraagstuk"]): c["passages"] for c in m["cells"]}
    for row in rows[1:]:
        assert [int(x) for x in row[1:]] == [cells[(row[0], v["id"])] for v in m["vraagstukken"]]


def test_compare_csv_lists_evidence_rows(engine):
    result = vergelijk.compare(engine, "gezinsadvocaat")
    rows = list(csv.reader(io.StringIO(vergelijk.compare_csv(result))))
    assert rows[0] == ["regio", "opgepakt", "passages", "score", "document", "pagina", "sectie", "tekst"]
    hart = [r for r in rows[1:] if r[0] == "Hart van Brabant"]
    assert len(hart) == len(_region(result, "Hart van Brabant")["evidence"]) and all(r[1] == "ja" for r in hart)
    assert all("gezinsadvocaat" in r[7].lower() for r in hart)
    others = [r for r in rows[1:] if r[0] != "Hart van Brabant"]
    assert len(others) == len(result["regions"]) - 1 and all(r[1:3] == ["nee", "0"] for r in others)


def test_matrix_build_time_is_reported(engine, record_property):
    engine.searcher()  # the index is open
    started = time.perf_counter()
    vergelijk.matrix(engine)
    seconds = time.perf_counter() - started
    record_property("matrix_seconds", round(seconds, 4))
    print(f"\nmatrix (alle regio's x vraagstukken) in {seconds * 1000:.1f} ms")


def test_evidence_lists_every_passage_that_counts_for_each_region(engine):
    everything = vergelijk.evidence(engine, "klantreis")
    compared = vergelijk.compare(engine, "klantreis")
    assert everything["vraagstuk"] == "klantreis" and everything["label"] == compared["label"]
    for region in compared["regions"]:
        mine = [p for p in everything["passages"] if region["region"] in p["regions"]]
        assert len(mine) == region["passages"]  # the same rule, all of it instead of the best three
        best = {(e["document_id"], e["position"]) for e in region["evidence"]}
        assert best <= {(p["document_id"], p["position"]) for p in mine}
    assert all(p["snippet"] and p["regions"] for p in everything["passages"])
    zeeland = vergelijk.evidence(engine, "klantreis", ["Zeeland"])["passages"]
    assert zeeland and all(p["regions"] == ["Zeeland"] for p in zeeland)
