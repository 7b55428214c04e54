"""Where a passage stands on its page: boxes found from PDFium's characters, read back with PDFium."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kennisbank.browse import document_passages
from kennisbank.pagina import origineel, pdfium
from kennisbank.pagina.markering import Markering, fold, locate
from kennisbank.pagina.pdfium import PageText
from kennisbank.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
DOC = "uitvoeringsplan-zuid-holland-zuid"  # prose, tables, lists, passages running on overleaf


def letters(text: str) -> str:
    return "".join(c for c, _ in fold(text))


def words(text: str) -> set[str]:
    """The folded words of four letters or more."""
    return {letters(w) for w in re.findall(r"\w+", text) if len(letters(w)) >= 4}


def read_back(path, marked: Markering) -> dict[int, str]:
    """Per page, the text PDFium finds under the boxes."""
    return {page: " ".join(pdfium.text_under(path, page, box) for box in boxes)
            for page, boxes in marked.pages.items()}


@pytest.fixture(scope="module")
def marked(shared_data) -> tuple[object, list[tuple[dict, Markering]]]:
    """Every passage of DOC with its marking, and the original's path."""
    store = Store(shared_data)
    record = store.get(DOC)
    pdf = origineel.open_pdf(store.original_path(record), record.sha256)
    rows = [(p, origineel.passage_markering(pdf, DOC, p["page"], p["text"], shared_data.ocr_cache))
            for p in document_passages(shared_data, DOC)["passages"]]
    return pdf.path, rows


def test_boxes_hold_nothing_but_their_passage(marked):
    path, rows = marked
    located = [(p, m) for p, m in rows if m.boxes()]
    assert len(located) >= 0.9 * len(rows)
    for passage, m in located:
        assert next(iter(m.pages)) == passage["page"] == m.page  # the hit's page first
        assert all(0 <= v <= 1 for boxes in m.pages.values() for box in boxes for v in box)
        found = " ".join(read_back(path, m).values())
        stray = sorted(w for w in words(found) if w not in letters(passage["text"]))
        assert not stray, (passage["position"], stray)
    for passage, m in rows:
        if not m.boxes():
            assert m.reason and m.as_json()["boxes"] == []


def _top(p: dict, m: Markering) -> bool:
    return len(m.pages) == 1 and m.boxes()[0][1] < 0.15


def _middle(p: dict, m: Markering) -> bool:
    return len(m.pages) == 1 and m.boxes()[0][1] > 0.3 and m.boxes()[-1][3] < 0.7


def _end(p: dict, m: Markering) -> bool:
    return len(m.pages) == 1 and m.boxes()[-1][3] > 0.85


def _table(p: dict, m: Markering) -> bool:
    return " | " in p["text"]


def _two_pages(p: dict, m: Markering) -> bool:
    return len(m.pages) == 2


@pytest.mark.parametrize("where", [_top, _middle, _end, _table, _two_pages], ids=lambda f: f.__name__[1:])
def test_a_passage_is_covered_where_it_stands(marked, where):
    path, rows = marked
    chosen = [(p, m) for p, m in rows if m.boxes() and where(p, m)]
    assert chosen, f"geen passage {where.__name__[1:]} in {DOC}"
    for passage, m in chosen[:3]:
        back = read_back(path, m)
        wanted = words(passage["text"])
        assert len(wanted & words(" ".join(back.values()))) >= 0.9 * len(wanted), passage["position"]
        assert all(words(text) for text in back.values())  # each page marked holds words of the passage
        if where is _two_pages:
            assert list(back) == [passage["page"], passage["page"] + 1]


def _page(number: int, lines: list[str]) -> PageText:
    """A page of our own: one line of text per 3 % of the page height, each character 1 % wide."""
    chars, boxes = [], []
    for row, line in enumerate(lines):
        for col, ch in enumerate(line + "\n"):
            chars.append(ch)
            x, y = 0.05 + 0.01 * col, 0.1 + 0.03 * row
            boxes.append(None if ch == "\n" else (x, y, x + 0.009, y + 0.02))
    return PageText(number, "".join(chars), tuple(boxes))


def test_a_passage_not_on_the_page_gets_no_box_but_a_reason():
    page = _page(4, ["Een heel andere tekst over de begroting van het project in de regio."])
    found = locate("plan", "De gezinsadvocaat begeleidt ouders bij de zitting van de kinderrechter.", [page])
    assert found.boxes() == [] and found.pages == {} and "teruggevonden" in found.reason
    assert found.as_json()["boxes"] == [] and found.as_json()["page"] == 4


def test_a_running_header_and_a_hyphenated_word_between_two_pages():
    passage = ("De jeugdbeschermingsketen werkt samen met het lokale team aan een plan voor het gezin, "
               "en de ouders houden zelf de regie over de afspraken die samen zijn gemaakt.")
    first = _page(7, ["Kop van het document", "Inleiding", "De jeugdbeschermings-",
                      "keten werkt samen met het lokale team aan een", "plan voor het gezin, en de", "Pagina 7"])
    second = _page(8, ["Kop van het document", "ouders houden zelf de regie over de afspraken",
                       "die samen zijn gemaakt.", "Een volgende alinea over iets anders."])
    found = locate("plan", passage, [first, second])
    assert list(found.pages) == [7, 8] and found.coverage == 1.0
    assert [round(b[1], 2) for b in found.pages[7]] == [0.16, 0.19, 0.22]  # not the heading nor "Pagina 7"
    assert [round(b[1], 2) for b in found.pages[8]] == [0.13, 0.16]  # not the header, not the next paragraph
    assert found.pages[8][1][2] < 0.05 + 0.01 * len("die samen zijn gemaakt.")


def test_a_passage_that_starts_overleaf_is_not_drawn_on_the_hit_page():
    passage = "Alleen op de volgende pagina staat deze zin over de kinderrechter en de gezinsvoogd."
    found = locate("plan", passage, [_page(2, ["Iets heel anders op deze pagina."]), _page(3, [passage])])
    assert found.boxes() == [] and found.reason


def _under(page: PageText, boxes: list) -> str:
    """The characters of a page whose centre lies in one of the boxes; the others as spaces."""
    def inside(box) -> bool:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)
    return "".join(ch if box and inside(box) else " " for ch, box in zip(page.chars, page.boxes))


@pytest.mark.tesseract
def test_a_scanned_passage_is_marked_from_tesseracts_word_boxes(tmp_path):
    from kennisbank.config import DataDir
    from kennisbank.documents import add_bytes
    from kennisbank.pagina import scan

    scanned = SHARED / "scan" / "factsheet-zeeland-gescand.pdf"
    data = DataDir(tmp_path / "data").ensure()
    outcome = add_bytes(data, scanned.read_bytes(), scanned.name, ocr=True)
    assert outcome.ok, outcome.message
    store = Store(data)
    record = store.get(outcome.doc_id)
    pdf = origineel.open_pdf(store.original_path(record), record.sha256)
    passages = document_passages(data, record.id)["passages"]
    assert passages and all(p["ocr"] for p in passages)
    for passage in passages:
        m = origineel.passage_markering(pdf, record.id, passage["page"], passage["text"], data.ocr_cache)
        assert m.boxes() and next(iter(m.pages)) == passage["page"], m.reason
        under = " ".join(_under(scan.scanned_page(data.ocr_cache, pdf.path, pdf.sha256, page), boxes)
                         for page, boxes in m.pages.items())
        wanted = words(passage["text"])
        assert not sorted(w for w in words(under) if w not in letters(passage["text"])), passage["position"]
        assert len(wanted & words(under)) >= 0.9 * len(wanted), passage["position"]
