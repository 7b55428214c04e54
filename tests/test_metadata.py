"""Metadata inference measured against the real manifests; overrides; manifest reading.

Run this file as a script (`python tests/test_metadata.py`) to print the match table per field.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer import extract, metadata
from indexer.model import DOCUMENT_TYPES, Page

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
DEMO = ROOT / "corpus"
FIELDS = ("title", "title_exact", "type", "region", "date", "year")
needs_shared = pytest.mark.skipif(not (SHARED / "manifest.json").is_file(), reason="gedeeld corpus ontbreekt")


@dataclass
class Row:
    """One file: what the manifest says, what inference found, and which fields match."""

    file: str
    expected: dict
    inferred: metadata.Metadata

    @property
    def matches(self) -> dict[str, bool]:
        """Field -> match: title by word overlap (F1 >= 0.6), date at the manifest's precision or finer."""
        want, got = self.expected, self.inferred
        return {
            "title": title_f1(got.title, want["title"]) >= 0.6,
            "title_exact": _words(got.title) == _words(want["title"]),
            "type": got.type == want["type"],
            "region": got.region == want["region"],
            "date": got.date == want["date"] or got.date.startswith(want["date"] + "-"),
            "year": got.year == want["date"][:4],
        }


def _words(text: str) -> list[str]:
    """Lowercase word tokens."""
    return re.findall(r"\w+", text.lower())


def title_f1(inferred: str, expected: str) -> float:
    """Word-set F1 of an inferred title against the expected one.

    >>> title_f1("Plan van aanpak", "Plan van aanpak Zeeland")
    0.857
    """
    got, want = set(_words(inferred)), set(_words(expected))
    common = len(got & want)
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return round(2 * precision * recall / (precision + recall), 3)


def shared_rows() -> list[Row]:
    """The five shared documents, each as PDF and as text file, against ../shared/corpus/manifest.json."""
    rows = []
    for entry in json.loads((SHARED / "manifest.json").read_text(encoding="utf-8")):
        for key in ("pdf", "text"):
            rows.append(_row(SHARED / entry[key], entry))
    return rows


def demo_rows() -> list[Row]:
    """The project's own demo documents against corpus/manifest.json."""
    return [_row(DEMO / e["file"], e) for e in json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))]


def _row(path: Path, entry: dict) -> Row:
    extracted = extract.extract(path.read_bytes(), path.name)
    return Row(path.name, entry, metadata.infer(extracted.pages, path.name))


def rates(rows: list[Row]) -> dict[str, float]:
    """Field -> share of rows where inference matches the manifest."""
    return {f: sum(r.matches[f] for r in rows) / len(rows) for f in FIELDS}


def report(rows: list[Row], title: str) -> str:
    """A plain-text table: one line per file with the misses spelled out, then the match rate per field."""
    lines = [f"## {title}", f"{'bestand':58} " + " ".join(f"{f:>11}" for f in FIELDS)]
    for r in rows:
        lines.append(f"{r.file[:58]:58} " + " ".join(f"{'ja' if r.matches[f] else 'NEE':>11}" for f in FIELDS))
        for f in ("title", "type", "region", "date"):
            if not r.matches[f]:
                lines.append(f"    {f}: gevonden {getattr(r.inferred, f)!r}, manifest {r.expected[f]!r}")
    lines.append(f"{'match rate (' + str(len(rows)) + ' bestanden)':58} "
                 + " ".join(f"{v:>11.0%}" for v in rates(rows).values()))
    return "\n".join(lines)


@needs_shared
def test_inference_matches_the_shared_manifest(capsys):
    rows = shared_rows()
    assert len(rows) == 10
    with capsys.disabled():
        print("\n" + report(rows, "gedeeld corpus: 5 PDF's + 5 tekstbestanden"))
    found = rates(rows)
    floors = {"title": 0.9, "type": 0.9, "region": 0.9, "date": 0.7, "year": 0.7}
    assert all(found[f] >= floor for f, floor in floors.items()), (found, floors)
    by_file = {r.file: r.inferred for r in rows}
    assert by_file["factsheet-proeftuinen.pdf"].date == "2023-03-29"  # the date under the title
    assert by_file["factsheet-proeftuinen.md"].title == "Toekomstscenario kind- en gezinsbescherming: " \
                                                        "Factsheet Proeftuinen"  # a title block over three lines


def test_inference_matches_the_demo_manifest(capsys):
    rows = demo_rows()
    with capsys.disabled():
        print("\n" + report(rows, "eigen demo-corpus (corpus/)"))
    found = rates(rows)
    assert found["title"] == found["type"] == found["region"] == 1.0, found
    assert found["date"] >= 0.6 and found["year"] == 1.0, found


def test_title_prefers_running_header_then_markdown_heading_then_title_block():
    pages = [Page(n, f"Reeks Oost | Werkplan wijkteams Oost\nTekst op pagina {n}.") for n in (1, 2, 3)]
    assert metadata.infer_title(pages) == "Werkplan wijkteams Oost"
    logo = "**Regio  \nOost**\n\n## Werkplan wijkteams Oost\n\nTekst."
    assert metadata.infer_title([Page(1, logo)]) == "Werkplan wijkteams Oost"
    block = "Werkplan\nwijkteams Oost\n\nAanpak 2024\n\n3 maart 2024\n\nInleiding\n\nTekst van het plan."
    assert metadata.infer_title([Page(1, block)]) == "Werkplan wijkteams Oost: Aanpak 2024"
    assert metadata.infer_title([Page(1, "Inleiding\n\nDit plan gaat over de aanpak in de wijk.")],
                                "werkplan-wijkteams_oost.txt") == "Werkplan wijkteams oost"


def test_date_prefers_the_title_block_over_events_in_the_text():
    text = "Werkplan Oost\nVersie 2, juni 2023\n\n1. Inleiding\nOp 3 maart 2021 besloot het bestuur."
    assert metadata.infer_date([Page(1, text)]) == "2023-06"
    later = "1. Inleiding\nOp 3 maart 2021 besloot het bestuur. In mei 2022 begonnen de teams."
    assert metadata.infer_date([Page(1, later)]) == "2022-05"


def test_type_and_region_signals():
    assert metadata.infer_type("Deel 2 het veranderplan", []) == "projectplan"
    assert metadata.infer_type("Leidraad proeftuinen", []) == "landelijk kader"
    assert metadata.infer_type("Verslag van de leertafel", []) == "overig"
    assert metadata.infer_region("Verslag", [Page(1, "In Zeeland werken we samen.")], "verslag-flevoland.md") \
        == "Flevoland"  # the file name names one region
    meta = metadata.infer([Page(1, "# Kader voor de hele keten\n\nGeen regio genoemd.")], "kader.md")
    assert (meta.type, meta.region) == ("landelijk kader", "landelijk")


def test_overrides_win_and_empty_ones_do_not():
    pages = [Page(1, "# Uitvoeringsplan Zeeland\n\nVersie 29 maart 2023\n\nTekst over Zeeland, Zeeland, Zeeland.")]
    inferred = metadata.infer(pages, "uitvoeringsplan-zeeland.md")
    assert (inferred.title, inferred.type, inferred.region, inferred.date) == \
        ("Uitvoeringsplan Zeeland", "projectplan", "Zeeland", "2023-03-29")
    given = {"id": "eigen-id", "title": "Eigen titel", "type": "factsheet", "region": "Flevoland", "date": "2020-01"}
    assert metadata.infer(pages, "uitvoeringsplan-zeeland.md", given) == metadata.Metadata(**given)
    blank = metadata.infer(pages, "uitvoeringsplan-zeeland.md", {"title": "", "region": None, "date": "2021"})
    assert (blank.title, blank.region, blank.date) == ("Uitvoeringsplan Zeeland", "Zeeland", "2021")
    with pytest.raises(ValueError, match="onbekend documenttype"):
        metadata.infer(pages, "x.md", {"type": "roman"})
    assert all(metadata.infer(pages, "x.md", {"type": t}).type == t for t in DOCUMENT_TYPES)


@needs_shared
def test_read_manifest_resolves_entries_relative_to_the_manifest_from_folder_and_parent():
    found = metadata.read_manifest((SHARED / "pdf").resolve())  # the manifest lives in the parent
    for entry in json.loads((SHARED / "manifest.json").read_text(encoding="utf-8")):
        for key in ("pdf", "text"):
            path = (SHARED / entry[key]).resolve()
            assert path.is_file() and found[path]["title"] == entry["title"], path
            assert found[path]["region"] == entry["region"] and found[path]["date"] == entry["date"]
    demo = metadata.read_manifest(DEMO.resolve())  # the folder's own manifest, "file" entries
    assert demo[(DEMO / "projectplan-proeftuin-flevoland.docx").resolve()]["region"] == "Flevoland"


def test_the_folders_own_manifest_wins_over_its_parents(tmp_path):
    folder = tmp_path / "stukken"
    folder.mkdir()
    shutil.copy(DEMO / "uitvoeringsplan-hart-van-brabant.txt", folder / "plan.txt")
    (tmp_path / "manifest.json").write_text(json.dumps([
        {"file": "stukken/plan.txt", "title": "Van de ouder", "region": "Zeeland"},
        {"text": "stukken/ander.txt", "title": "Alleen in de ouder"}]), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps([{"file": "plan.txt", "title": "Eigen"}]), encoding="utf-8")
    found = metadata.read_manifest(folder)
    assert found[(folder / "plan.txt").resolve()]["title"] == "Eigen"
    assert found[(folder / "ander.txt").resolve()]["title"] == "Alleen in de ouder"
    (folder / "manifest.json").write_text("{}", encoding="utf-8")  # not a list: ignored
    assert metadata.read_manifest(folder)[(folder / "plan.txt").resolve()]["region"] == "Zeeland"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(report(shared_rows(), "gedeeld corpus: 5 PDF's + 5 tekstbestanden"))
    print()
    print(report(demo_rows(), "eigen demo-corpus (corpus/)"))
