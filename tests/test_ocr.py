"""Tests for indexer.ocr with the real tesseract on the shared scans (skipped, with the reason, without it)."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from indexer import ocr
from indexer.extract import extract
from indexer.model import Page, RefusedError
from indexer.pipeline import prepare
from kennisbank.config import DataDir

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SCAN = CORPUS / "scan" / "factsheet-zeeland-gescand.pdf"
EMPTY_SCAN = CORPUS / "kapot" / "scan-zonder-tekst.pdf"
TEXT_PDF = CORPUS / "pdf" / "factsheet-proeftuinen.pdf"
SOURCE_TEXT = CORPUS / "documenten" / "factsheet-proeftuinen.md"
CLI = [sys.executable, "-m", "kennisbank.cli"]


needs_tesseract = pytest.mark.tesseract  # skipped where OCR cannot run (conftest)


def words(text: str) -> list[str]:
    """Lower-case words without punctuation; curly and straight quotes alike.

    >>> words("Eén 'visie', twee teams.")
    ['eén', 'visie', 'twee', 'teams']
    """
    return re.findall(r"\w+", text.lower())


def recovered(sentence: str, text: str) -> float:
    """The share of the sentence's words found, in order, in the text."""
    want, got = words(sentence), words(text)
    matched = sum(block.size for block in SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks())
    return matched / len(want)


def zeeland_start(text: str) -> int:
    """Where the Zeeland section of the source text starts (its heading, not its line in the contents)."""
    return re.search(r"^Proeftuin Zeeland:[^\t\n]*$", text, re.M).start()


def source_sentence(*terms: str) -> str:
    """The sentence of the Zeeland part of the source text that holds all terms (read at test time)."""
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    start = zeeland_start(text)
    sentences = re.split(r"(?<=[.;])\s+|\n+", text[start:start + 4000])
    return next(s for s in sentences if all(t in s.lower() for t in terms))


def cli(data: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the kennisbank command on a data dir."""
    return subprocess.run([*CLI, "--data", str(data), *args], capture_output=True, text=True, cwd=ROOT,
                          env=env or os.environ.copy(), timeout=timeout)


@pytest.fixture(scope="module")
def scan_data(tmp_path_factory) -> Path:
    """A data dir to which `kennisbank add` added the scanned factsheet (its tests are marked tesseract)."""
    data = tmp_path_factory.mktemp("scan") / "data"
    done = cli(data, "add", str(SCAN))
    assert done.returncode == 0, done.stderr
    assert "toegevoegd: factsheet-zeeland-gescand.pdf" in done.stdout
    assert "OCR: factsheet-zeeland-gescand.pdf (2 pagina's zonder tekst" in done.stderr  # one line, no terminal
    return data


def scan_hits(data: Path, query: str) -> list[dict]:
    """The search hits of the scanned document for a query."""
    done = cli(data, "search", query, "--json", "--limit", "50")
    assert done.returncode == 0, done.stderr
    return [h for h in json.loads(done.stdout)["hits"] if h["document_id"] == "factsheet-zeeland-gescand"]


@needs_tesseract
@pytest.mark.parametrize("query, terms", [("verklarende analyse", ("verklarende analyse",)),
                                          ("onderzoeksformat", ("onderzoeksformat", "feitenonderzoek"))])
def test_scan_searchable_on_right_page(scan_data, query, terms):
    hits = scan_hits(scan_data, query)
    assert hits, f"'{query}' vindt niets in de gescande factsheet"
    # The scan's page 1 holds the Zeeland section up to its list of specific tasks; page 2 the rest.
    assert {h["page"] for h in hits} == {1}
    assert all(h["ocr"] for h in hits)
    sentence = source_sentence(*terms)
    best = max(recovered(sentence, h["text"]) for h in hits)
    assert best >= 0.95, f"OCR herstelde {best:.0%} van de woorden van: {sentence}"


@needs_tesseract
def test_scan_ocr_quality_whole_section(scan_data):
    from kennisbank.browse import document_passages

    doc = document_passages(DataDir(scan_data), "factsheet-zeeland-gescand")
    text = "\n".join(p["text"] for p in doc["passages"])
    assert all(p["ocr"] for p in doc["passages"]) and {p["page"] for p in doc["passages"]} == {1, 2}
    source = SOURCE_TEXT.read_text(encoding="utf-8")
    start = zeeland_start(source)
    section = source[start:source.index("\nProeftuin Rotterdam-Rijnmond:", start)]  # what page 1 and 2 show
    assert len(words(section)) > 400
    assert recovered(section, text) >= 0.95


@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_page(tmp_path):
    writer = PdfWriter()
    writer.add_page(PdfReader(TEXT_PDF).pages[4])
    writer.add_page(PdfReader(SCAN).pages[1])
    buffer = io.BytesIO()
    writer.write(buffer)
    mixed = buffer.getvalue()
    text_only = extract(mixed, "gemengd.pdf").pages
    assert not ocr.needs_ocr(text_only[0]) and ocr.needs_ocr(text_only[1])

    calls: list[tuple[int, int]] = []
    settings = ocr.OcrSettings(cache_dir=tmp_path / "ocr", progress=lambda d, t, p: calls.append((d, t)))
    pages = ocr.ocr_pages(mixed, text_only, settings)
    assert calls == [(0, 1), (1, 1)]  # one page to read, not two
    assert pages[0] == text_only[0] and not pages[0].ocr
    assert pages[1].ocr and "Veranderstrategie" in pages[1].text

    prepared = prepare(mixed, "gemengd.pdf", enrich=False, ocr=ocr.OcrSettings(cache_dir=tmp_path / "ocr"))
    assert [p.ocr for p in prepared.pages] == [False, True]
    kinds = {(p.page, p.ocr) for p in prepared.passages}
    assert (1, False) in kinds and (2, True) in kinds and (2, False) not in kinds


@needs_tesseract
def test_text_pdf_is_not_ocrd():
    calls = []
    data = TEXT_PDF.read_bytes()
    with_ocr = prepare(data, TEXT_PDF.name, enrich=False, ocr=ocr.OcrSettings(progress=lambda *a: calls.append(a)))
    assert calls == [] and not any(p.ocr for p in with_ocr.pages)
    assert [p.text for p in with_ocr.pages] == [p.text for p in prepare(data, TEXT_PDF.name, enrich=False).pages]


@needs_tesseract
def test_empty_scan_is_refused_with_reason():
    with pytest.raises(RefusedError, match="ook OCR \\(Nederlands\\) vond geen leesbare tekst op 1 gescande pagina"):
        prepare(EMPTY_SCAN.read_bytes(), EMPTY_SCAN.name, ocr=True)


def test_without_ocr_a_scan_is_still_refused_as_before():
    with pytest.raises(RefusedError, match="geen tekstlaag"):
        prepare(SCAN.read_bytes(), SCAN.name)


def test_missing_binary_setting_is_refused_with_how_to(tmp_path):
    settings = ocr.OcrSettings(binary=str(tmp_path / "bin" / "tesseract"))
    with pytest.raises(ocr.OcrUnavailableError) as refused:
        prepare(SCAN.read_bytes(), SCAN.name, ocr=settings)
    assert str(refused.value).startswith(ocr.UNAVAILABLE)
    assert "tesseract niet gevonden" in str(refused.value)


def test_cli_without_tesseract_on_path_refuses_and_leaves_index_empty(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KENNISBANK_TESSERACT"}
    env["PATH"] = str(tmp_path / "leeg")  # no tesseract anywhere on it
    done = cli(tmp_path / "data", "add", str(SCAN), env=env)
    assert done.returncode == 1
    assert ("geweigerd: factsheet-zeeland-gescand.pdf: OCR niet beschikbaar: installeer tesseract-ocr en "
            "tesseract-ocr-nld (scripts/system-packages.sh)") in done.stderr
    listed = cli(tmp_path / "data", "documents", "--json")
    assert json.loads(listed.stdout)["documents"] == []


@needs_tesseract
def test_missing_dutch_model_is_refused(tmp_path):
    (tmp_path / "tessdata").mkdir()
    env = dict(os.environ, TESSDATA_PREFIX=str(tmp_path / "tessdata"))  # tesseract's own setting: no models
    code = ("from indexer import ocr\n"
            "try:\n    ocr.check_available()\nexcept ocr.OcrUnavailableError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.stdout.strip() == f"{ocr.UNAVAILABLE}; taalmodel 'nld' ontbreekt"


@needs_tesseract
def test_time_limit_refuses_and_leaves_index_unchanged(small_data):
    from kennisbank import documents, index

    before = index.indexed_documents(index.open_index(small_data))
    outcome = documents.add_bytes(small_data, SCAN.read_bytes(), SCAN.name, ocr=ocr.OcrSettings(timeout=0.3))
    assert not outcome.ok
    assert outcome.message.startswith("OCR duurde te lang: na 0.3 s waren 0 van 2 pagina's gelezen")
    assert "--ocr-timeout" in outcome.message
    assert outcome.seconds == 0 and index.indexed_documents(index.open_index(small_data)) == before
    assert documents.check(small_data) == []


@needs_tesseract
def test_add_caches_ocr_so_a_second_read_needs_no_tesseract(scan_data, tmp_path):
    from kennisbank.browse import document_passages

    calls = []
    settings = ocr.OcrSettings(binary=str(tmp_path / "geen-tesseract"), cache_dir=DataDir(scan_data).ocr_cache,
                               progress=lambda d, t, p: calls.append((d, t)))
    pages = ocr.ocr_pages(SCAN.read_bytes(), [Page(1, ""), Page(2, "")], settings)
    assert calls == [(2, 2)] and all(p.ocr and p.text for p in pages)  # both pages came from the cache
    doc = document_passages(DataDir(scan_data), "factsheet-zeeland-gescand")
    assert words(doc["passages"][-1]["text"])[-5:] == words(pages[1].text)[-5:]
