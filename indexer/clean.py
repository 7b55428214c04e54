"""Clean stage: normalise the text of extracted pages so that later stages see plain lines.

Output per page: one paragraph or list item per line, blank lines between blocks, list
items as '- ' (nested ones as '  - '), table rows as 'cel | cel', Markdown headings kept
as '# ...' lines (the structure stage reads the '#'). Running headers/footers and page
numbers are gone, and so is the text of figures: printed again and again, or boxed (indexer.figures).
Soft-wrapped lines of a paragraph are joined HERE (not in the structure stage), but only
when it is safe: the line does not end in sentence punctuation and the next line starts
lowercase, or the line ends in a comma or a Dutch function word ("de", "van", ...); headings,
list items and table rows stay on their own line. DOCX paragraphs are never joined. Words
hyphenated at a line end are joined ("jeugdbeschermings-/keten"), except Dutch elliptical
hyphens ("kind- en gezinsbescherming") and compounds that keep their hyphen. Curly quotes
become straight ones, so "regio’s" and "regio's" read the same.
"""
from __future__ import annotations

import dataclasses
import html
import math
import re
import unicodedata
from collections import Counter

from indexer.figures import drop_box_figures, drop_recurring_figures
from indexer.model import Page

# Control characters (terminal escapes, NUL, bell) and bidi overrides that could disguise text: out.
_CONTROLS = {chr(c): None for c in (*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                                    0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_CHARS = str.maketrans({
    **_CONTROLS,
    "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " ", "\u2028": "\n", "\u2029": "\n",
    **{chr(c): " " for c in range(0x2000, 0x200B)},
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
})
_BULLET = re.compile(r"^(\s*)(?:[-–•●▪■◦○►➢✓✔*+·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|[oe](?= ))\s+(?=[^\s|])")
_PAGE_NUMBER = re.compile(
    r"^(pagina |page |blz\.? ?|p\. ?)?([-–—] ?)?(\d{1,4})( ?[-–—])?(?: ?(?:van|of|/) ?(\d{1,4}))?$", re.I)
_ELLIPSIS_NEXT = re.compile(r"^(?:en/of|en|of|tot|t/m|&)(?:\s|$)")
_RULE_LINE = re.compile(r"[\s|:=_-]*-{3,}[\s|:=_-]*|[\s|=_]*[=_]{3,}[\s|=_]*")
_HARD_BREAK = "\ue000"  # marks a Markdown hard line break until the lines are joined
_GLUE_WORDS = set(
    "de het een en of van voor met op aan in om te tot door bij naar over uit als dat die dit deze "
    "is zijn wordt worden werd kan moet zal zullen hebben heeft we wij zij ze hun onze ons er ook "
    "niet nog maar omdat zodat waarin waarbij waarmee welke zoals tussen binnen onder per".split())
_LETTERS = re.compile(r"[^\W\d_]*")
_HYPHEN_PREFIXES = {"niet", "ex", "oud", "non", "vice"}
_VOWEL_CLASH = {"aa", "ae", "ai", "au", "ee", "ei", "eu", "ie", "ii", "oe", "oi", "oo", "ou", "ui", "uu"}
_HTML_HINT = re.compile(r"</?(?:html|body|p|div|table|br|span|ul|li)\b", re.I)
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", re.S)
_BLOCK_TAG = re.compile(r"</?(?:p|div|ul|ol|tr|h[1-6]|blockquote|table|tbody|thead|br)\b[^<>]*>", re.I)
_MD_RULES = [
    (re.compile(r"<sup>\s*\d{1,3}\s*</sup>", re.I), ""),  # footnote markers
    (re.compile(r"<(https?://[^<>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # links and images
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),  # reference links
    (re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+.*$", re.M), ""),  # reference definitions
    (re.compile(r"^(\S[^\n]*)\n=+[ \t]*$", re.M), r"# \1"),  # setext headings
    (re.compile(r"^([^\s\-|][^\n]*)\n-{2,}[ \t]*$", re.M), r"## \1"),
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\n\s*\n).)+?)(?<=\S)\1", re.S), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"~~(?=\S)([^~\n]+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"^(#{1,6} .*?)\s+#+\s*$", re.M), r"\1"),  # closing '#'s of a heading
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
]


def normalize_unicode(text: str) -> str:
    """NFC, ligatures to letters, soft hyphens and zero-width characters out, odd spaces to spaces.

    >>> normalize_unicode("de ﬁnanciële\\u00adsteun\\u200b voor\\u00a0\\u2018één\\u2019 gezin")
    "de financiëlesteun voor 'één' gezin"
    >>> normalize_unicode("e\\u0301e\\u0301n") == "één"
    True
    """
    return unicodedata.normalize("NFC", text).translate(_CHARS)


def strip_controls(text: str) -> str:
    """Text without control characters and bidi overrides (kept: tab, newline, carriage return, form feed).

    >>> strip_controls("\\x1b]0;titel\\x07Plan \\x1b[1mZeeland\\u202e\\x00")
    ']0;titelPlan [1mZeeland'
    """
    return text.translate(_CONTROL_TABLE)


_CONTROL_TABLE = str.maketrans(_CONTROLS)


def html_table_rows(fragment: str) -> str:
    """An HTML <table> fragment as readable rows, one 'cel | cel' line per <tr>.

    >>> html_table_rows("<table><tr><th>Regio</th><th>Jaar</th></tr><tr><td>Zeeland</td><td>2022</td></tr></table>")
    'Regio | Jaar\\nZeeland | 2022'
    """
    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", fragment, re.S | re.I):
        cells = re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S | re.I)
        cells = [" ".join(_TAG.sub(" ", cell).split()) for cell in cells]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def strip_markup(text: str, markdown: bool = True) -> str:
    """Markdown and HTML marks off (links, emphasis, tags, entities, tables); '#' headings kept.

    >>> strip_markup("### **3. Aanpak**<sup>3</sup>\\nZie [de website](#) en *dit* of __dat__ &amp; <i>meer</i>.")
    '### 3. Aanpak\\nZie de website en dit of dat & meer.'
    >>> strip_markup("| Regio | Jaar |\\n|---|---|\\n| Zeeland | 2022 |")
    'Regio | Jaar\\nZeeland | 2022'
    """
    text = re.sub(r"<table\b.*?</table>", lambda m: "\n" + html_table_rows(m.group(0)) + "\n",
                  text, flags=re.S | re.I)
    if markdown:
        for pattern, replacement in _MD_RULES:
            text = pattern.sub(replacement, text)
    lines = []
    for line in text.split("\n"):
        if "\t" in line:  # a tab-separated table row: keep it on one line
            line = _TAG.sub(" ", line)
        else:
            line = _TAG.sub("", _BLOCK_TAG.sub("\n", re.sub(r"<li\b[^>]*>", "\n- ", line, flags=re.I)))
        if markdown and line.lstrip().startswith("|"):
            if re.fullmatch(r"\s*\|?[\s:|-]*-[\s:|-]*", line):
                continue  # the |---|---| rule under a table head
            line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        lines.append(line)
    return html.unescape("\n".join(lines))


def tabs_to_cells(line: str) -> str:
    """A tab-separated table row as 'cel | cel'; empty outer cells dropped.

    >>> tabs_to_cells("\\tKosten\\t€ 12.000\\t")
    'Kosten | € 12.000'
    """
    if "\t" not in line:
        return line
    return " | ".join(cell.strip() for cell in line.strip().split("\t"))


def normalize_line(line: str) -> str:
    """One line with bullets as '- ' (nested as '  - '), single spaces and no outer spaces.

    >>> [normalize_line(s) for s in ("•  Eerste  punt", "e Gezinsgericht", "  ▪ sub", " Tekst  hier ")]
    ['- Eerste punt', '- Gezinsgericht', '  - sub', 'Tekst hier']
    """
    match = _BULLET.match(line)
    if match:
        indent = "  " if len(match.group(1).expandtabs()) >= 2 else ""
        return indent + "- " + " ".join(line[match.end():].split())
    return " ".join(line.split())


def page_number(line: str) -> tuple[int, bool] | None:
    """The number of a lone page-number line and whether it is decorated, else None.

    >>> page_number("6"), page_number("- 6 -"), page_number("Pagina 6 van 28"), page_number("6 mensen")
    ((6, False), (6, True), (6, True), None)
    >>> page_number("2023/2024")
    (2023, False)
    """
    match = _PAGE_NUMBER.match(line.strip())
    if not match:
        return None
    number, total = int(match.group(3)), match.group(5)
    of_total = total is not None and number <= int(total) < 1000
    return number, bool(match.group(1) or match.group(2) or match.group(4) or of_total)


def _zone(lines: list[str], size: int) -> list[int]:
    """Indexes of the first and last `size` non-empty lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:size] + filled[-size:]))


def _line_key(line: str) -> str:
    """A line with digits and case normalised, to compare headers and footers across pages.

    >>> _line_key("Pagina 3 van 28") == _line_key("pagina 14 van 28")
    True
    """
    return re.sub(r"\d+", "#", line.strip().lower())


def drop_running_lines(pages: list[list[str]], numbers: list[int]) -> list[list[str]]:
    """Remove repeated header/footer lines and page numbers at the top or bottom of pages."""
    count = len(pages)
    needed = count if count <= 3 else math.ceil(count / 2)
    keys = Counter(key for lines in pages for key in {_line_key(lines[i]) for i in _zone(lines, 3)})
    running = {key for key, seen in keys.items() if seen >= max(2, needed) and key}
    candidates = []  # (page index, line index, offset, decorated)
    for p, lines in enumerate(pages):
        for i in _zone(lines, 2):
            found = page_number(lines[i])
            if found:
                candidates.append((p, i, found[0] - numbers[p], found[1]))
    offsets = Counter(offset for _, _, offset, _ in candidates)
    common = {offset for offset, seen in offsets.items() if seen >= max(2, math.ceil(count / 2))}
    drop = {(p, i) for p, i, offset, decorated in candidates if decorated or offset == 0 or offset in common}
    for p, lines in enumerate(pages):
        drop.update((p, i) for i in _zone(lines, 3) if _line_key(lines[i]) in running)
    return [[line for i, line in enumerate(lines) if (p, i) not in drop] for p, lines in enumerate(pages)]


def _keeps_hyphen(word: str, rest: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether a compound split at a line end keeps its hyphen: the document writes it so
    elsewhere, or Dutch spelling asks for it (prefixes, acronyms, clashing vowels).

    >>> pairs = (("jeugdbeschermings", "keten"), ("zee", "egel"), ("niet", "cliënt"), ("GGZ", "instelling"))
    >>> [_keeps_hyphen(w, r) for w, r in pairs]
    [False, True, True, True]
    >>> _keeps_hyphen("regio", "adviseur"), _keeps_hyphen("regio", "adviseur", frozenset({"regio-adviseur"}))
    (False, True)
    """
    if (word + "-" + _LETTERS.match(rest).group(0)).lower() in known:
        return True
    if len(word) <= 1 or word.lower() in _HYPHEN_PREFIXES:
        return True
    if sum(ch.isupper() for ch in word) >= 2 or any(ch.isdigit() for ch in word):
        return True
    return (word[-1] + rest[:1]).lower() in _VOWEL_CLASH


def join_pair(first: str, second: str, known: frozenset[str] = frozenset()) -> str | None:
    """The two lines joined when the break is a soft wrap or a word hyphenation, else None.

    `known` holds the hyphenated compounds (lowercase) that the document writes elsewhere.

    >>> join_pair("de jeugdbeschermings-", "keten")
    'de jeugdbeschermingsketen'
    >>> join_pair("het Programmaplan Kind-", "en Gezinsbescherming")
    'het Programmaplan Kind- en Gezinsbescherming'
    >>> join_pair("de provincie Zuid-", "Holland"), join_pair("Dit is klaar.", "daarna")
    ('de provincie Zuid-Holland', None)
    >>> join_pair("een zin die doorloopt", "op de volgende regel")
    'een zin die doorloopt op de volgende regel'
    >>> join_pair("vier regio's, met de", "Raad voor de Kinderbescherming"), join_pair("Inleiding", "Het plan")
    ("vier regio's, met de Raad voor de Kinderbescherming", None)
    """
    if not first or not second or first.startswith("#") or second.startswith("#") or first[-1] == _HARD_BREAK:
        return None
    if " | " in first or " | " in second or _BULLET.match(second):
        return None
    if len(first) >= 2 and first.endswith("-") and first[-2].isalpha():
        token = first.split()[-1]
        word = re.split(r"[(/\"']", token[:-1])[-1]
        if _ELLIPSIS_NEXT.match(second):
            return first + " " + second
        if "://" in token or token.lower().startswith("www."):
            return first + second
        if second[0] in "/" or second[0].isupper() or second[0].isdigit():
            return first + second
        if second[0].islower():
            return (first if _keeps_hyphen(word, second, known) else first[:-1]) + second
        return None
    if first[-1] in ".!?:;" + _HARD_BREAK:
        return None
    if second[0].islower() or first[-1] == "," or first.rsplit(None, 1)[-1] in _GLUE_WORDS:
        return first + " " + second
    return None


def join_lines(lines: list[str], across_blank: bool = False, known: frozenset[str] = frozenset()) -> list[str]:
    """Join soft-wrapped and hyphenated lines; across one blank line too when asked.

    >>> join_lines(["- Een punt dat", "doorloopt", "- Tweede punt"])
    ['- Een punt dat doorloopt', '- Tweede punt']
    >>> join_lines(["Een regel die ", "", "doorloopt."], across_blank=True)
    ['Een regel die doorloopt.']
    """
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line and out:
            gap = not out[-1] and across_blank and len(out) >= 2
            at = -2 if gap else -1
            joined = join_pair(out[at], line, known)
            if joined is not None:
                del out[at:]
                out.append(joined)
                continue
        out.append(line)
    return out


def _tidy(lines: list[str]) -> str:
    """Lines to text with single blank lines between blocks and none at the ends."""
    text = "\n".join(line.replace(_HARD_BREAK, "").rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def clean_pages(pages: list[Page], kind: str) -> list[Page]:
    """Clean the pages of one document of the given kind ("pdf", "docx", "markdown", "text")."""
    split: list[list[str]] = []
    for page in pages:
        text = page.text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        if kind == "markdown":
            text = re.sub(r"(?<=\S)(?: {2,}|\\)\n", _HARD_BREAK + "\n", text)
        if kind == "markdown" or (kind == "text" and _HTML_HINT.search(text)):
            text = strip_markup(text, markdown=kind == "markdown")
        text = normalize_unicode(text)
        lines = [normalize_line(tabs_to_cells(line)) for line in text.split("\n")]
        split.append([line for line in lines if not _RULE_LINE.fullmatch(line)])
    if len(split) >= 2 or kind == "pdf":
        split = drop_running_lines(split, [page.number for page in pages])
    if kind != "docx":  # a figure's labels come out of PDFs and text exports as short lines
        split = drop_box_figures(drop_recurring_figures(split))
    if kind == "docx":  # one paragraph per line already
        return [dataclasses.replace(page, text=_tidy(lines)) for page, lines in zip(pages, split)]
    whole = "\n".join(line for lines in split for line in lines)
    known = frozenset(m.lower() for m in re.findall(r"(?<![\w-])[^\W\d_]+-[^\W\d_]+", whole))
    wrapped = kind in ("pdf", "text")
    return [dataclasses.replace(page, text=_tidy(join_lines(lines, wrapped, known)))
            for page, lines in zip(pages, split)]
