"""A seeded synthetic corpus at N times the size of ../shared/corpus, recombined from its real sections.

    .venv/bin/python bench/corpus_gen.py --scale 10 [--out bench/out/corpus-x10]

Each generated document takes the length and section count of one real document, but fills its sections with
sections drawn from all five real documents, in a new region, with dates, years and amounts varied, a few
invented place names and new compounds, so that the vocabulary and the postings grow like a real collection.
The output (Markdown and text files plus a manifest.json) goes under bench/out/, which git ignores.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
SOURCES = SHARED / "corpus" / "documenten"

MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()
TYPES = (("projectplan", 0.5), ("factsheet", 0.2), ("landelijk kader", 0.1), ("overig", 0.2))
TYPE_WORDS = {"projectplan": ("Projectplan", "Uitvoeringsplan", "Plan van aanpak"), "factsheet": ("Factsheet",),
              "landelijk kader": ("Kader", "Handreiking"), "overig": ("Voortgangsrapportage", "Evaluatie")}
PREFIXES = ("regio", "pilot", "keten", "wijk", "gezins", "jeugd", "veiligheids", "zorg", "team", "netwerk",
            "praktijk", "buurt", "samenwerkings", "kwaliteits", "leer", "casus")
SYLLABLES = ("ber", "veen", "dam", "wold", "hoven", "kerk", "bro", "ek", "lin", "ster", "mar", "den", "oos",
             "haar", "sloot", "gen", "wijk", "zand", "ruim", "hout", "dorp", "kamp", "el", "ven", "horst")
OWN_SENTENCES = (  # the generator's own sentences (never copied from the corpus): new names, numbers, dates
    "In de gemeente {place} is dit in {month} {year} gestart met {n} gezinnen.",
    "Het wijkteam van {place} bespreekt elke {weekday} gemiddeld {n} casussen met de partners.",
    "Voor {place} en {place2} is in {year} een budget van {money} euro beschikbaar gesteld.",
)
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
_MONTH = "|".join(MONTHS)
_NUMBERS = re.compile(r"\b(?P<day>\d{1,2})(?=\s+(?:" + _MONTH + r")\b)"
                      r"|\b(?P<year>(?:19|20)\d\d)\b|\b(?P<num>\d{2,6})\b", re.IGNORECASE)
_SECTION_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+")
_WORD = re.compile(r"\b[a-zà-ÿ]{7,}\b")


@dataclass
class Section:
    """One section of a real document: its heading and the text of its passages."""

    title: str
    paragraphs: list[str]

    @property
    def words(self) -> int:
        """How many words the section has."""
        return sum(len(p.split()) for p in self.paragraphs)


def real_documents() -> list[list[Section]]:
    """The sections of each real document, found by the project's own pipeline (extract, clean, structure)."""
    from indexer import clean, extract, structure

    docs = []
    for path in sorted(SOURCES.iterdir()):
        extracted = extract.extract(path.read_bytes(), path.name)
        passages = structure.build_passages(clean.clean_pages(extracted.pages, extracted.kind))
        sections: list[Section] = []
        for p in passages:
            title = p.section_title or "Inleiding"
            if not sections or sections[-1].title != title:
                sections.append(Section(title, []))
            sections[-1].paragraphs.append(p.text)
        docs.append(sections)
    return docs


def region_names() -> tuple[list[str], re.Pattern]:
    """The taxonomy's region names, and one pattern matching any name or alias (longest first)."""
    from kennisbank.taxonomie import load

    regios = load().regios
    names = sorted({n for r in regios for n in (r.naam, *r.aliassen)}, key=len, reverse=True)
    return [r.naam for r in regios], re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")


def _place(rng: random.Random) -> str:
    """An invented Dutch-looking place name."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def vary(text: str, rng: random.Random, region: str, regions: list[str], pattern: re.Pattern,
         year: int, compound_rate: float = 0.02) -> str:
    """One real text moved to another region and time, with amounts changed and some new compounds."""
    text = pattern.sub(lambda m: region if rng.random() < 0.8 else rng.choice(regions), text)
    text = _NUMBERS.sub(lambda m: _number(m, rng, year), text)
    return _WORD.sub(lambda m: rng.choice(PREFIXES) + m.group() if rng.random() < compound_rate else m.group(),
                     text)


def _number(m: re.Match, rng: random.Random, year: int) -> str:
    """A day of the month, a year near the document's year, or an amount with as many digits."""
    if m.group("day"):
        return str(rng.randint(1, 28))
    if m.group("year"):
        return str(year + rng.randint(-2, 1))
    digits = len(m.group("num"))
    return str(rng.randint(10 ** (digits - 1), 10 ** digits - 1))


def own_sentence(rng: random.Random, places: list[str], year: int) -> str:
    """A sentence of the generator's own with new names, numbers and a date."""
    return rng.choice(OWN_SENTENCES).format(
        place=rng.choice(places), place2=rng.choice(places), month=rng.choice(MONTHS), year=year,
        n=rng.randint(3, 400), weekday=rng.choice(WEEKDAYS), money=f"{rng.randint(20, 900)}.000")


def generate(scale: int, out: Path, seed: int = 7) -> dict:
    """Write 5 x scale documents and a manifest.json into out; return counts (documents, words, bytes)."""
    docs = real_documents()
    regions, pattern = region_names()
    out.mkdir(parents=True, exist_ok=True)
    manifest, words, size = [], 0, 0
    for i in range(len(docs) * scale):
        rng = random.Random(seed * 1_000_003 + i)
        base = docs[i % len(docs)]
        region = regions[i % len(regions)] if rng.random() < 0.9 else "landelijk"
        year = rng.randint(2019, 2025)
        kind = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
        title = f"{rng.choice(TYPE_WORDS[kind])} {region} {year} nr. {i + 1}"
        places = [_place(rng) for _ in range(rng.randint(2, 4))]
        markdown = rng.random() < 0.6
        lines = [f"# {title}" if markdown else title, ""]
        for n, own in enumerate(base, 1):
            section = own if rng.random() < 0.6 else rng.choice(rng.choice(docs))
            heading = vary(_SECTION_NUMBER.sub("", section.title), rng, region, regions, pattern, year, 0.0)
            lines += [f"## {heading}" if markdown else f"{n}. {heading[:1].upper()}{heading[1:]}", ""]
            for paragraph in section.paragraphs:
                text = vary(paragraph, rng, region, regions, pattern, year)
                if rng.random() < 0.3:
                    text += " " + own_sentence(rng, places, year)
                lines += [text, ""]
        body = "\n".join(lines)
        doc_id = f"gen-{i + 1:05d}"
        name = f"{doc_id}.{'md' if markdown else 'txt'}"
        (out / name).write_text(body, encoding="utf-8")
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        manifest.append({"id": doc_id, "title": title, "type": kind, "region": region, "date": date,
                         "file": name})
        words += len(body.split())
        size += len(body.encode("utf-8"))
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"documents": len(manifest), "words": words, "bytes": size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or ROOT / "bench" / "out" / f"corpus-x{args.scale}"
    print(json.dumps(generate(args.scale, out, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
