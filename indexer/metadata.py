"""Metadata: infer title, type, region and date from a document itself; user values override."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from indexer.model import DOCUMENT_TYPES, Metadata, Page
from kennisbank.store import slugify
from kennisbank.taxonomie import load as load_taxonomie

MONTHS = {m: i for i, m in enumerate(
    "januari februari maart april mei juni juli augustus september oktober november december".split(), 1)}
_DATE_NL = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(20\d\d|19\d\d)\b", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_DATE_DMY = re.compile(r"\b(\d{1,2})[-/](\d{1,2})[-/](20\d\d)\b")
_YEAR = re.compile(r"\b(20[0-4]\d)\b")
_TYPE_SIGNALS = (  # first match wins; checked in the title, then the first page
    ("factsheet", re.compile(r"\bfactsheet\b", re.I)),
    ("projectplan", re.compile(r"\b(project|uitvoerings|programma|actie|werk)plan\b|\bplan van aanpak\b", re.I)),
    ("landelijk kader", re.compile(r"\b(kwaliteits)?kader\b|\bleidraad\b|\brichtlijn\b|\bhandreiking\b", re.I)),
)


def _fold(text: str) -> str:
    """Lowercase without accents, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " " + re.sub(r"[^0-9a-z+]+", " ", text).strip() + " "


def infer_title(pages: list[Page], filename: str = "") -> str:
    """The first heading-like line of the first page, else the file name.

    >>> infer_title([Page(1, "\\n# Plan van aanpak Zeeland\\nTekst.")])
    'Plan van aanpak Zeeland'
    >>> infer_title([Page(1, "")], "mijn_plan-2023.pdf")
    'mijn plan 2023'
    """
    for page in pages[:2]:
        for line in page.text.splitlines():
            text = line.strip().lstrip("#").strip()
            if 3 <= len(text) <= 160 and sum(c.isalpha() for c in text) > len(text) / 2:
                return text
    return re.sub(r"[_\-]+", " ", Path(filename).stem).strip() or "Naamloos document"


def infer_type(title: str, pages: list[Page]) -> str:
    """One of DOCUMENT_TYPES from signal words in the title, then the first page.

    >>> infer_type("Factsheet Proeftuinen", []), infer_type("Uitvoeringsplan ZHZ", [])
    ('factsheet', 'projectplan')
    """
    first = pages[0].text[:3000] if pages else ""
    for text in (title, first):
        for kind, pattern in _TYPE_SIGNALS:
            if pattern.search(text):
                return kind
    return "overig"


def infer_region(title: str, pages: list[Page], filename: str = "") -> str:
    """A region name when title or file name name one; else the clearly dominant one; many -> landelijk."""
    regios = load_taxonomie().regios
    for text in (title, filename.replace("-", " ").replace("_", " ")):
        found = _regions_in(_fold(text), regios)
        if len(found) == 1:
            return next(iter(found))
    body = _fold(" ".join(p.text for p in pages))
    counts = _regions_in(body, regios)
    if len(counts) >= 5:
        return "landelijk"
    if counts:
        (best, n), *rest = counts.most_common()
        if n >= 3 and (not rest or n >= 3 * rest[0][1]):
            return best
    return ""


def _regions_in(folded: str, regios) -> Counter:
    """How often each region is named (longest names first, so Utrecht-West is not Utrecht)."""
    counts: Counter = Counter()
    names = sorted(((_fold(n), r.naam) for r in regios for n in (r.naam, *r.aliassen, *r.projectnamen)),
                   key=lambda x: -len(x[0]))
    for name, naam in names:
        if name.strip() and name in folded:
            counts[naam] += folded.count(name)
            folded = folded.replace(name, " ")
    return counts


def infer_date(pages: list[Page]) -> str:
    """The first full date on the first pages as YYYY-MM-DD, else the most frequent recent year.

    >>> infer_date([Page(1, "Versie 29 maart 2023")]), infer_date([Page(1, "in 2022 en 2023, 2023")])
    ('2023-03-29', '2023')
    """
    head = "\n".join(p.text for p in pages[:2])[:4000]
    if m := _DATE_NL.search(head):
        return f"{m.group(3)}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    if m := _DATE_ISO.search(head):
        return m.group(0)
    if m := _DATE_DMY.search(head):
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    years = Counter(_YEAR.findall(head))
    return years.most_common(1)[0][0] if years else ""


def infer(pages: list[Page], filename: str = "", overrides: dict | None = None) -> Metadata:
    """Metadata inferred from the document, with non-empty overrides winning."""
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    title = overrides.get("title") or infer_title(pages, filename)
    meta = Metadata(
        id=overrides.get("id") or slugify(Path(filename).stem if filename else title),
        title=title,
        type=overrides.get("type") or infer_type(title, pages),
        region=overrides.get("region") or infer_region(title, pages, filename),
        date=overrides.get("date") or infer_date(pages),
    )
    if meta.type not in DOCUMENT_TYPES:
        raise ValueError(f"onbekend documenttype {meta.type!r}; kies uit: {', '.join(DOCUMENT_TYPES)}")
    return meta


def read_manifest(directory: Path) -> dict[Path, dict]:
    """Resolved file path -> metadata overrides, from a manifest.json in the folder or its parent.

    Paths in a manifest are relative to the manifest itself (like ../shared/corpus/manifest.json, whose
    entries name "pdf/..." and "documenten/..."); an entry's "file", "pdf" and "text" keys all count.
    """
    by_path: dict[Path, dict] = {}
    for folder in (directory.parent, directory):  # the folder's own manifest wins
        path = folder / "manifest.json"
        if not path.is_file():
            continue
        entries = json.loads(path.read_text(encoding="utf-8"))
        for entry in entries if isinstance(entries, list) else []:
            meta = {k: entry.get(k) for k in ("id", "title", "type", "region", "date")}
            for key in ("file", "pdf", "text"):
                if isinstance(entry.get(key), str):
                    by_path[(folder / entry[key]).resolve()] = meta
    return by_path
