"""Where a passage stands on its pages: its cleaned text matched to the characters PDFium reads there.

The indexer joined hyphenated words, dropped running headers and page numbers and straightened quotes, so the
passage is compared letter by letter: both sides folded to lowercase letters and digits only (no spaces, hyphens
or punctuation), then aligned (difflib). Only long runs that follow each other in order count, so a header between
two pages or a word repeated elsewhere on the page is never marked. The matched characters become one box per line.
A passage found for less than MIN_COVERAGE of its letters is not marked at all: no box beats a wrong box.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from kennisbank import analysis
from kennisbank.pagina.pdfium import Box, PageText

MIN_RUN = 8  # letters in a row for a matched run to count
ANCHOR_RUN = 24  # a run this long is where the passage certainly stands
MAX_SKIP = 400  # letters of the page a passage may skip between two runs (a footer, a header, a figure)
SMALL_GAP = 3  # unmatched letters between two runs that are marked anyway (a misread letter)
MIN_COVERAGE = 0.8  # share of the passage's letters that must be found for any box to be drawn


@dataclass(frozen=True)
class Markering:
    """The boxes of one passage per page (the hit's page first), or why there are none."""

    document_id: str
    page: int
    pages: dict[int, list[Box]] = field(default_factory=dict)
    coverage: float = 0.0
    reason: str = ""

    def boxes(self, page: int | None = None) -> list[Box]:
        """The boxes on one page (default: the hit's page)."""
        return self.pages.get(self.page if page is None else page, [])

    def as_json(self) -> dict:
        """The answer of /api/passage/<id>/markering."""
        out = {"document_id": self.document_id, "page": self.page, "boxes": [_rounded(b) for b in self.boxes()],
               "pages": [{"page": n, "boxes": [_rounded(b) for b in boxes]} for n, boxes in self.pages.items()],
               "coverage": round(self.coverage, 3)}
        if self.reason:
            out["reason"] = self.reason
        return out


def _rounded(box: Box) -> list[float]:
    return [round(v, 5) for v in box]


def fold(text: str) -> list[tuple[str, int]]:
    """The letters and digits of a text, folded as the index folds words (analysis.fold), each with the index of
    its character.

    >>> "".join(c for c, _ in fold("Jeugd-\\nbescherming’s ﬁnanciën"))
    'jeugdbeschermingsfinancien'
    """
    return [(part, i) for i, ch in enumerate(text) if ch.isalnum() for part in analysis.fold(ch) if part.isalnum()]


def locate(document_id: str, text: str, pages: list[PageText]) -> Markering:
    """The boxes of a passage's text on its page and, for the rest of it, the next page; or a reason."""
    hit_page = pages[0].page if pages else 0
    wanted = "".join(c for c, _ in fold(text))
    if not pages or not wanted:
        return Markering(document_id, hit_page, reason="de pagina of de passage heeft geen tekst om te vergelijken")
    folded = [fold(page.chars) for page in pages[:2]]
    if not folded[0]:
        return Markering(document_id, hit_page, reason="de pagina heeft geen tekstlaag (een scan)")
    runs = _runs("".join(c for c, _ in folded[0]), wanted)
    per_page = [runs]
    done = runs[-1][1] + runs[-1][2] if runs else len(wanted)
    if len(folded) > 1 and len(wanted) - done >= min(MIN_RUN, len(wanted)):  # the rest continues overleaf
        rest = _runs("".join(c for c, _ in folded[1]), wanted[done:], near_top=True)
        per_page.append([(a, b + done, n) for a, b, n in rest])
    coverage = sum(n for runs in per_page for _, _, n in runs) / len(wanted)
    if coverage < MIN_COVERAGE:
        return Markering(document_id, hit_page, coverage=coverage,
                         reason=f"de passage is maar voor {coverage:.0%} op deze pagina teruggevonden")
    boxes = {}
    for page, letters, runs in zip(pages, folded, per_page):
        indexes = sorted({letters[k][1] for a, _, n in _with_small_gaps(runs) for k in range(a, a + n)})
        if found := line_boxes(page, indexes):
            boxes[page.page] = found
    if hit_page not in boxes:  # never draw on a page the passage does not start on
        return Markering(document_id, hit_page, boxes, coverage, "de passage begint niet op deze pagina")
    return Markering(document_id, hit_page, boxes, coverage)


def _runs(page: str, wanted: str, near_top: bool = False) -> list[tuple[int, int, int]]:
    """The runs (page index, passage index, length) of the passage found in order on the page, around its longest
    one; near_top: only when the first run starts at the top of the page (the passage continues overleaf)."""
    shortest, anchor = min(MIN_RUN, len(wanted)), min(ANCHOR_RUN, len(wanted))
    blocks = [(a, b, n) for a, b, n in SequenceMatcher(None, page, wanted, autojunk=False).get_matching_blocks()
              if n >= shortest]
    anchors = [k for k, (_, _, n) in enumerate(blocks) if n >= anchor]
    if not anchors:
        return []
    start = max(anchors, key=lambda k: blocks[k][2])
    kept = [blocks[start]]
    for k in range(start + 1, len(blocks)):
        if _follows(kept[-1], blocks[k]):
            kept.append(blocks[k])
    for k in range(start - 1, -1, -1):
        if _follows(blocks[k], kept[0]):
            kept.insert(0, blocks[k])
    if near_top and kept[0][0] > MAX_SKIP:
        return []
    return kept


def _follows(first: tuple[int, int, int], second: tuple[int, int, int]) -> bool:
    """Whether the second run continues the first: the page skips little more than the passage does."""
    page_gap = second[0] - (first[0] + first[2])
    passage_gap = second[1] - (first[1] + first[2])
    return 0 <= page_gap <= passage_gap + MAX_SKIP and passage_gap >= 0


def _with_small_gaps(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Runs with the few letters between two of them (on both sides) counted as matched.

    >>> _with_small_gaps([(0, 0, 10), (11, 11, 10), (40, 21, 10)])
    [(0, 0, 21), (40, 21, 10)]
    """
    out: list[tuple[int, int, int]] = []
    for a, b, n in runs:
        if out:
            pa, pb, pn = out[-1]
            if a - (pa + pn) <= SMALL_GAP and b - (pb + pn) <= SMALL_GAP:
                out[-1] = (pa, pb, a + n - pa)
                continue
        out.append((a, b, n))
    return out


def line_boxes(page: PageText, indexes: list[int]) -> list[Box]:
    """One box per line of the matched characters (by index): a new box where the text moves to another line or
    where characters of the page that are not the passage's stand between two matched ones."""
    boxes: list[Box] = []
    current: Box | None = None
    previous = -1
    for i in indexes:
        box = page.boxes[i]
        if box is None or box[2] <= box[0]:
            continue
        skipped = previous >= 0 and any(ch.isalnum() for ch in page.chars[previous + 1:i])
        if current is None or skipped or not _same_line(current, box):
            if current is not None:
                boxes.append(current)
            current = box
        else:
            current = (min(current[0], box[0]), min(current[1], box[1]), max(current[2], box[2]),
                       max(current[3], box[3]))
        previous = i
    if current is not None:
        boxes.append(current)
    return boxes


def _same_line(line: Box, box: Box) -> bool:
    """Whether a character box stands on a line: it overlaps the line's height by half and does not go back left.

    >>> _same_line((0.1, 0.10, 0.5, 0.12), (0.51, 0.101, 0.52, 0.119)), _same_line((0.1, 0.10, 0.5, 0.12),
    ...     (0.1, 0.13, 0.11, 0.15))
    (True, False)
    """
    overlap = min(line[3], box[3]) - max(line[1], box[1])
    height = min(line[3] - line[1], box[3] - box[1])
    return overlap >= 0.5 * height and box[0] >= line[2] - 0.02
