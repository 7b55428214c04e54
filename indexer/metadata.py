"""Metadata: infer title, type, region and date from a document itself; user values override."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from indexer.model import DOCUMENT_TYPES, Metadata, Page
from kennisbank.analysis import fold, slugify
from kennisbank.taxonomie import load as load_taxonomie

MONTHS = {m: i for i, m in enumerate(
    "januari februari maart april mei juni juli augustus september oktober november december".split(), 1)}
_DATE_NL = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(20\d\d|19\d\d)\b", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_DATE_DMY = re.compile(r"\b(\d{1,2})[-/](\d{1,2})[-/](20\d\d)\b")
_DATE_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(20\d\d|19\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20[0-4]\d)\b")
_MD_MARKS = re.compile(r"^#{1,6}\s+|\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)|\\$")
_MD_HEADING = re.compile(r"^#{1,6}\s+\S")
_GENERIC_HEADINGS = {"inleiding", "inhoudsopgave", "inhoud", "voorwoord", "samenvatting", "colofon", "leeswijzer",
                     "managementsamenvatting", "pagina"}
_CHAPTER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|hoofdstuk \d+)\s", re.IGNORECASE)
_TYPE_SIGNALS = (  # first match wins; checked in the title, then the first page
    ("factsheet", re.compile(r"\bfactsheet\b", re.I)),
    ("projectplan", re.compile(r"\b(project|uitvoerings|programma|actie|werk|verander)plan\b|\bplan van aanpak\b"
                                r"|\bprojectvoorstel\b", re.I)),
    ("landelijk kader", re.compile(r"\b(kwaliteits)?kader\b|\bleidraad\b|\brichtlijn\b|\bhandreiking\b", re.I)),
)


def _fold(text: str) -> str:
    """Lowercase without accents, punctuation as spaces."""
    return " " + re.sub(r"[^0-9a-z+]+", " ", fold(text)).strip() + " "


def infer_title(pages: list[Page], filename: str = "") -> str:
    r"""The title: a running header, else the first Markdown heading, else the title block, else the file name.

    The title block is the run of short title-like lines at the very top; a line that starts with a capital
    after a finished line is a subtitle (joined with ': '), a lowercase one a wrapped line.

    >>> infer_title([Page(1, "\n# Plan van aanpak Zeeland\nTekst.")])
    'Plan van aanpak Zeeland'
    >>> infer_title([Page(1, "Werkplan\n\nwijkteams Oost\n\nAanpak 2024\n\nVersie 3 maart 2024\n\nTekst.")])
    'Werkplan wijkteams Oost: Aanpak 2024'
    >>> infer_title([Page(1, "Werkplan Oost\n\nAanpak van de teams\n\nWij werken samen met de gezinnen.")])
    'Werkplan Oost'
    >>> infer_title([Page(n, f"Reeks | Werkplan Oost\nTekst {n}.") for n in (1, 2, 3)])
    'Werkplan Oost'
    >>> infer_title([Page(1, "1. Inleiding\nDit plan beschrijft hoe wij werken.")], "mijn_plan-2023.pdf")
    'Mijn plan 2023'
    """
    header = _running_header(pages)
    if header:
        return header
    lines = [line.strip() for line in (pages[0].text.splitlines() if pages else [])][:80]
    for line in lines[:40]:
        if _MD_HEADING.match(line) and _title_like(_unmark(line)):
            return _unmark(line)
    title: list[str] = []
    for line in (_unmark(line) for line in lines):
        if not line:
            continue
        if not _title_like(line) or len(title) == 3:
            if len(title) > 1 and not (_DATE_NL.search(line) or _DATE_MONTH.search(line) or _YEAR.search(line)):
                title.pop()  # a line followed by body text is the first section's heading, no subtitle
            break
        if title and line[:1].islower():
            title[-1] += " " + line
        else:
            title.append(line)
    if title:
        return ": ".join(title)
    name = re.sub(r"[_\-]+", " ", Path(filename).stem).strip()
    return name[:1].upper() + name[1:] if name else "Naamloos document"


def _unmark(line: str) -> str:
    """A line without Markdown heading marks and emphasis."""
    return " ".join(_MD_MARKS.sub("", line.strip()).split())


def _title_like(line: str) -> bool:
    """A short line of mostly letters that is no sentence, date, chapter heading or generic heading."""
    words = line.split()
    if not 1 <= len(words) <= 16 or not 3 <= len(line) <= 160 or line.endswith((".", ",", ";")):
        return False
    if sum(c.isalpha() for c in line) <= len(line) / 2 or _CHAPTER.match(line) or "://" in line or "www." in line:
        return False
    if line.lower().rstrip(":") in _GENERIC_HEADINGS or _DATE_NL.search(line) or _DATE_MONTH.search(line):
        return False
    return True


def _running_header(pages: list[Page]) -> str:
    """The title in a line that opens most pages ("Reeks | Titel" gives "Titel"), or ''."""
    firsts = [next((line.strip() for line in p.text.splitlines() if line.strip()), "") for p in pages]
    if len(firsts) < 2:
        return ""
    line, seen = Counter(firsts).most_common(1)[0]
    if seen < max(2, len(firsts) / 2):
        return ""
    line = line.split(" | ")[-1].strip()
    return line if len(line.split()) >= 2 and _title_like(line) else ""


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
    """A region name when title or file name name one; else the clearly dominant one; many -> landelijk.

    >>> infer_region("Verslag", [Page(1, "Zeeland, Flevoland en Friesland. " * 3)])
    'landelijk'
    """
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
        if sum(1 for _, seen in counts.items() if seen >= 3) >= 3:
            return "landelijk"  # several regions, none dominant: an overview of regions
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
    r"""The date in the title block (YYYY-MM-DD, YYYY-MM or YYYY), else the latest date in the opening text.

    A document is written after the events it reports, so without a dated title block the latest full or
    month date of the first pages counts; without any, the most frequent year.

    >>> infer_date([Page(1, "Plan\nVersie 29 maart 2023\nOp 1 mei 2020 begon het.")])
    '2023-03-29'
    >>> infer_date([Page(1, "Plan\n1. Inleiding\nOp 1 mei 2020 begon het.\nIn juni 2021 niet.")])
    '2021-06'
    >>> infer_date([Page(1, "Plan\nRegio Oost, februari 2023\nTekst.")])
    '2023-02'
    >>> infer_date([Page(1, "1. Inleiding\nOp 17 november 2022 is het plan vastgesteld. In april 2023 volgt meer.")])
    '2023-04'
    >>> infer_date([Page(1, "in 2022 en 2023, 2023")])
    '2023'
    """
    block: list[str] = []  # the title block: the lines before the first chapter heading or body line
    for line in (line.strip() for line in (pages[0].text.splitlines() if pages else [])):
        if len(block) == 15 or _CHAPTER.match(line) or len(line.split()) > 12:
            break
        if line:
            block.append(line)
    for line in block:
        if found := _dates_in(line):
            return found[0]
    for line in block:
        if len(line.split()) <= 8 and (years := _YEAR.findall(line)) and not _CHAPTER.match(line):
            return years[-1]
    head = "\n".join(p.text for p in pages[:2])[:4000]
    if found := _dates_in(head):
        return max(found, key=lambda d: [int(x) for x in d.split("-")])
    years = Counter(_YEAR.findall(head))
    return years.most_common(1)[0][0] if years else ""


def _dates_in(text: str) -> list[str]:
    """The full dates (YYYY-MM-DD) and month dates (YYYY-MM) in a text, in order.

    >>> _dates_in("op 3 maart 2023, 2023-04-01, 5/6/2023 en juli 2022")
    ['2023-03-03', '2023-04-01', '2023-06-05', '2022-07']
    """
    found: list[tuple[int, str]] = []
    for m in _DATE_NL.finditer(text):
        found.append((m.start(), f"{m.group(3)}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"))
    found += [(m.start(), m.group(0)) for m in _DATE_ISO.finditer(text)]
    found += [(m.start(), f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}")
              for m in _DATE_DMY.finditer(text) if 1 <= int(m.group(2)) <= 12]
    taken = {m.start(2) for m in _DATE_NL.finditer(text)}
    found += [(m.start(), f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}")
              for m in _DATE_MONTH.finditer(text) if m.start() not in taken]
    return [d for _, d in sorted(found)]


def infer(pages: list[Page], filename: str = "", overrides: dict | None = None) -> Metadata:
    """Metadata inferred from the document, with non-empty overrides winning."""
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    title = overrides.get("title") or infer_title(pages, filename)
    kind = overrides.get("type") or infer_type(title, pages)
    meta = Metadata(
        id=overrides.get("id") or slugify(Path(filename).stem if filename else title),
        title=title,
        type=kind,
        region=overrides.get("region") or infer_region(title, pages, filename) or
        ("landelijk" if kind == "landelijk kader" else ""),
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
