"""Tests for indexer.clean on the real shared PDFs and Markdown files, plus small built inputs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.clean import clean_pages, normalize_unicode, page_number, strip_markup
from indexer.extract import extract
from indexer.model import Page

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
IDS = [entry["id"] for entry in MANIFEST]


@pytest.fixture(scope="module")
def pdfs() -> dict[str, tuple[list[Page], list[Page]]]:
    """Per document id: the raw extracted pages and the cleaned pages."""
    result = {}
    for entry in MANIFEST:
        extracted = extract((CORPUS / entry["pdf"]).read_bytes(), Path(entry["pdf"]).name)
        result[entry["id"]] = (extracted.pages, clean_pages(extracted.pages, extracted.kind))
    return result


@pytest.mark.parametrize("entry", MANIFEST, ids=IDS)
def test_running_header_is_gone_from_every_page(pdfs, entry: dict) -> None:
    raw, clean = pdfs[entry["id"]]
    header = entry["title"]  # the shared PDFs repeat their title as a header on every page
    assert all(page.text.split("\n")[0] == header for page in raw)
    assert [page.number for page in clean] == [page.number for page in raw]
    for page in clean:
        assert header not in page.text, f"kop nog op pagina {page.number}"


@pytest.mark.parametrize("entry", MANIFEST, ids=IDS)
def test_page_numbers_are_gone(pdfs, entry: dict) -> None:
    raw, clean = pdfs[entry["id"]]
    assert all(page.text.rstrip().split("\n")[-1] == str(page.number) for page in raw)
    for page in clean:
        lines = page.text.split("\n")
        assert str(page.number) not in lines, f"paginanummer nog op pagina {page.number}"
        assert page_number(lines[0]) is None and page_number(lines[-1]) is None


@pytest.mark.parametrize("entry", MANIFEST, ids=IDS)
def test_layout_noise_is_gone(pdfs, entry: dict) -> None:
    _, clean = pdfs[entry["id"]]
    for page in clean:
        for line in page.text.split("\n"):
            assert "  " not in line.lstrip(), line
            assert line == line.rstrip()
            assert not re.match(r"[eo•●▪✓] ", line), line


def page_with(pages: list[Page], needle: str) -> int:
    """The index of the first page whose text contains the needle."""
    return next(i for i, page in enumerate(pages) if needle in page.text)


def test_line_end_hyphen_is_joined(pdfs) -> None:
    raw, clean = pdfs["projectplan-toekomsttuin-centraal-gelderland"]
    index = page_with(raw, "jeugdbeschermings-\nketen")
    assert "jeugdbeschermingsketen" in clean[index].text
    assert "jeugdbeschermings-" not in clean[index].text


def test_hyphen_kept_where_the_document_or_spelling_wants_it(pdfs) -> None:
    raw, clean = pdfs["projectplan-toekomsttuin-centraal-gelderland"]
    index = page_with(raw, "regio-\nadviseur")  # written 'regio-adviseur' elsewhere in the plan
    assert "regio-adviseur" in clean[index].text and "regioadviseur" not in clean[index].text
    index = page_with(raw, "niet-\ncli")  # 'niet-' keeps its hyphen
    assert re.search(r"niet-cli\wntgebonden", clean[index].text)
    raw, clean = pdfs["uitvoeringsplan-zuid-holland-zuid"]
    index = page_with(raw, "-\ntoekomstscenario-kind--en")  # a URL keeps its hyphens
    assert "voortgangsrapportage-toekomstscenario-kind--en" in clean[index].text


@pytest.mark.parametrize("entry", MANIFEST, ids=IDS)
def test_elliptical_hyphens_are_kept(pdfs, entry: dict) -> None:
    raw, clean = pdfs[entry["id"]]
    found = 0
    for before, after in zip(raw, clean):
        body = before.text.split("\n", 1)[1]  # without the running header
        for word, next_word in re.findall(r"(\w+)-[ \t]*\n[ \t]*(en|of|tot) ", body):
            assert f"{word}- {next_word} " in after.text, f"{word}- {next_word}"
        pattern = r"kind-\s+en\s+gezinsbescherming"
        found += len(re.findall(pattern, body, re.I))
        assert len(re.findall(pattern, body, re.I)) == after.text.lower().count("kind- en gezinsbescherming")
    assert found > 0


def test_known_elliptical_examples(pdfs) -> None:
    raw, clean = pdfs["uitvoeringsplan-zuid-holland-zuid"]
    index = page_with(raw, "Kind-\nen Gezinsbescherming")
    assert "Kind- en Gezinsbescherming" in clean[index].text
    assert "Kind-en" not in clean[index].text and "Kinden" not in clean[index].text
    raw, clean = pdfs["factsheet-proeftuinen"]
    assert any("kind-  en  gezinsbescherming" in page.text for page in raw)
    assert all("kind-  en  gezinsbescherming" not in page.text for page in clean)


def test_e_bullets_become_dashes(pdfs) -> None:
    raw, clean = pdfs["uitvoeringsplan-zuid-holland-zuid"]
    bullets = [line for page in raw for line in page.text.split("\n") if re.match(r"\s*e [A-Z]", line)]
    assert len(bullets) > 20
    text = "\n".join(page.text for page in clean)
    for line in bullets[:10]:
        first_words = " ".join(line.split()[1:3])
        assert f"- {first_words}" in text


def test_soft_wraps_are_joined_but_headings_stay(pdfs) -> None:
    raw, clean = pdfs["uitvoeringsplan-zuid-holland-zuid"]
    assert len(clean[0].text.split("\n")) < len(raw[0].text.split("\n")) * 0.7
    assert "1. Inleiding" in clean[0].text.split("\n")


def test_markdown_marks_are_removed_but_headings_kept() -> None:
    for path in sorted((CORPUS / "documenten").glob("*.md")):
        extracted = extract(path.read_bytes(), path.name)
        text = clean_pages(extracted.pages, extracted.kind)[0].text
        for mark in ("](", "**", "<sup>", "<i>", "</p>", "<ul", "&amp;", "\t"):
            assert mark not in text, (path.name, mark)
        raw_headings = [line for line in extracted.pages[0].text.split("\n") if re.match(r"#+ ", line)]
        headings = [line for line in text.split("\n") if re.match(r"#+ ", line)]
        assert len(headings) == len(raw_headings)
        assert [h.split()[0] for h in headings] == [h.split()[0] for h in raw_headings]


def test_markdown_table_rows_and_hard_breaks() -> None:
    path = CORPUS / "documenten" / "proeftuin-rotterdam-rijnmond-wij-doen-het-beter.md"
    text = clean_pages(extract(path.read_bytes(), path.name).pages, "markdown")[0].text
    assert re.search(r"^Totaal \| \| € 1\.000\.000$", text, re.M)
    assert "\nwww.jeugdhulprijnmond.nl\n" in text  # after a hard break, not glued to the address


def test_unicode_normalisation() -> None:
    text = "e\u0301e\u0301n ﬁnanciële ﬂexibele ﬀ ﬃ ﬄ soft\u00adhyphen zero\u200bwidth non\u00a0breaking ‘a’ “b”"
    assert normalize_unicode(text) == "één financiële flexibele ff ffi ffl softhyphen zerowidth non breaking 'a' \"b\""


def test_html_and_markdown_fragments() -> None:
    html = "<p>Zie <a href='x'>hier</a> &amp; daar</p><table><tr><td>Regio</td><td>Jaar</td></tr>" \
           "<tr><td>Zeeland</td><td>2022</td></tr></table>"
    assert clean_pages([Page(1, html)], "markdown")[0].text == "Zie hier & daar\n\nRegio | Jaar\nZeeland | 2022"
    assert strip_markup("**vet** *schuin* __ook__ [link](https://x.nl) ![beeld](a.png)") == "vet schuin ook link beeld"
    assert strip_markup("a * b * c") == "a * b * c"
    page = Page(1, "# Kop\n\n| Regio | Jaar |\n|:---|---:|\n| Zeeland | 2022 |\n\n* punt\n* ander punt")
    assert clean_pages([page], "markdown")[0].text == "# Kop\n\nRegio | Jaar\nZeeland | 2022\n\n- punt\n- ander punt"
    assert clean_pages([Page(1, "Kosten\t€ 10\t\n")], "text")[0].text == "Kosten | € 10"


def test_running_lines_in_built_pages() -> None:
    words = ["Inleiding.", "Doelen.", "Aanpak.", "Planning.", "Begroting."]
    pages = [Page(n, f"Rapport Regio\n{word}\nRapport Regio\n- {n} -") for n, word in enumerate(words, 1)]
    pages.append(Page(6, "Rapport Regio 2023\nBijlage.\nPagina 6 van 6"))
    assert [page.text for page in clean_pages(pages, "pdf")] == words + ["Rapport Regio 2023\nBijlage."]
    bodies = [[f"Zin {letter} over {regio}." for letter in "abcdefg"] for regio in ("Zeeland", "Twente", "Utrecht")]
    for body in bodies:
        body.insert(3, "Kop")  # the header text mid-page is content and stays
    cleaned = clean_pages([Page(n, "\n".join(["Kop", *body, str(n)])) for n, body in enumerate(bodies, 1)], "pdf")
    assert [page.text for page in cleaned] == ["\n".join(body) for body in bodies]


def test_single_page_pdf_number_and_content_numbers() -> None:
    cleaned = clean_pages([Page(1, "Tekst.\n2023\n1")], "pdf")
    assert cleaned[0].text == "Tekst.\n2023"


def test_docx_and_markdown_lines_are_not_joined_wrongly() -> None:
    assert clean_pages([Page(1, "Inleiding\nde tekst")], "docx")[0].text == "Inleiding\nde tekst"
    assert clean_pages([Page(1, "Regel een  \nregel twee")], "markdown")[0].text == "Regel een\nregel twee"
    assert clean_pages([Page(1, "Een zin die\n\ndoorloopt.")], "text")[0].text == "Een zin die doorloopt."
    assert clean_pages([Page(1, "Een zin.\n\nnieuwe alinea")], "text")[0].text == "Een zin.\n\nnieuwe alinea"
