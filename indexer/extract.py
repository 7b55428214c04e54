"""Extract stage: read the text of a PDF, DOCX, Markdown or text file, page by page.

The file type is detected from the bytes, never from the name. Files that cannot be
ingested raise RefusedError with a one-line reason in plain Dutch, which the CLI shows
after the file name. Headings that DOCX marks with styles arrive as '#' lines.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile

from indexer.model import Extracted, Page, RefusedError

log = logging.getLogger(__name__)

MAX_PAGES = 2000  # more pages than this is refused (configurable per call)
MAX_BYTES = 200 * 2**20  # largest accepted file
MAX_UNPACKED = 200 * 2**20  # largest total uncompressed size inside a DOCX
MAX_RATIO = 100  # largest uncompressed/compressed ratio of a DOCX (above 1 MB unpacked)
MAX_CONTROL_SHARE = 0.05  # a larger share of control characters means binary data

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls/.ppt
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_MD_LINK = re.compile(r"\[[^\]\n]+\]\([^)\s]*\)")
_MD_TABLE_RULE = re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*\|", re.M)
_HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*(\d)$", re.I)
_TITLE_STYLES = {"title", "titel"}
_LIST_STYLE = re.compile(r"^(?:list|lijst)\b.*?(\d)?$", re.I)  # "List Bullet 2": level 2
_DESCRIBE = {"pdf": "een PDF", "docx": "een Word-bestand", "markdown": "tekst (Markdown)",
             "text": "tekst of HTML", "zip": "een zip-archief", "ole": "een oud Office-bestand",
             "binary": "binaire data"}


class NoTextLayerError(RefusedError):
    """A PDF without a text layer (a scan); an OCR stage can catch this and read the images."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"geen tekstlaag: gescande PDF, OCR nodig ({_count(pages)} zonder tekst)")
        self.pages = pages


def _refuse(reason: str) -> RefusedError:
    """A RefusedError with a one-line reason of at most 200 characters.

    >>> str(_refuse("leeg bestand\\n (0 bytes)"))
    'leeg bestand (0 bytes)'
    """
    line = " ".join(reason.split())
    return RefusedError(line if len(line) <= 200 else line[:199] + "…")


def _count(pages: int) -> str:
    """A page count in Dutch words.

    >>> _count(1), _count(3)
    ('1 pagina', "3 pagina's")
    """
    return "1 pagina" if pages == 1 else f"{pages} pagina's"


def _zip_names(data: bytes) -> list[str]:
    """The member names of a zip archive, or [] when the directory cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


def _control_share(text: str) -> float:
    """The share of control characters other than tab, newline, carriage return and form feed.

    >>> _control_share("ab\\x01\\x02"), _control_share("regel\\n\\tcel")
    (0.5, 0.0)
    """
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ch not in "\t\n\r\f" and unicodedata.category(ch) == "Cc")
    return bad / len(text)


def decode_text(data: bytes) -> str:
    """Decode text bytes: a BOM if present, else UTF-8, then cp1252, then Latin-1.

    >>> decode_text("één".encode("utf-8"))
    'één'
    >>> decode_text("coördinatie".encode("latin-1"))
    'coördinatie'
    >>> decode_text(b"\\x93citaat\\x94")
    '“citaat”'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _looks_binary(data: bytes) -> bool:
    """Whether bytes are binary data rather than text: NUL bytes or many control characters.

    >>> _looks_binary(b"gewone tekst\\n")
    False
    >>> _looks_binary(bytes(range(256)))
    True
    """
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return _control_share(decode_text(data[: 2**20])) > MAX_CONTROL_SHARE


def _looks_markdown(text: str) -> bool:
    """Whether text carries Markdown marks: '#' headings, links or pipe tables.

    >>> [_looks_markdown(t) for t in ("# Inleiding\\nTekst", "Zie [de site](https://x.nl).", "Tekst, #1 op de lijst.")]
    [True, True, False]
    """
    return bool(_MD_HEADING.search(text) or _MD_LINK.search(text) or _MD_TABLE_RULE.search(text))


def detect_kind(data: bytes) -> str:
    """The kind of file the bytes are, ignoring any name.

    Accepted kinds are "pdf", "docx", "markdown" and "text"; the others are "empty",
    "zip" (other zip or office formats), "ole" (old Office formats) and "binary".

    >>> [detect_kind(b) for b in (b"%PDF-1.7 ...", b"", b"## Kop\\ntekst", b"Gewone tekst.", b"\\x00\\x01")]
    ['pdf', 'empty', 'markdown', 'text', 'binary']
    """
    if not data:
        return "empty"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == _ZIP_MAGIC:
        return "docx" if "word/document.xml" in _zip_names(data) else "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if _looks_binary(data):
        return "binary"
    return "markdown" if _looks_markdown(decode_text(data)) else "text"


def extract(data: bytes, filename: str = "", max_pages: int = MAX_PAGES) -> Extracted:
    """Read the pages of a file; raise RefusedError (or NoTextLayerError) when it cannot be read."""
    name = filename.lower()
    kind = detect_kind(data)
    if kind == "empty":
        raise _refuse("leeg bestand (0 bytes)")
    if len(data) > MAX_BYTES:
        raise _refuse(f"te groot bestand ({len(data) >> 20} MB, maximaal {MAX_BYTES >> 20} MB)")
    if name.endswith(".pdf") and kind != "pdf":
        raise _refuse(f"geen geldige PDF: de inhoud is {_DESCRIBE[kind]}, geen PDF")
    if name.endswith(".docx") and kind != "docx":
        raise _refuse(f"geen geldig Word-bestand (.docx): de inhoud is {_DESCRIBE[kind]}")
    if kind == "pdf":
        return Extracted("pdf", _extract_pdf(data, max_pages))
    if kind == "docx":
        return Extracted("docx", _extract_docx(data))
    if kind in ("zip", "ole"):
        raise _refuse("niet ondersteund bestandstype (zip- of Office-bestand anders dan .docx); "
                      "gebruik PDF, DOCX, Markdown of tekst")
    if kind == "binary":
        raise _refuse("binaire inhoud, geen tekst (geen PDF, DOCX, Markdown of tekstbestand)")
    text = decode_text(data)
    if kind == "text" and name.endswith((".md", ".markdown")):
        kind = "markdown"
    return Extracted(kind, [Page(1, text)])


def _extract_pdf(data: bytes, max_pages: int) -> list[Page]:
    """The text of every readable PDF page; a page that fails is logged and skipped."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse("versleutelde PDF (wachtwoord nodig); sla hem onbeveiligd op en probeer opnieuw")
        count = len(reader.pages)
    except RefusedError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise _refuse(f"versleutelde PDF (wachtwoord nodig); kan niet ontsleutelen: {exc}") from exc
    except Exception as exc:  # pypdf raises many types on damaged files
        raise _refuse(f"beschadigde of afgebroken PDF: {exc}") from exc
    if count > max_pages:
        raise _refuse(f"te veel pagina's ({count}, maximaal {max_pages})")
    if count == 0:
        raise _refuse("beschadigde of afgebroken PDF: geen pagina's gevonden")
    pages: list[Page] = []
    failed: list[int] = []
    for number in range(1, count + 1):
        try:
            text = reader.pages[number - 1].extract_text() or ""
        except Exception as exc:  # one damaged page must not sink the others
            log.warning("pagina %d overgeslagen: %s: %s", number, type(exc).__name__, exc)
            failed.append(number)
            continue
        pages.append(Page(number, text))
    if not pages:
        raise _refuse(f"beschadigde of afgebroken PDF: geen enkele pagina leesbaar ({_count(count)})")
    if not any(ch.isalnum() for page in pages for ch in page.text):
        raise NoTextLayerError(count)
    if failed:
        log.warning("%d van %d pagina's onleesbaar: %s", len(failed), count, failed)
    return pages


def _check_zip_bomb(data: bytes) -> None:
    """Refuse a zip whose directory announces too much or too tightly packed content."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(f"beschadigd Word-bestand (.docx): {exc}") from exc
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    ratio = unpacked / max(packed, 1)
    if unpacked > MAX_UNPACKED or (unpacked > 2**20 and ratio > MAX_RATIO):
        raise _refuse(f"verdacht groot/ingepakt bestand (zip-bom?): {unpacked >> 20} MB uitgepakt, "
                      f"{ratio:.0f}x ingepakt")


def _heading_level(style_name: str) -> int:
    """The heading level of a DOCX paragraph style name, 0 when it is no heading.

    >>> [_heading_level(s) for s in ("Heading 2", "Kop 1", "Title", "Normal")]
    [2, 1, 1, 0]
    """
    match = _HEADING_STYLE.match(style_name.strip())
    return max(1, int(match.group(1))) if match else int(style_name.strip().lower() in _TITLE_STYLES)


def _list_level(paragraph) -> int:
    """1 + the nesting level when a DOCX paragraph is a list item, else 0."""
    ppr = paragraph._p.pPr
    num = ppr.numPr if ppr is not None else None
    if num is not None and num.numId is not None and num.numId.val != 0:
        return 1 + (num.ilvl.val if num.ilvl is not None else 0)
    name = paragraph.style.name if paragraph.style is not None else ""
    match = _LIST_STYLE.match(name or "")
    return int(match.group(1) or 1) if match else 0


def _table_rows(table) -> list[str]:
    """The rows of a DOCX table as 'cel | cel' lines, merged cells once."""
    rows = []
    for row in table.rows:
        cells, seen = [], []  # keep the elements alive: lxml compares them by identity
        for cell in row.cells:
            if cell._tc not in seen:
                seen.append(cell._tc)
                cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _extract_docx(data: bytes) -> list[Page]:
    """The body of a DOCX as one page: '#' headings, '- ' list items, 'cel | cel' table rows."""
    import docx
    from docx.table import Table

    _check_zip_bomb(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors
        raise _refuse(f"beschadigd Word-bestand (.docx): {exc}") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_rows(block))
            lines.append("")
            continue
        text = " ".join(block.text.split())
        style = block.style.name if block.style is not None else ""
        level = _heading_level(style or "")
        if not text:
            lines.append("")
        elif level:
            lines.append("#" * level + " " + text)
        elif depth := _list_level(block):
            lines.append("  " * (depth - 1) + "- " + text)
        else:
            lines.append(text)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return [Page(1, text)]
