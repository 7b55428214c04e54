"""The whole ingest pipeline on real files of every kind; refusals; a throughput report on the shared PDFs."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from indexer import extract
from indexer.model import RefusedError
from indexer.pipeline import Prepared, prepare

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
DEMO = ROOT / "corpus"
STAGES = {"extract", "clean", "structure", "enrich"}
needs_shared = pytest.mark.skipif(not (SHARED / "pdf").is_dir(), reason="gedeeld corpus ontbreekt")


def _prepare(path: Path, **kwargs) -> Prepared:
    return prepare(path.read_bytes(), path.name, **kwargs)


@pytest.mark.parametrize("name, kind, region", [
    ("tussenevaluatie-gelderland-zuid.pdf", "pdf", "Gelderland-Zuid"),
    ("projectplan-proeftuin-flevoland.docx", "docx", "Flevoland"),
    ("verslag-leertafel-zaanstreek-waterland.md", "markdown", "Zaanstreek-Waterland"),
    ("uitvoeringsplan-hart-van-brabant.txt", "text", "Hart van Brabant"),
])
def test_prepare_each_kind_of_demo_document(name, kind, region):
    prepared = _prepare(DEMO / name)
    assert prepared.kind == kind and prepared.meta.region == region
    assert prepared.meta.id == name.rsplit(".", 1)[0]
    assert prepared.pages and prepared.passages
    assert set(prepared.timings) == STAGES and all(t >= 0 for t in prepared.timings.values())
    assert [p.position for p in prepared.passages] == list(range(len(prepared.passages)))
    assert all(p.regio == [region] for p in prepared.passages)  # one-region documents own all their passages
    assert any(p.themas for p in prepared.passages)
    assert all(1 <= p.page <= len(prepared.pages) for p in prepared.passages)


def test_docx_headings_become_sections():
    prepared = _prepare(DEMO / "projectplan-proeftuin-flevoland.docx")
    sections = [p.section for p in prepared.passages]
    assert sections[0][0].startswith("Projectplan Proeftuin Flevoland")  # the Title style
    assert ("3. Aanpak", "3.1 Beproeven op twee plekken") in sections  # Heading 1 > Heading 2
    assert all(len(s) <= 2 for s in sections)
    assert not any(line.startswith("#") for p in prepared.passages for line in p.text.split("\n"))


@needs_shared
def test_prepare_a_shared_pdf_with_its_manifest_overrides():
    entry = next(e for e in json.loads((SHARED / "manifest.json").read_text(encoding="utf-8"))
                 if e["id"] == "uitvoeringsplan-zuid-holland-zuid")
    overrides = {k: entry[k] for k in ("title", "type", "region", "date")}
    prepared = _prepare(SHARED / entry["pdf"], overrides=overrides)
    assert len(prepared.pages) == entry["pages"]
    assert prepared.meta.date == "2023" and prepared.meta.title == entry["title"]  # the override, not the guess
    assert set(prepared.timings) == STAGES


def test_without_enrichment_there_are_no_tags_and_no_enrich_time():
    prepared = _prepare(DEMO / "uitvoeringsplan-hart-van-brabant.txt", enrich=False)
    assert set(prepared.timings) == STAGES - {"enrich"}
    assert prepared.passages
    assert not any(p.regio or p.themas or p.principes or p.organisaties or p.genoemd or p.werkend
                   for p in prepared.passages)


@needs_shared
@pytest.mark.parametrize("name, reason", [
    ("leeg.pdf", "leeg bestand"),
    ("geen-pdf.pdf", "geen geldige PDF"),
    ("versleuteld.pdf", "versleutelde PDF"),
    ("afgebroken.pdf", "beschadigde of afgebroken PDF"),
    ("binair.txt", "binaire inhoud"),
    ("scan-zonder-tekst.pdf", "geen tekstlaag"),
])
def test_broken_shared_files_are_refused_with_their_reason(name, reason):
    with pytest.raises(RefusedError, match=reason) as caught:
        _prepare(SHARED / "kapot" / name)
    assert "\n" not in str(caught.value) and len(str(caught.value)) <= 200
    if name == "scan-zonder-tekst.pdf":
        assert isinstance(caught.value, extract.NoTextLayerError)


@pytest.mark.parametrize("data", [b"\n\n   \n", b"!!!\n\n---\n", b"# \n\n***\n"])
def test_a_file_without_words_is_refused(data):
    with pytest.raises(RefusedError, match="geen bruikbare tekst"):
        prepare(data, "leeg.txt")


def test_a_docx_name_on_other_content_is_refused():
    with pytest.raises(RefusedError, match="geen geldig Word-bestand"):
        prepare((DEMO / "uitvoeringsplan-hart-van-brabant.txt").read_bytes(), "plan.docx")


@needs_shared
def test_throughput_on_the_shared_pdfs(capsys):
    """Report only: pages per second with and without enrichment (no timing asserts)."""
    pdfs = sorted((SHARED / "pdf").glob("*.pdf"))
    manifest = {Path(e["pdf"]).name: e["pages"] for e in json.loads((SHARED / "manifest.json").read_text())}
    prepare((DEMO / "uitvoeringsplan-hart-van-brabant.txt").read_bytes(), "opwarmen.txt")  # spaCy loads once
    lines = []
    for enrich in (False, True):
        pages, stages, started = 0, dict.fromkeys(sorted(STAGES), 0.0), time.perf_counter()
        for path in pdfs:
            prepared = _prepare(path, enrich=enrich)
            assert len(prepared.pages) == manifest[path.name]
            pages += len(prepared.pages)
            for stage, seconds in prepared.timings.items():
                stages[stage] += seconds
        took = time.perf_counter() - started
        detail = ", ".join(f"{s} {t:.2f}s" for s, t in stages.items() if t)
        lines.append(f"enrich={enrich!s:5}: {pages} pagina's in {took:.2f}s = {pages / took:.1f} pagina's/s ({detail})")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
