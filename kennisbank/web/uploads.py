"""Uploads for beheer: checked metadata fields, safe file labels, and files staged between preview and add.

A scan (PDF pages without a text layer) is not added in the request: when OCR is available it becomes a job
(kennisbank.jobs) for the background Worker, and the upload answers at once with OCR_STATUS and the job id.
"""
from __future__ import annotations

import io
import json
import logging
import re
import secrets
import shutil
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from indexer.model import DOCUMENT_TYPES, RefusedError
from kennisbank import documents, index, jobs
from kennisbank.config import DataDir
from kennisbank.store import Store, sha256
from kennisbank.web import common

log = logging.getLogger(__name__)
FIELDS = ("title", "type", "region", "date")
MAX_TITLE_CHARS = 300
STAGE_HOURS = 2
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_PIPELINE_LOCK = threading.Lock()  # one upload at a time per process: the spaCy pipeline is shared by threads
OCR_STATUS = "wordt verwerkt (OCR)"


@dataclass
class Queued(documents.Outcome):
    """An upload whose scanned pages the background Worker reads: status OCR_STATUS, doc_id as it will be."""

    job_id: str = ""


def clean_filename(name: str | None) -> str:
    """The last part of a client's file name without control characters; only a label, never a path.

    >>> clean_filename("C:\\\\Users\\\\x\\\\plan.pdf"), clean_filename("../../etc/passwd"), clean_filename("a\\x00b.md")
    ('plan.pdf', 'passwd', 'ab.md')
    """
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[-200:] or "upload"


def read_fields(form, suffix: str = "") -> tuple[dict[str, str], list[str]]:
    """Metadata overrides from form fields (title, type, region, date + suffix); empty means 'infer'."""
    values = {f: " ".join((form.get(f + suffix) or "").split()) for f in FIELDS}
    problems = []
    if len(values["title"]) > MAX_TITLE_CHARS:
        problems.append(f"de titel is langer dan {MAX_TITLE_CHARS} tekens")
    if values["type"] and values["type"] not in DOCUMENT_TYPES:
        problems.append(f"onbekend documenttype; kies uit: {', '.join(DOCUMENT_TYPES)}")
    if values["region"] and values["region"] != "landelijk":
        regio = common.taxonomie().regio_by_name(values["region"])
        if regio is None:
            problems.append(f"onbekende regio '{values['region'][:60]}'")
        else:
            values["region"] = regio.naam
    if values["date"] and not _DATE.match(values["date"]):
        problems.append("de datum moet de vorm JJJJ, JJJJ-MM of JJJJ-MM-DD hebben")
    return {k: v for k, v in values.items() if v}, problems


def add_upload(data: DataDir, content: bytes, filename: str, overrides: dict) -> documents.Outcome:
    """documents.add_bytes, or a Queued OCR job for a scan; a busy index or a failure refuses this file only."""
    try:
        scanned = scan_pages(content, filename)
        if scanned and not Store(data).by_sha(sha256(content)) and ocr_unavailable() is None:
            return _queue(data, content, filename, overrides, scanned)
        with _PIPELINE_LOCK:  # a scan here: OCR is missing (refused as by the CLI) or its pages are cached
            return documents.add_bytes(data, content, filename, overrides, ocr=bool(scanned))
    except index.BusyError as exc:
        return documents.Outcome(filename, documents.AddStatus.REFUSED, message=str(exc))
    except Exception:  # one bad file must not lose the results of the others
        log.exception("toevoegen van %s mislukt", filename)
        return documents.Outcome(filename, documents.AddStatus.REFUSED, message="onverwachte fout bij het verwerken; "
                                 "zie het serverlog")


def _queue(data: DataDir, content: bytes, filename: str, overrides: dict, scanned: int) -> Queued:
    """Hand a scan to the background Worker."""
    job_id = jobs.submit(data, content, filename, overrides)
    pages = "1 pagina" if scanned == 1 else f"{scanned} pagina's"
    log.info("upload %s: OCR-job %s (%s zonder tekst)", filename, job_id, pages)
    return Queued(filename, OCR_STATUS, jobs.expected_id(filename, overrides),
                  f"{pages} zonder tekst; de tekst wordt op de achtergrond via OCR gelezen", job_id=job_id)


def scan_pages(content: bytes, filename: str = "") -> int:
    """How many pages of a PDF need OCR (an image, no text layer); 0 for other files and unreadable PDFs."""
    from pypdf import PdfReader

    from indexer.extract import NoTextLayerError, detect_kind, extract
    from indexer.ocr import image_pages, needs_ocr

    if detect_kind(content) != "pdf":
        return 0
    try:
        with_images = image_pages(content, list(range(1, len(PdfReader(io.BytesIO(content)).pages) + 1)))
        if not with_images:
            return 0
        pages = {page.number: page for page in extract(content, filename).pages}
    except NoTextLayerError:
        return len(with_images)
    except Exception:  # damaged or encrypted: the normal route refuses it with the reason
        return 0
    return sum(1 for n in with_images if n in pages and needs_ocr(pages[n]))


def ocr_unavailable() -> str | None:
    """Why OCR cannot run here (the CLI's message), or None when tesseract and its Dutch model are installed."""
    from indexer.ocr import OcrUnavailableError, check_available

    try:
        check_available()
    except OcrUnavailableError as exc:
        return str(exc)
    return None


def inferred(content: bytes, filename: str) -> dict:
    """What the pipeline would infer for a file (no enrichment), with the proeftuinen or regions its text names that
    the taxonomy does not know (nieuwe_regios), or the reason it would be refused."""
    from indexer.extract import NoTextLayerError
    from indexer.pipeline import prepare
    from kennisbank.taxonomie.checks import unknown_regions

    try:
        with _PIPELINE_LOCK:
            prepared = prepare(content, filename, None, enrich=False)
        meta = prepared.meta
    except NoTextLayerError:  # a scan: its metadata come from the OCR'd text, after the upload
        reason = ocr_unavailable()
        return {"filename": filename, "error": reason} if reason else {"filename": filename, "ocr": True,
                                                                       "id": jobs.expected_id(filename)}
    except RefusedError as exc:
        return {"filename": filename, "error": str(exc)}
    except Exception:
        log.exception("voorbeeld van %s mislukt", filename)
        return {"filename": filename, "error": "onverwachte fout bij het lezen; zie het serverlog"}
    named = unknown_regions(common.taxonomie(), "\n".join(page.text for page in prepared.pages))
    return {"filename": filename, "id": meta.id, "title": meta.title, "type": meta.type, "region": meta.region,
            "date": meta.date, "nieuwe_regios": named}


def stage(data: DataDir, files: list[tuple[str, bytes]]) -> str:
    """Keep uploaded files until the beheerder confirms the metadata; returns the token that names them."""
    root = data.uploads
    _forget_old(root)
    token = secrets.token_hex(16)
    folder = root / token
    folder.mkdir(parents=True, mode=0o700)
    for i, (_, content) in enumerate(files):
        (folder / f"{i}.bin").write_bytes(content)
    (folder / "names.json").write_text(json.dumps([name for name, _ in files]), encoding="utf-8")
    return token


def staged(data: DataDir, token: str) -> list[tuple[str, bytes]] | None:
    """The files staged under a token, or None when the token is unknown or expired."""
    folder = data.uploads / token
    if not _TOKEN.match(token or "") or not folder.is_dir():
        return None
    names = json.loads((folder / "names.json").read_text(encoding="utf-8"))
    return [(clean_filename(name), (folder / f"{i}.bin").read_bytes()) for i, name in enumerate(names)]


def unstage(data: DataDir, token: str) -> None:
    """Forget staged files."""
    if _TOKEN.match(token or ""):
        shutil.rmtree(data.uploads / token, ignore_errors=True)


def _forget_old(root: Path) -> None:
    """Remove staged uploads that were never confirmed."""
    if not root.is_dir():
        return
    cutoff = time.time() - STAGE_HOURS * 3600
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
