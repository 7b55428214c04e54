"""Tests for indexer.figures: a figure printed again and again is left out, headings and text stay."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.clean import clean_pages
from indexer.extract import extract
from indexer.figures import drop_box_figures, drop_recurring_figures, has_box_edge, line_key

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_shared = pytest.mark.skipif(not (SHARED / "pdf").is_dir(), reason="gedeeld corpus ontbreekt")
FIGURE = ["Monitoring ]", "[ Onderzoek ] [ Goed Feitenonderzoek ]", "Kennisdeling J", "[ )", "Integrale sturing"]
BODY = "Dit hoofdstuk beschrijft in gewone zinnen wat de regio gaat doen aan {}."


def _pages(topics: tuple[str, ...], figure: list[str] = FIGURE) -> list[list[str]]:
    """One page per topic: a heading, the figure, a side heading and body text."""
    return [[f"Thema {n}: {topic}", *figure, "Korte toelichting", BODY.format(topic)]
            for n, topic in enumerate(topics, 1)]


def _cleaned(path: Path) -> list[str]:
    """The cleaned lines of a real document."""
    extracted = extract(path.read_bytes(), path.name)
    return [line for page in clean_pages(extracted.pages, extracted.kind) for line in page.text.split("\n")]


def _with_figures(path: Path, monkeypatch) -> list[str]:
    """The cleaned lines of a real document with its figures left in."""
    with monkeypatch.context() as patch:
        patch.setattr("indexer.clean.drop_recurring_figures", lambda pages: pages)
        patch.setattr("indexer.clean.drop_box_figures", lambda pages: pages)
        return _cleaned(path)


def test_a_figure_on_three_pages_goes_and_the_heading_under_it_stays():
    out = drop_recurring_figures(_pages(("sturing", "leren", "data")))
    for page, topic in zip(out, ("sturing", "leren", "data")):
        assert page[0].endswith(topic) and page[-2:] == ["Korte toelichting", BODY.format(topic)]
        assert not any(label in page for label in FIGURE)


def test_a_figure_seen_twice_stays():
    pages = _pages(("sturing", "leren"))
    assert drop_recurring_figures(pages) == pages


def test_a_figure_may_cross_a_page_end():
    pages = _pages(("sturing", "leren", "data", "geld"))
    pages[1], pages[2] = pages[1][:3], pages[1][3:] + pages[2]  # the second figure runs onto the next page
    out = drop_recurring_figures(pages)
    assert not any(label in page for page in out for label in FIGURE)


def test_ocr_slips_in_a_long_label_do_not_hide_the_figure():
    long = "Versterken lokale (wijk)teams Monitoring ] [ Regionale Veiligheidsteams ] [ Project rechtsbescherming ]"
    slipped = long.replace("(wijk)teams", "(wijkjteams").replace("] [ Project", "J [ Project")
    pages = [_pages((topic,), [label, *FIGURE])[0] for topic, label in
             (("sturing", long), ("leren", slipped), ("data", long))]
    assert line_key(long) != line_key(slipped)
    assert not any(label in page for page in drop_recurring_figures(pages) for label in (long, slipped))


def test_repeated_sentences_and_two_line_headings_are_never_a_figure():
    pages = [["3.3 Wat vraagt dit?", "Capaciteit en tijd", BODY.format(t), "Dit zin staat op elke pagina."]
             for t in ("sturing", "leren", "data", "geld")]
    assert drop_recurring_figures(pages) == pages


@needs_shared
@pytest.mark.parametrize("path", ["pdf/uitvoeringsplan-zuid-holland-zuid.pdf",
                                  "documenten/uitvoeringsplan-zuid-holland-zuid.txt"])
def test_the_zhz_theme_diagram_is_gone_but_its_headings_and_text_stay(path, monkeypatch):
    before, after = _with_figures(SHARED / path, monkeypatch), _cleaned(SHARED / path)
    diagram = "[ Onderzoek ] [ Goed Feitenonderzoek ]"
    assert sum(line.startswith(diagram) for line in before) >= 6
    assert sum(line.startswith(diagram) for line in after) <= 1
    assert sum(map(bool, before)) - sum(map(bool, after)) < 80  # the diagram, not whole pages
    gone = set(before) - set(after)
    assert all(line_key(line) is not False for line in gone), gone  # labels only, never a sentence
    for heading in ("Korte toelichting", "Thema 3: Integrale sturing", "Integrale sturing en samenwerking"):
        assert after.count(heading) == before.count(heading) > 0, heading


@needs_shared
@pytest.mark.parametrize("name", ["factsheet-proeftuinen", "projectplan-toekomsttuin-centraal-gelderland",
                                  "plan-van-aanpak-toekomsttuin-centraal-gelderland",
                                  "proeftuin-rotterdam-rijnmond-wij-doen-het-beter"])
def test_documents_without_a_repeated_figure_keep_every_line(name):
    path = SHARED / "pdf" / f"{name}.pdf"
    extracted = extract(path.read_bytes(), path.name)
    pages = [page.text.split("\n") for page in clean_pages(extracted.pages, extracted.kind)]
    assert drop_recurring_figures(pages) == pages


def test_a_figure_printed_once_goes_by_its_box_edges_and_its_heading_stays():
    page = ["Thema: Integrale analyse", "Gezinsgericht Lerend Eenvoudig Rechtsbeschermend en", "transparant",
            "[ Versterken lokale (wijk)teams } [ Monitoring ][ Regionale Veilighei ]", "Visie gefaseerd samenwer",
            "{ veiligheid } Onderzoek", "Kennisdeling ]", "Korte toelichting", BODY.format("analyse")]
    out = drop_box_figures([page])[0]
    assert out == [*page[:3], "", "Korte toelichting", BODY.format("analyse")]


def test_the_rest_of_a_label_goes_with_it():
    page = ["Thema 1: Teams", "Gezinsgericht Tereng] EEnds Rechtsbeschermend en", "transparant", "Korte toelichting",
            BODY.format("teams")]
    assert drop_box_figures([page])[0] == ["Thema 1: Teams", "", "Korte toelichting", BODY.format("teams")]


@pytest.mark.parametrize("line", [
    "Zie de bijlage [1] en de tabel [2] voor de cijfers",  # brackets that pair up
    "Een zin met een haak [ die niet sluit, maar het is gewone tekst.",  # a sentence, not a label
    "J. de Vries (projectleider)",
    "Werkplan {{ sjabloon }} voor de regio",  # curly brackets that pair up are text, not a frame
])
def test_text_with_brackets_stays(line):
    page = ["Inleiding", line, BODY.format("de inleiding")]
    assert drop_box_figures([page]) == [page]


@needs_shared
def test_box_edges_are_only_found_in_figures_of_the_shared_documents(monkeypatch):
    """Every label line with a box edge in the five shared PDFs is figure residue; each is gone after cleaning."""
    for path in sorted((SHARED / "pdf").glob("*.pdf")):
        before, after = _with_figures(path, monkeypatch), _cleaned(path)
        edges = [line for line in before if line_key(line) is not False and has_box_edge(line)]
        assert all(len(re.findall(r"[^\W\d_]{3,}", line)) <= 10 for line in edges), edges
        assert not [line for line in after if line_key(line) is not False and has_box_edge(line)], path.name
        assert sum(map(bool, before)) - sum(map(bool, after)) < 100, path.name
