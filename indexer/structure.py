"""Structure: find headings, build each passage's section path, and cut passages inside sections."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.model import Page, Passage

MIN_WORDS, TARGET_WORDS, MAX_WORDS = 60, 160, 250
MAX_CHARS = 1800  # long Dutch words: keep a passage readable as one snippet-sized unit

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}\.)\s+([A-ZÀ-Ý'‘\"“].{1,118})$")
_LABELED = re.compile(  # "Thema 4: ...", also behind a side label "Verbinding (...) met" of a table layout
    r"^(?:verbinding\b[\w ]{0,40}?\bmet\s+|met\s+)?"
    r"(?:thema|basisprincipe|fase|stap|ontwikkellijn|actielijn|bouwsteen|project|paragraaf|onderdeel)"
    r"(?:\s+(?:\d+|[ivx]+|[a-z])\b|:\s*\w).{0,110}$", re.IGNORECASE)  # "Thema 4: ...", "Thema: ..."
_PART = re.compile(r"^(?:bijlage|deel|hoofdstuk)\s+(?:\d+|[ivx]+|[a-z])\b.{0,110}$", re.IGNORECASE)
_PROEFTUIN = re.compile(r"^proeftuin\s+[A-Z][\w\- ]{2,40}(?::\s*['‘\"“].{2,90})?$", re.IGNORECASE)
_NUMBERED_ITEM = re.compile(r"^\s*\d{1,2}[.)]\s+\S.*[,;.:]\s*$")  # "5. Rechtsbescherming;"
_BULLET = re.compile(r"^\s*(?:[-•●▪◦*·–]|\d{1,2}[.)]|[a-z][.)])\s+")
_SENTENCE_END = re.compile(r"[.!?:;…]['’\"”)]*$")
_TABLE_ROW = re.compile(r"\|")
_LIST_NUMBER = re.compile(r"^(\d{1,2})[.)]\s")
_BARE_LABEL = re.compile(r"^(?:proeftuin|toekomsttuin)$", re.IGNORECASE)  # "Proeftuin" + its name on the next line
_TOC_ENTRY = re.compile(r"^(?:[-•]\s*)?(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?[^\d€%]{3,90}?[\s.]\d{1,3}$")  # "2. Doelen 3"
# a line of a table of contents: "Inleiding .... 2"
_TOC_LINE = re.compile(r"\w.*[\s.](?<!thema )(?<!bijlage )(?<!fase )(?<!deel )\d{1,3}$", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One non-empty line of text with the page it is on; blank marks a paragraph break before it."""

    text: str
    page: int
    ocr: bool
    blank_before: bool


def heading_level(line: str, prev: str | None = None, nxt: str | None = None) -> int:
    """The heading level of a line, or 0 when it is body text.

    Levels: 1 a part of the document (Proeftuin X, Bijlage, Deel), 2 a numbered chapter "3.", 3 and 4
    numbered paragraphs "3.2" and "3.2.1", 4 labelled headings (Thema 4:, Basisprincipe 2:), 5 short title lines.
    Markdown headings keep their own level.

    >>> heading_level("# Inleiding"), heading_level("3.2 Welke inspanningen gaan we leveren?")
    (1, 3)
    >>> heading_level("Thema 4: Verbinding Volwassen GGZ"), heading_level("Proeftuin Zeeland: 'Eén visie'")
    (4, 1)
    >>> heading_level("Verbinding met Thema 6: Juridische gezinsinterventies"), heading_level("Thema: Netwerkdossier")
    (4, 4)
    >>> heading_level("Dit is gewoon een zin die doorloopt tot het einde van de regel en verder gaat.")
    0
    >>> heading_level("Randvoorwaarden", prev="Het is klaar.", nxt="Commitment van partijen.")
    5
    >>> heading_level("2023 hebben we veel bereikt", prev="In", nxt="en")
    0
    >>> heading_level("Proeftuin Flevoland 20"), heading_level("Thema 4"), heading_level("# Bijlage 2")
    (0, 4, 1)
    >>> heading_level("6. Voorkomen van geweld in huis", prev="5. Rechtsbescherming;")
    0
    >>> heading_level("3. Samenwerking", prev="2. Rechtsbescherming"), heading_level("1. Doelen", prev="Wij willen:")
    (0, 0)
    >>> heading_level("5. Welke vorm van regie is nodig? Wat vraagt dit aan", nxt="capaciteit en kennis?")
    0
    >>> heading_level("Hoofdstuk 7 geeft een beeld van de begroting en de planning.")
    0
    """
    text = line.strip()
    if not text or len(text) > 140 or _TOC_LINE.search(text):
        return 0
    if m := _MD_HEADING.match(text):
        return len(m.group(1))
    words = text.split()
    if (len(words) > 4 and text.endswith(".")) or (nxt and nxt.strip()[:1].islower()):
        return 0  # a sentence, or a line that the next one continues
    if (_PROEFTUIN.match(text) or _PART.match(text)) and len(words) <= 14:
        return 1
    if _LABELED.match(text) and len(words) <= 14 and not text.endswith((",", ";")):
        return 4
    if (m := _NUMBERED.match(text)) and len(words) <= 14 and not text.endswith((",", ";", ".")):
        number = m.group(1).rstrip(".")
        if number.isdigit() and (int(number) > 30 or (prev and _list_item_follows(prev, int(number)))):
            return 0  # a year or an amount, or an item of a numbered list
        return 2 + number.count(".")
    if _looks_like_title(text, prev, nxt):
        return 5
    return 0


def _list_item_follows(prev: str, number: int) -> bool:
    """Whether a line numbered `number` after `prev` is a list item: after a colon or the previous item."""
    prev = prev.strip()
    if prev.endswith(":") or _NUMBERED_ITEM.match(prev):
        return True
    m = _LIST_NUMBER.match(prev)
    return bool(m) and int(m.group(1)) == number - 1


def _looks_like_title(text: str, prev: str | None, nxt: str | None) -> bool:
    """A short capitalised line without end punctuation between finished sentences."""
    words = text.split()
    if not (1 <= len(words) <= 7) or _BULLET.match(text) or _TABLE_ROW.search(text):
        return False
    if not text[0].isupper() or _SENTENCE_END.search(text) or text.endswith((",", "-")):
        return False
    if sum(c.isdigit() for c in text) > len(text) / 3:
        return False
    if prev is not None and not (_SENTENCE_END.search(prev.strip()) or heading_level(prev) > 0):
        return False
    if nxt is None:
        return False
    first = nxt.strip()[:1]
    return first.isupper() or bool(_BULLET.match(nxt)) or first.isdigit()


def to_lines(pages: list[Page]) -> list[Line]:
    r"""All non-empty lines of all pages, remembering paragraph breaks; a bare "Proeftuin" joins its name.

    >>> [line.text for line in to_lines([Page(1, "Proeftuin\n\nWest-Brabant West\n\nTekst.")])]
    ['Proeftuin West-Brabant West', 'Tekst.']
    """
    lines: list[Line] = []
    for page in pages:
        blank = True
        for raw in page.text.splitlines():
            text = raw.strip()
            if not text:
                blank = True
                continue
            last = lines[-1] if lines else None
            if last and _BARE_LABEL.match(last.text) and _looks_like_name(text):
                lines[-1] = Line(f"{last.text} {text}", last.page, last.ocr, last.blank_before)
            else:
                lines.append(Line(text, page.number, page.ocr, blank))
            blank = False
    return lines


def _looks_like_name(text: str) -> bool:
    """A short capitalised line without end punctuation: the name of a region or project."""
    return len(text.split()) <= 6 and text[:1].isupper() and not _SENTENCE_END.search(text) \
        and not _BULLET.match(text)


@dataclass
class _Block:
    """A paragraph, bullet or heading being assembled."""

    lines: list[str]
    page: int
    ocr: bool
    heading: int = 0

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def words(self) -> int:
        return sum(len(line.split()) for line in self.lines)

    @property
    def chars(self) -> int:
        return sum(len(line) + 1 for line in self.lines)


def to_blocks(lines: list[Line]) -> list[_Block]:
    """Group lines into headings, bullets and paragraphs (joining soft-wrapped lines)."""
    blocks: list[_Block] = []
    list_number = 0  # the number of the last item of an open numbered list, 0 when none is open
    for i, line in enumerate(lines):
        prev = lines[i - 1].text if i and not line.blank_before else None
        nxt = lines[i + 1].text if i + 1 < len(lines) else None
        if i and line.blank_before:
            prev = "."  # after a blank line a title needs no finished sentence before it
        level = heading_level(line.text, prev, nxt)
        item = _LIST_NUMBER.match(line.text)
        number = int(item.group(1)) if item else 0
        if level == 2 and item and ((list_number and (0 < number - list_number <= 2 or number == 1))
                                    or (i and _list_item_follows(lines[i - 1].text, number))):
            level = 0  # an item of a numbered list (also across blank lines or bullets, or a sub-list), no chapter
        if level:
            list_number = 0
            blocks.append(_Block([_MD_HEADING.sub(r"\2", line.text)], line.page, line.ocr, level))
            continue
        current = blocks[-1] if blocks else None
        starts_new = (
            current is None or current.heading or line.blank_before or _BULLET.match(line.text)
            or (_BULLET.match(current.lines[0]) and line.text[:1].isupper())
            or _TABLE_ROW.search(line.text) or _TABLE_ROW.search(current.lines[-1])
            or (_SENTENCE_END.search(current.lines[-1]) and line.text[:1].isupper())
        )
        if starts_new:
            if item and not _TOC_LINE.search(line.text):
                list_number = number
            elif not _BULLET.match(line.text):
                list_number = 0  # a paragraph or a table-of-contents line closes the list
            blocks.append(_Block([line.text], line.page, line.ocr))
        else:
            current.lines.append(line.text)
    return blocks


def is_contents(blocks: list[_Block]) -> bool:
    """True for a section body that is mostly table-of-contents lines ("Inleiding 3", "De begroting ... 16").

    >>> is_contents([_Block(["1. Inleiding 3", "2. Doelen en ambitie 3"], 1, False), _Block(["- Onderzoek"], 1, False)])
    True
    >>> is_contents([_Block(["In 2023 begonnen wij met 12 gezinnen, zie pagina 3."], 1, False)])
    False
    >>> is_contents([_Block(["Projectleider 16 uur per week € 107.360", "Secretaris 8 uur € 12.000"], 1, False)])
    False
    """
    lines = [line for b in blocks for line in b.lines if line.strip()]
    entries = sum(bool(_TOC_ENTRY.match(line)) for line in lines)
    sub_entries = sum(bool(_BULLET.match(line)) and len(line.split()) <= 8 and not line.rstrip().endswith(".")
                      and not _TOC_ENTRY.match(line) for line in lines)  # "- Onderzoek" under an entry
    return entries >= 2 and entries >= 0.6 * (len(lines) - sub_entries)


def _split_long(block: _Block) -> list[_Block]:
    """Cut a block longer than MAX_WORDS at sentence ends."""
    if block.words <= MAX_WORDS and block.chars <= MAX_CHARS:
        return [block]
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý\"'‘“(])", block.text)
    parts: list[_Block] = []
    words: list[str] = []
    for sentence in sentences:
        for start in range(0, len(sentence.split()), MAX_WORDS):  # a monster sentence is cut hard
            chunk = sentence.split()[start:start + MAX_WORDS]
            if words and (len(words) + len(chunk) > TARGET_WORDS
                          or len(" ".join(words + chunk)) > MAX_CHARS):
                parts.append(_Block([" ".join(words)], block.page, block.ocr))
                words = []
            words.extend(chunk)
    if words:
        parts.append(_Block([" ".join(words)], block.page, block.ocr))
    return parts


def build_passages(pages: list[Page]) -> list[Passage]:
    """Cut a document into passages of about 60-250 words that never cross a section boundary."""
    passages: list[Passage] = []
    path: list[tuple[int, str]] = []
    pending_headings: list[str] = []
    body: list[_Block] = []

    def flush() -> None:
        nonlocal pending_headings
        if not body:
            return
        section = tuple(title for _, title in path)
        lead = (sum(len(h.split()) for h in pending_headings), sum(len(h) + 1 for h in pending_headings))
        chunks = [chunk for chunk in _pack(body, *lead) if not is_contents(chunk)]  # a table of contents: no passage
        if not chunks:
            pending_headings = []
        for chunk in chunks:
            lines = pending_headings + [b.text for b in chunk]
            passages.append(Passage(position=len(passages), page=chunk[0].page, section=section,
                                    text="\n".join(lines), ocr=any(b.ocr for b in chunk),
                                    headings=tuple(pending_headings)))
            pending_headings = []
        body.clear()

    for block in to_blocks(to_lines(pages)):
        if block.heading:
            flush()
            if pending_headings and path and path[-1][0] == block.heading:
                # two headings of one level with nothing between: one joint section ("Utrecht / Utrecht-West")
                path[-1] = (block.heading, f"{path[-1][1]} / {block.text}")
                pending_headings.append(block.text)
                continue
            while path and path[-1][0] >= block.heading:
                path.pop()
            path.append((block.heading, block.text))
            pending_headings.append(block.text)
            continue
        body.extend(_split_long(block))
    flush()
    return passages


def _pack(blocks: list[_Block], lead_words: int = 0, lead_chars: int = 0) -> list[list[_Block]]:
    """Pack consecutive blocks into groups near TARGET_WORDS; a short tail joins or evens out the previous group.

    The first group also carries the section's headings (lead_words, lead_chars), so that no passage text grows
    beyond MAX_WORDS + 10 words or MAX_CHARS + 300 characters unless one sentence already does.
    """
    groups: list[list[_Block]] = []
    words, chars = lead_words, lead_chars
    for block in blocks:
        fits = words + block.words <= MAX_WORDS and chars + block.chars <= MAX_CHARS
        if groups and fits and (words < TARGET_WORDS or block.words < 12):
            groups[-1].append(block)
            words, chars = words + block.words, chars + block.chars
        else:
            first = not groups
            groups.append([block])
            words, chars = block.words + first * lead_words, block.chars + first * lead_chars
    if len(groups) > 1 and sum(b.words for b in groups[-1]) < MIN_WORDS:
        lead = (lead_words, lead_chars) if len(groups) == 2 else (0, 0)
        groups[-2:] = _even_out(groups[-2] + groups[-1], *lead)
    return groups


def _even_out(blocks: list[_Block], lead_words: int, lead_chars: int) -> list[list[_Block]]:
    """One group when it stays within the hard limits, else the split into two that is most even."""
    words = lead_words + sum(b.words for b in blocks)
    chars = lead_chars + sum(b.chars for b in blocks)
    if words <= MAX_WORDS + 10 and chars <= MAX_CHARS + 300:
        return [blocks]
    best, cut = -1, len(blocks) - 1
    for k in range(1, len(blocks)):
        left = lead_words + sum(b.words for b in blocks[:k])
        left_chars = lead_chars + sum(b.chars for b in blocks[:k])
        if left > MAX_WORDS + 10 or left_chars > MAX_CHARS + 300:
            break
        if min(left, words - left) > best:
            best, cut = min(left, words - left), k
    return [blocks[:cut], blocks[cut:]]
