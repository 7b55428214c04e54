"""Write the demo corpus's .pdf and .docx files from the Markdown sources in corpus/bron/.

Run from anywhere with the project venv: ``.venv/bin/python corpus/maak_demo.py``.
Titles and dates come from corpus/manifest.json (matched on the output file name).
The PDF writer below is self-contained (no fpdf/reportlab): standard Type1 fonts
Helvetica and Helvetica-Bold with WinAnsiEncoding (so é, ë, ï and – extract cleanly),
A4 pages, a running header and 'Pagina n van N' in the footer. DOCX uses python-docx
with real 'Title', 'Heading 1/2', 'List Bullet/Number' styles and a real table.
Supported Markdown: '#'/'##'/'###' headings, paragraphs, '- ' bullets, '1. ' items, '|' tables.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import unicodedata
import zlib
from pathlib import Path

log = logging.getLogger("maak_demo")

HIER = Path(__file__).resolve().parent
JOBS = {  # output file in corpus/ -> Markdown source in corpus/bron/
    "factsheet-vier-proeftuinen.pdf": "factsheet-vier-proeftuinen.md",
    "tussenevaluatie-gelderland-zuid.pdf": "tussenevaluatie-gelderland-zuid.md",
    "projectplan-proeftuin-flevoland.docx": "projectplan-proeftuin-flevoland.md",
}

Block = tuple[str, int, object]  # (kind, level/number, text or table rows)


def parse_markdown(text: str) -> list[Block]:
    """Split simple Markdown into title/heading/para/bullet/number/table blocks."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("para", 0, " ".join(para)))
            para.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if m := re.match(r"^(#{1,3})\s+(.*)$", line):
            flush()
            level = len(m.group(1))
            blocks.append(("title", 0, m.group(2)) if level == 1 else ("heading", level - 1, m.group(2)))
        elif line.startswith("- "):
            flush()
            blocks.append(("bullet", 0, line[2:]))
        elif m := re.match(r"^(\d+)\.\s+(.*)$", line):
            flush()
            blocks.append(("number", int(m.group(1)), m.group(2)))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            if blocks and blocks[-1][0] == "table":
                blocks[-1][2].append(cells)  # type: ignore[union-attr]
            else:
                blocks.append(("table", 0, [cells]))
        elif not line:
            flush()
        else:
            para.append(line)
    flush()
    return blocks


# --- PDF -------------------------------------------------------------------

# Advance widths (1/1000 em) of ASCII 32..126 from the Adobe core-font metrics.
_HELV = ("278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
         "556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
         "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 "
         "556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584")
_BOLD = ("278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
         "556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 "
         "667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 "
         "611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584")
WIDTHS = {f: dict(zip(map(chr, range(32, 127)), map(int, w.split()))) for f, w in (("F1", _HELV), ("F2", _BOLD))}
EXTRA = {"–": 556, "—": 1000, "‘": 222, "’": 222, "“": 333, "”": 333, "•": 350, "€": 556, "…": 1000}

PAGE_W, PAGE_H = 595.28, 841.89
LEFT, RIGHT, TOP, BOTTOM = 72.0, 72.0, 770.0, 80.0
BODY = 10.5


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of text set in font F1 (Helvetica) or F2 (Helvetica-Bold)."""
    table = WIDTHS[font]
    total = 0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        total += table.get(ch) or table.get(base) or EXTRA.get(ch, 556)
    return total * size / 1000


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap of text into lines no wider than width points."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and text_width(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def pdf_string(text: str) -> str:
    """Encode text as a PDF literal string in WinAnsi (cp1252) bytes."""
    out = []
    for byte in text.encode("cp1252"):
        if byte in (0x28, 0x29, 0x5C):
            out.append("\\" + chr(byte))
        elif 32 <= byte < 127:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03o}")
    return "(" + "".join(out) + ")"


def layout_pdf(blocks: list[Block]) -> list[list[tuple[str, float, float, float, str]]]:
    """Place the blocks on A4 pages as (font, size, x, y, text) lines."""
    pages: list[list[tuple[str, float, float, float, str]]] = [[]]
    y = TOP
    width = PAGE_W - LEFT - RIGHT

    def place(lines: list[str], font: str, size: float, x: float, lead: float, before: float,
              reserve: float = 0.0, hang: float = 0.0) -> None:
        nonlocal y
        y -= before if pages[-1] else 0
        if y - lead * min(len(lines), 2) - reserve < BOTTOM:  # keep headings with what follows
            pages.append([])
            y = TOP
        for i, line in enumerate(lines):
            if y - lead < BOTTOM:
                pages.append([])
                y = TOP
            y -= lead
            pages[-1].append((font, size, x + (hang if i else 0.0), y, line))

    for index, (kind, level, content) in enumerate(blocks):
        text = str(content)
        follows = blocks[index + 1][0] if index + 1 < len(blocks) else ""
        if kind == "title":
            place(wrap(text, "F2", 18, width), "F2", 18, LEFT, 23, 0)
            y -= 6
        elif kind == "heading":
            size = 13.5 if level == 1 else 11.5
            reserve = 3 * 14 + (24 if follows == "heading" else 0)
            place(wrap(text, "F2", size, width), "F2", size, LEFT, size * 1.35, 12 if level == 1 else 8, reserve)
        elif kind == "para":
            place(wrap(text, "F1", BODY, width), "F1", BODY, LEFT, 14, 6)
        elif kind in ("bullet", "number"):
            mark = "• " if kind == "bullet" else f"{level}. "
            hang = text_width(mark, "F1", BODY)
            lines = wrap(mark + text, "F1", BODY, width - 12 - hang)
            place(lines, "F1", BODY, LEFT + 12, 14, 3, hang=hang)
        else:
            raise ValueError(f"PDF-uitvoer kent geen blok van soort {kind!r}")
    return pages


def write_pdf(blocks: list[Block], path: Path, title: str, date: str) -> int:
    """Write blocks as a multi-page PDF with running header and page numbers; return the page count."""
    pages = layout_pdf(blocks)
    header = f"Toekomstscenario kind- en gezinsbescherming | {title}"
    header = wrap(header, "F1", 8, PAGE_W - LEFT - RIGHT)[0]
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in below
    pages_id = add("")
    f1 = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for number, lines in enumerate(pages, start=1):
        ops = ["0.45 g", f"BT /F1 8 Tf 1 0 0 1 {LEFT:.2f} {PAGE_H - 40:.2f} Tm {pdf_string(header)} Tj ET",
               f"0.75 G 0.5 w {LEFT:.2f} {PAGE_H - 46:.2f} m {PAGE_W - RIGHT:.2f} {PAGE_H - 46:.2f} l S", "0 g"]
        for font, size, x, y, text in lines:
            ops.append(f"BT /{font} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm {pdf_string(text)} Tj ET")
        footer = f"Pagina {number} van {len(pages)}"
        fx = PAGE_W - RIGHT - text_width(footer, "F1", 8)
        ops.append(f"0.45 g BT /F1 8 Tf 1 0 0 1 {fx:.2f} 40 Tm {pdf_string(footer)} Tj ET")
        data = zlib.compress("\n".join(ops).encode("latin-1"), 9)
        content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                        f"/Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R >> >> /Contents {content} 0 R >>"))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R /Lang (nl-NL) >>".encode()
    objects[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                             f"/Count {len(kids)} >>").encode()
    stamp = "D:" + (date.replace("-", "") + "0101")[:8] + "120000"
    title_hex = ("\ufeff" + title).encode("utf-16-be").hex()
    info = add(f"<< /Title <{title_hex}> /Subject (Demotekst Kennisbank) "
               f"/Producer (corpus/maak_demo.py) /CreationDate ({stamp}) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, info, xref)
    path.write_bytes(bytes(out))
    return len(pages)


# --- DOCX ------------------------------------------------------------------

def write_docx(blocks: list[Block], path: Path, title: str, date: str) -> None:
    """Write blocks as a DOCX with Word's own heading, list and table styles."""
    import datetime

    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = f"Toekomstscenario kind- en gezinsbescherming | {title}"
    props = document.core_properties
    props.title, props.author, props.comments = title, "Kennisbank demo", "Demotekst Kennisbank"
    year, month, day = (date.split("-") + ["01", "01"])[:3]
    props.created = props.modified = datetime.datetime(int(year), int(month), int(day), 12, 0)
    for kind, level, content in blocks:
        if kind == "title":
            document.add_heading(str(content), level=0)
        elif kind == "heading":
            document.add_heading(str(content), level=level)
        elif kind == "para":
            document.add_paragraph(str(content))
        elif kind == "bullet":
            document.add_paragraph(str(content), style="List Bullet")
        elif kind == "number":
            document.add_paragraph(str(content), style="List Number")
        elif kind == "table":
            rows: list[list[str]] = content  # type: ignore[assignment]
            table = document.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    table.cell(r, c).text = cell
                    if r == 0 or cells[0] == "Totaal":
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
    document.save(str(path))


def main() -> int:
    """Regenerate every output in JOBS; return a process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    manifest = {entry["file"]: entry for entry in json.loads((HIER / "manifest.json").read_text("utf-8"))}
    for output, source in JOBS.items():
        entry = manifest[output]
        blocks = parse_markdown((HIER / "bron" / source).read_text("utf-8"))
        if output.endswith(".pdf"):
            count = write_pdf(blocks, HIER / output, entry["title"], entry["date"])
            log.info("%s: %d pagina's", output, count)
        else:
            write_docx(blocks, HIER / output, entry["title"], entry["date"])
            log.info("%s: geschreven", output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
