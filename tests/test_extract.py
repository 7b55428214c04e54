"""Tests for indexer.extract on the real shared corpus and on files built in tmp_path."""
from __future__ import annotations

import io
import json
import logging
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from pypdf import PdfReader, PdfWriter

from indexer.extract import NoTextLayerError, detect_kind, extract
from indexer.model import RefusedError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))

# Every broken file and the start of the reason the CLI must show for it.
KAPOT = {
    "afgebroken.pdf": "beschadigde of afgebroken PDF",
    "binair.txt": "binaire inhoud, geen tekst",
    "geen-pdf.pdf": "geen geldige PDF",
    "leeg.pdf": "leeg bestand (0 bytes)",
    "scan-zonder-tekst.pdf": "geen tekstlaag: gescande PDF, OCR nodig",
    "versleuteld.pdf": "versleutelde PDF (wachtwoord nodig)",
}


def make_pdf(contents: list[bytes], filters: dict[int, str] | None = None) -> bytes:
    """A small PDF with one page per content stream; `filters` maps a page index to a /Filter."""
    filters = filters or {}
    count, objects = len(contents), {}
    font = 3 + 2 * count
    for i, content in enumerate(contents):
        page, stream = 3 + 2 * i, 4 + 2 * i
        objects[page] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                         f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream} 0 R >>").encode()
        extra = f" /Filter /{filters[i]}" if i in filters else ""
        objects[stream] = f"<< /Length {len(content)}{extra} >>\nstream\n".encode() + content + b"\nendstream"
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode()
    objects[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in range(1, size))
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_stream(text: str) -> bytes:
    """A PDF content stream that shows one line of text."""
    return f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()


def test_every_kapot_file_is_known() -> None:
    names = {path.name for path in (CORPUS / "kapot").iterdir()}
    assert names == set(KAPOT) | {"latin1.txt"}


@pytest.mark.parametrize("name", sorted(KAPOT))
def test_kapot_file_refused_with_reason(name: str) -> None:
    data = (CORPUS / "kapot" / name).read_bytes()
    with pytest.raises(RefusedError) as refused:
        extract(data, name)
    message = str(refused.value)
    assert message.startswith(KAPOT[name])
    assert "\n" not in message and len(message) <= 200


def test_scan_raises_no_text_layer_with_page_count() -> None:
    with pytest.raises(NoTextLayerError) as refused:
        extract((CORPUS / "kapot" / "scan-zonder-tekst.pdf").read_bytes(), "scan-zonder-tekst.pdf")
    assert refused.value.pages == 1
    scan = CORPUS / "scan" / "factsheet-zeeland-gescand.pdf"
    with pytest.raises(NoTextLayerError) as refused:
        extract(scan.read_bytes(), scan.name)
    assert refused.value.pages == len(PdfReader(scan).pages) == 2
    assert isinstance(refused.value, RefusedError)


def test_latin1_text_is_read_with_accents() -> None:
    extracted = extract((CORPUS / "kapot" / "latin1.txt").read_bytes(), "latin1.txt")
    assert extracted.kind == "text"
    assert [page.number for page in extracted.pages] == [1]
    words = extracted.pages[0].text.split()
    assert "één" in words and "Cliënten" in words
    assert "\ufffd" not in extracted.pages[0].text


def test_text_encodings_utf8_cp1252_and_bom() -> None:
    assert extract("coördinatie".encode("utf-8"), "a.txt").pages[0].text == "coördinatie"
    assert extract(b"\x93regio\x92s\x94", "a.txt").pages[0].text == "“regio’s”"
    assert extract("\ufeffeen".encode("utf-8"), "a.txt").pages[0].text == "een"
    assert extract("één gezin".encode("utf-16"), "a.txt").pages[0].text == "één gezin"


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["id"] for entry in MANIFEST])
def test_shared_pdf_page_counts_match_manifest(entry: dict) -> None:
    extracted = extract((CORPUS / entry["pdf"]).read_bytes(), Path(entry["pdf"]).name)
    assert extracted.kind == "pdf"
    assert [page.number for page in extracted.pages] == list(range(1, entry["pages"] + 1))
    assert all(page.text.strip() for page in extracted.pages)


def test_type_comes_from_bytes_not_name() -> None:
    pdf = (CORPUS / MANIFEST[0]["pdf"]).read_bytes()
    assert extract(pdf, "verkeerd.txt").kind == "pdf"
    assert detect_kind(pdf) == "pdf"
    assert extract("# Kop\nTekst".encode(), "notities.txt").kind == "markdown"
    assert extract(b"Gewone tekst.", "notities.md").kind == "markdown"
    assert extract(b"Gewone tekst.", "notities.txt").kind == "text"
    with pytest.raises(RefusedError, match="^geen geldige PDF"):
        extract(b"Gewone tekst.", "rapport.PDF")


def test_binary_named_txt_is_refused() -> None:
    for data in (bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n" + bytes(64), b"\x01\x02\x03\x04abc" * 50):
        assert detect_kind(data) == "binary"
        with pytest.raises(RefusedError, match="^binaire inhoud, geen tekst"):
            extract(data, "notities.txt")


def test_damaged_page_is_skipped_and_the_others_read(caplog: pytest.LogCaptureFixture) -> None:
    data = make_pdf([text_stream("Pagina een"), text_stream("Pagina twee"), text_stream("Pagina drie")],
                    filters={1: "FooDecode"})
    with caplog.at_level(logging.WARNING, logger="indexer.extract"):
        extracted = extract(data, "deels.pdf")
    assert [(page.number, page.text) for page in extracted.pages] == [(1, "Pagina een"), (3, "Pagina drie")]
    assert "pagina 2 overgeslagen" in caplog.text


def test_pdf_with_only_broken_pages_is_refused() -> None:
    data = make_pdf([text_stream("Pagina een")], filters={0: "FooDecode"})
    with pytest.raises(RefusedError, match="^beschadigde of afgebroken PDF: geen enkele pagina leesbaar"):
        extract(data, "kapot.pdf")


def test_page_limit_guard() -> None:
    data = make_pdf([text_stream(f"Pagina {n}") for n in range(1, 4)])
    assert len(extract(data, "drie.pdf").pages) == 3
    with pytest.raises(RefusedError, match=r"^te veel pagina's \(3, maximaal 2\)"):
        extract(data, "drie.pdf", max_pages=2)


def encrypt(source: Path, user_password: str) -> bytes:
    """A copy of a PDF encrypted with AES-256 and the given user password."""
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_with_empty_password_opens_and_real_password_refuses() -> None:
    entry = MANIFEST[1]
    source = CORPUS / entry["pdf"]
    plain = extract(source.read_bytes(), source.name)
    opened = extract(encrypt(source, ""), source.name)
    assert [page.text for page in opened.pages] == [page.text for page in plain.pages]
    assert len(opened.pages) == entry["pages"]
    with pytest.raises(RefusedError, match=r"^versleutelde PDF \(wachtwoord nodig\)"):
        extract(encrypt(source, "geheim"), source.name)


def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Projectplan", 0)
    document.add_heading("Inleiding", 1)
    document.add_paragraph("Een gewone alinea.")
    document.styles.add_style("Kop 3", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Doelen", style="Kop 3")
    document.add_paragraph("Eerste doel", style="List Bullet")
    document.add_paragraph("Onderdeel", style="List Bullet 2")
    document.add_paragraph("Tweede doel", style="List Number")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("Regio", "Jaar", "Budget"), ("Zeeland", "2022", "€ 10.000"), ("Totaal", "", "")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 1).merge(table.cell(2, 2)).text = "€ 10.000"
    document.add_paragraph("Slot.")
    path = tmp_path / "plan.docx"
    document.save(path)
    extracted = extract(path.read_bytes(), path.name)
    assert extracted.kind == "docx"
    assert [page.number for page in extracted.pages] == [1]
    assert extracted.pages[0].text.split("\n") == [
        "# Projectplan", "# Inleiding", "Een gewone alinea.", "### Doelen",
        "- Eerste doel", "  - Onderdeel", "- Tweede doel",
        "Regio | Jaar | Budget", "Zeeland | 2022 | € 10.000", "Totaal | € 10.000", "", "Slot.",
    ]


def write_zip(path: Path, members: dict[str, bytes]) -> bytes:
    """Write a deflated zip with the given members and return its bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path.read_bytes()


def test_zip_bomb_docx_is_refused(tmp_path: Path) -> None:
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (8 * 2**20)}
    data = write_zip(tmp_path / "bom.docx", members)
    assert detect_kind(data) == "docx" and len(data) < 100_000
    with pytest.raises(RefusedError, match=r"^verdacht groot/ingepakt bestand \(zip-bom\?\)"):
        extract(data, "bom.docx")


def test_other_zip_and_fake_docx_are_refused(tmp_path: Path) -> None:
    xlsx = write_zip(tmp_path / "tabel.xlsx", {"xl/workbook.xml": b"<workbook/>"})
    assert detect_kind(xlsx) == "zip"
    with pytest.raises(RefusedError, match="^niet ondersteund bestandstype"):
        extract(xlsx, "tabel.xlsx")
    with pytest.raises(RefusedError, match=r"^geen geldig Word-bestand \(.docx\)"):
        extract(b"Gewone tekst.", "brief.docx")
    broken = write_zip(tmp_path / "kapot.docx", {"word/document.xml": b"<geen-xml"})
    with pytest.raises(RefusedError, match=r"^beschadigd Word-bestand \(.docx\)"):
        extract(broken, "kapot.docx")
