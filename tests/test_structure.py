"""Structure stage on the real shared PDFs (extract -> clean -> build_passages) and on our own demo documents."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from indexer import clean, extract
from indexer.clean import normalize_unicode
from indexer.figures import has_box_edge
from indexer.model import Page, Passage
from indexer.structure import MAX_CHARS, MAX_WORDS, build_passages, heading_level, to_blocks, to_lines

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
DEMO = ROOT / "corpus"
PDFS = sorted((SHARED / "pdf").glob("*.pdf"))
HARD_MAX_WORDS, HARD_MAX_CHARS = MAX_WORDS + 10, MAX_CHARS + 300

pytestmark = pytest.mark.skipif(not PDFS, reason="het gedeelde corpus (../shared/corpus/pdf) ontbreekt")


@dataclass
class Doc:
    """One shared PDF through the first stages, with pypdf's own page texts to check against."""

    name: str
    raw: list[str]  # pypdf text per page, untouched
    pages: list[Page]  # after clean
    passages: list[Passage]

    def passages_with_heading(self, heading: str) -> list[Passage]:
        """The passages that open with this heading line."""
        return [p for p in self.passages if heading in p.headings]


def _norm(text: str) -> str:
    """Text with unicode normalised like the clean stage and single spaces."""
    return " ".join(normalize_unicode(text).split())


def _load(path: Path) -> Doc:
    extracted = extract.extract(path.read_bytes(), path.name)
    pages = clean.clean_pages(extracted.pages, extracted.kind)
    raw = [page.extract_text() or "" for page in PdfReader(path).pages]
    return Doc(path.stem, raw, pages, build_passages(pages))


@pytest.fixture(scope="module")
def docs() -> dict[str, Doc]:
    """The five shared PDFs by file stem, built once for this module."""
    return {path.stem: _load(path) for path in PDFS}


def _doc(docs: dict[str, Doc], start: str) -> Doc:
    found = [d for name, d in docs.items() if name.startswith(start)]
    assert len(found) == 1, (start, list(docs))
    return found[0]


def _body(passage: Passage) -> list[str]:
    """The lines of a passage after its heading lines."""
    return passage.text.split("\n")[len(passage.headings):]


# --- sizes -------------------------------------------------------------------------------------------------

def test_passages_are_mostly_60_to_250_words_and_never_oversized(docs):
    counts = [len(p.text.split()) for d in docs.values() for p in d.passages]
    within = sum(30 <= n <= HARD_MAX_WORDS for n in counts) / len(counts)
    assert len(counts) > 250, len(counts)
    assert within >= 0.85, f"{within:.0%} van de passages tussen 30 en {HARD_MAX_WORDS} woorden"
    assert 60 <= statistics.median(counts) <= MAX_WORDS, statistics.median(counts)
    for d in docs.values():
        for p in d.passages:
            assert len(p.text.split()) <= HARD_MAX_WORDS, (d.name, p.position, len(p.text.split()))
            assert len(p.text) <= HARD_MAX_CHARS, (d.name, p.position, len(p.text))


def test_a_short_tail_is_evened_out_instead_of_overflowing():
    paragraph = " ".join(f"w{i}" for i in range(119)) + "."
    text = "Kop van de sectie\n\n" + "\n\n".join([paragraph] * 4) + "\n\n" + " ".join(["staart"] * 40) + "."
    passages = build_passages([Page(1, text)])
    sizes = [len(p.text.split()) for p in passages]
    assert sum(sizes) == 4 + 4 * 119 + 40  # nothing lost: the heading, four paragraphs and the tail
    assert max(sizes) <= HARD_MAX_WORDS and min(sizes) >= 60, sizes


# --- sections ------------------------------------------------------------------------------------------------

def test_passages_keep_every_word_in_order_but_tables_of_contents(docs):
    for d in docs.values():
        kept = " ".join(p.text for p in d.passages).split()
        words = " ".join(pg.text for pg in d.pages).split()
        source = iter(words)
        assert all(w in source for w in kept), d.name  # in order, nothing invented
        assert len(words) - len(kept) <= 0.05 * len(words), (d.name, len(words) - len(kept))  # a page of contents


def test_a_table_of_contents_is_no_passage_but_a_budget_table_is(docs):
    rotterdam = _doc(docs, "proeftuin-rotterdam")
    texts = [p.text for p in rotterdam.passages]
    assert not any("2. Doelen en ambitie 3" in t or "1. Uitgangspunten 8" in t for t in texts)
    assert any("Type kosten" in t and "€" in t for t in texts)
    assert any(t.startswith("DEEL 1 ONZE AMBITIE\n1. Inleiding\nHet door alle partners") for t in texts)


def test_every_heading_opens_a_passage_so_none_crosses_a_section(docs):
    for d in docs.values():
        heads = [b.text for b in to_blocks(to_lines(d.pages)) if b.heading]
        opened = [h for p in d.passages for h in p.headings]
        source = iter(heads)
        assert all(h in source for h in opened), d.name  # in order
        assert len(heads) - len(opened) <= 3, d.name  # only the headings over a table of contents go
        previous = None
        for p in d.passages:
            if p.headings:
                assert p.text.startswith("\n".join(p.headings) + "\n"), (d.name, p.position)
                assert p.section[-1].endswith(p.headings[-1]), (d.name, p.position, p.section)
            else:  # a passage without headings continues the section of the one before it
                assert previous is not None and p.section == previous.section, (d.name, p.position)
            assert _body(p) and all(_body(p)), (d.name, p.position)
            previous = p


def test_sections_nest_by_level_in_the_zhz_plan(docs):
    zhz = _doc(docs, "uitvoeringsplan-zuid-holland-zuid")
    thema4 = [p for p in zhz.passages if "Thema 4: Verbinding Volwassen GGZ" in p.section]
    assert thema4 and thema4[0].headings[0] == "Thema 4: Verbinding Volwassen GGZ"
    assert all(p.section[:2] == ("3. Projecten", "3.1 Basisprincipe 1: gezinsgericht") for p in thema4)
    # the next theme, set in a side-label layout ("Verbinding met" + "Thema 6: ..."), closes the section
    thema6 = [p for p in zhz.passages if any("Thema 6:" in s for s in p.section)]
    assert thema6 and not any("Thema 4: Verbinding Volwassen GGZ" in p.section for p in thema6)


def test_a_theme_under_a_one_off_figure_is_its_own_section_in_the_zhz_plan(docs):
    """"Thema: Integrale analyse en netwerkdossier" sits on a figure printed once; it used to end up in Thema 4."""
    zhz = _doc(docs, "uitvoeringsplan-zuid-holland-zuid")
    analysis = [p for p in zhz.passages if "Een zorgvuldige en gezamenlijke verklarende analyse" in p.text]
    assert analysis and analysis[0].section[2] == "Thema: Integrale analyse en netwerkdossier"
    dossier = [p for p in zhz.passages if p.headings[:1] == ("Netwerkdossier",)]
    assert dossier and "Thema 4: Verbinding Volwassen GGZ" not in dossier[0].section
    assert not any(re.search(r"[{}]", " ".join(p.section)) for p in zhz.passages)  # no box edges as headings


def test_consecutive_same_level_headings_make_one_joint_section(docs):
    factsheet = _doc(docs, "factsheet-proeftuinen")
    joint = [p for p in factsheet.passages if " / " in p.section[0]]
    assert joint, "geen gezamenlijke sectie Utrecht / Utrecht-West"
    first, second = joint[0].section[0].split(" / ")
    assert first.startswith("Proeftuin Utrecht:") and second.startswith("Proeftuin Utrecht-West:")
    assert joint[0].headings[:2] == (first, second)
    text = build_passages([Page(1, "# Proeftuin Noord\n\n# Proeftuin Zuid\n\n" + "Gewone tekst hier. " * 20)])
    assert text[0].section == ("Proeftuin Noord / Proeftuin Zuid",)


def test_a_proeftuin_name_on_its_own_line_joins_the_word_proeftuin(docs):
    factsheet = _doc(docs, "factsheet-proeftuinen")
    tops = {p.section[0] for p in factsheet.passages}
    assert "Proeftuin West-Brabant West" in tops and "Proeftuin Zaanstreek-Waterland" in tops
    md = SHARED / "documenten" / "factsheet-proeftuinen.md"
    extracted = extract.extract(md.read_bytes(), md.name)
    md_tops = {p.section[0] for p in build_passages(clean.clean_pages(extracted.pages, extracted.kind))}
    assert {"Proeftuin West-Brabant West", "Proeftuin Zaanstreek-Waterland"} <= md_tops


# --- pages, headers, hyphens ---------------------------------------------------------------------------------

def test_each_passage_starts_on_the_page_pypdf_shows_its_first_words(docs):
    checked = wrong = 0
    for d in docs.values():
        raw = [_norm(text) for text in d.raw]
        for p in d.passages:
            probe = " ".join(re.sub(r"^-\s+", "", _body(p)[0]).split()[:6])
            pages = [n for n, text in enumerate(raw, 1) if probe in text]
            if len(pages) == 1:
                checked += 1
                wrong += pages[0] != p.page
                assert pages[0] == p.page, (d.name, p.position, probe, pages, p.page)
    assert checked >= 250 and wrong == 0, (checked, wrong)


@pytest.mark.parametrize("start, heading", [
    ("projectplan-toekomsttuin", "3.2 Welke inspanningen gaan we leveren?"),
    ("uitvoeringsplan-zuid-holland-zuid", "Netwerkdossier"),
    ("factsheet-proeftuinen", "Specifieke opdracht voor proeftuin Zeeland"),
    ("plan-van-aanpak", "4. Uitgangspunten"),
    ("proeftuin-rotterdam", "6. Organisatie/ governance"),
])
def test_known_passages_have_the_page_of_their_first_sentence(docs, start, heading):
    d = _doc(docs, start)
    on_page = [n for n, text in enumerate(d.raw, 1) if heading in [line.strip() for line in text.splitlines()]]
    assert len(on_page) == 1, (heading, on_page)
    lines = [line.strip() for line in d.raw[on_page[0] - 1].splitlines()]
    after = [line for line in lines[lines.index(heading) + 1:]
             if len(line.split()) >= 6 and not has_box_edge(line)]  # skip figure labels
    page = on_page[0] if after else on_page[0] + 1  # a heading at the foot of a page: the text starts overleaf
    sentence = " ".join((after or d.raw[page - 1].splitlines()[1:])[0].split()[:6])
    holding = [p for p in d.passages if sentence in _norm(p.text)]
    assert len(holding) == 1, (heading, sentence)
    assert holding[0].headings[-1] == heading and holding[0].page == page


def test_no_running_header_or_page_number_is_left_in_passages(docs):
    for d in docs.values():
        header = d.raw[0].splitlines()[0].strip()
        assert all(text.splitlines()[0].strip() == header for text in d.raw)  # the header the test is about
        lines = [line.strip() for p in d.passages for line in p.text.split("\n")]
        assert header not in lines, d.name
        text_version = next((SHARED / "documenten").glob(d.name + ".*")).read_text(encoding="utf-8")
        assert _norm(" ".join(lines)).count(header) <= _norm(text_version).count(header), d.name
        assert not [line for line in lines if re.fullmatch(r"[-–]?\s*\d{1,3}\s*[-–]?", line)], d.name


def test_line_end_hyphens_are_joined_and_elliptical_hyphens_kept(docs):
    seen = 0
    for d in docs.values():
        text = _norm(" ".join(p.text for p in d.passages))
        for page in d.raw:
            lines = [line.rstrip() for line in page.splitlines()]
            for first, second in zip(lines, lines[1:]):
                if not re.search(r"[^\W\d_]-$", first) or "/" in first.split()[-1] or not second.strip():
                    continue
                word, following = _norm(first).split()[-1], _norm(second).split()[0]
                if following in ("en", "of", "tot"):
                    assert f"{word} {following}" in text, (d.name, word, following)  # "kind- en ..."
                elif following[0].islower():
                    assert f"{word[:-1]}{following}" in text or f"{word}{following}" in text, (word, following)
                    assert f"{word} {following}" not in text, (d.name, word, following)
                seen += 1
    assert seen >= 6, seen
    projectplan = _norm(" ".join(p.text for p in _doc(docs, "projectplan-toekomsttuin").passages))
    assert "jeugdbeschermingsketen" in projectplan and "jeugdbeschermings-" not in projectplan
    assert "kind- en gezinsbescherming" in projectplan
    factsheet = _norm(" ".join(p.text for p in _doc(docs, "factsheet-proeftuinen").passages))
    assert "wet- en regelgeving" in factsheet


# --- heading detection -----------------------------------------------------------------------------------

@pytest.mark.parametrize("line, level", [
    ("3.2 Welke inspanningen gaan we leveren?", 3),
    ("3.2.1 Wat we meten", 4),
    ("2. Achtergrond", 2),
    ("Thema 4: Verbinding Volwassen GGZ", 4),
    ("Basisprincipe 2: Lerend", 4),
    ("Proeftuin Zeeland: 'Eén visie, twee teams, drie ontwikkellijnen'", 1),
    ("Proeftuin Flevoland", 1),
    ("Bijlage 2: Begroting", 1),
    ("# Inleiding", 1),
    ("### 2.1 Gezinsgericht", 3),
    ("Inleiding .......... 2", 0),  # table of contents
    ("3. Thema's 4", 0),
    ("Proeftuin Flevoland 20", 0),
    ("Hoofdstuk 7 geeft een beeld van de planning en de begroting.", 0),  # a sentence
    ("2023 was een druk jaar voor de teams", 0),
])
def test_heading_levels(line, level):
    assert heading_level(line, prev="Vorige zin.", nxt="Volgende zin.") == level


@pytest.mark.parametrize("prev, line", [
    ("5. Rechtsbescherming;", "6. Voorkomen van geweld in huis"),
    ("De proeftuin leert rond vier thema's:", "1. Alternatieven voor uithuisplaatsing"),
    ("2. Rechtsbescherming", "3. Samenwerking"),
])
def test_numbered_list_items_are_no_headings(prev, line):
    assert heading_level(line, prev=prev, nxt="Volgende zin.") == 0
    assert heading_level(line, prev="Vorige zin.", nxt="Volgende zin.") == 2  # the same line as a chapter


def test_numbered_items_after_bullets_stay_list_items():
    text = ("4. Resultaten\nWe willen dit bereiken:\n1. Een betere keten\n- minder overdrachten\n"
            "2. Snellere hulp\n- binnen drie maanden\nDaarna werken we het verder uit.\n5. Proces\nTekst.")
    heads = [b.text for b in to_blocks(to_lines([Page(1, text)])) if b.heading]
    assert heads == ["4. Resultaten", "5. Proces"]


def test_real_chapters_count_up_and_tables_of_contents_are_skipped(docs):
    for d in docs.values():
        number = 0
        for block in to_blocks(to_lines(d.pages)):
            if block.heading == 1:
                number = 0  # a new part (Deel, Bijlage, Proeftuin) starts its own numbering
            elif block.heading == 2 and (m := re.match(r"(\d+)\.", block.text)):
                assert int(m.group(1)) >= number, (d.name, block.text)
                number = int(m.group(1))
    rotterdam = [b.text for b in to_blocks(to_lines(_doc(docs, "proeftuin-rotterdam").pages)) if b.heading]
    assert rotterdam.count("1. Inleiding") == 1  # listed in the table of contents too, with its page number
    assert not [h for h in rotterdam if re.search(r"\s\d{1,2}$", h)]


def test_markdown_headings_of_a_demo_document():
    path = DEMO / "landelijk-kader-basisprincipes.md"
    extracted = extract.extract(path.read_bytes(), path.name)
    passages = build_passages(clean.clean_pages(extracted.pages, extracted.kind))
    sections = [p.section for p in passages]
    assert all(len(s) >= 1 and s[0].startswith("Landelijk kader") for s in sections)
    gezinsgericht = [s for s in sections if s[-1] == "2.1 Gezinsgericht"]
    assert gezinsgericht and gezinsgericht[0][1] == "2. De vier basisprincipes"
    assert not any("#" in p.text for p in passages)
