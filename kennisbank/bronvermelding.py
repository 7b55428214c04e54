"""Bronvermelding: the one reference format for a passage, as professionals paste it into notes and memos."""
from __future__ import annotations

import datetime as dt
import re

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
_ISO = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
NO_DATE = "z.d."  # zonder datum, as Dutch references write a missing date


def dutch_date(value: str) -> str:
    """An ISO date (or year-month, or year) written out in Dutch; anything else as it is, or z.d. when empty.

    >>> dutch_date("2023-03-29"), dutch_date("2022-02"), dutch_date("2023"), dutch_date(""), dutch_date("voorjaar")
    ('29 maart 2023', 'februari 2022', '2023', 'z.d.', 'voorjaar')
    """
    found = _ISO.fullmatch(value.strip())
    if not found:
        return value.strip() or NO_DATE
    year, month, day = found.groups()
    if month is None or not 1 <= int(month) <= 12:
        return year
    written = f"{MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {written}" if day else written


def bronvermelding(title: str, region: str, doc_type: str, date: str, page: int | None, url: str,
                   accessed: dt.date | None = None) -> str:
    """The reference to one passage: title, organisation or region, type, date, page and its permanent link.

    >>> bronvermelding("Uitvoeringsplan Zuid-Holland Zuid", "Zuid-Holland Zuid", "projectplan", "2023", 12,
    ...                "https://kb.example/document/uitvoeringsplan-zuid-holland-zuid#p37", dt.date(2026, 12, 3))
    ... # doctest: +NORMALIZE_WHITESPACE
    'Uitvoeringsplan Zuid-Holland Zuid. Zuid-Holland Zuid, projectplan, 2023, p. 12.
     https://kb.example/document/uitvoeringsplan-zuid-holland-zuid#p37 (geraadpleegd op 3 december 2026)'
    >>> bronvermelding("Wij doen het beter!", "landelijk", "factsheet", "2021-10-22", None, "https://kb.example/d#p0")
    'Wij doen het beter! Landelijk, factsheet, 22 oktober 2021. https://kb.example/d#p0'
    """
    title = " ".join(title.split()) or "Zonder titel"
    parts = [p for p in (region.strip(), doc_type.strip(), dutch_date(date)) if p]
    details = ", ".join(parts)
    details = details[:1].upper() + details[1:]
    if page:
        details += f", p. {page}"
    seen = f" (geraadpleegd op {dutch_date(accessed.isoformat())})" if accessed else ""
    return f"{title}{'' if title[-1] in '.!?' else '.'} {details}. {url}{seen}"
