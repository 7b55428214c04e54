"""Parse what a professional types into words, phrases, exclusions, alternatives and filters; never raises."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_WORDS = 32
FILTER_FIELDS = {
    "regio": "regio", "region": "regio", "proeftuin": "regio", "type": "type", "jaar": "jaar", "year": "jaar",
    "principe": "principe", "basisprincipe": "principe", "thema": "thema", "vraagstuk": "thema",
    "organisatie": "organisatie", "werkend": "werkend", "document": "document_id",
}
_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"|(\S+))')
_WILDCARD = re.compile(r"\*|\?(?=\w)")  # a '?' that ends a question is no wildcard
_WILDCARD_NOTE = "jokertekens (* ?) worden niet ondersteund; gezocht op hele woorden en hun vormen"
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}


@dataclass
class Clause:
    """One OR-alternative: words and phrases that are all wanted, and ones that must not occur."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


@dataclass
class ParsedQuery:
    """A query taken apart; notes say in plain words what was changed or ignored."""

    text: str
    clauses: list[Clause]
    filters: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for and nothing to filter on."""
        return not any(c.words or c.phrases for c in self.clauses) and not self.filters


def parse(text: str) -> ParsedQuery:
    """Split a query into clauses and filters.

    >>> q = parse('gezinsadvocaat regio:Zeeland -OTS "verklarende analyse" OR klantreis')
    >>> [(c.words, c.phrases, c.excluded) for c in q.clauses], q.filters
    ([(['gezinsadvocaat'], ['verklarende analyse'], ['OTS']), (['klantreis'], [], [])], {'regio': ['Zeeland']})
    >>> parse('"onafgesloten aanhalingsteken').clauses[0].words
    ['onafgesloten', 'aanhalingsteken']
    >>> parse('AND OR NOT').empty
    True
    >>> parse('jeugd* foo:bar wat werkt?').notes  # the query is changed: say so
    ['jokertekens (* ?) worden niet ondersteund; gezocht op hele woorden en hun vormen',
     "onbekend veld 'foo:', gezocht als gewone woorden"]
    """
    notes: list[str] = []
    text = _cleaned(text, notes)
    clauses, filters = [Clause()], {}
    negate_next, words = False, 0
    for m in _TOKEN.finditer(text):
        minus, name, quoted, bare = m.groups()
        value = quoted if quoted is not None else bare
        if name and name.lower() in FILTER_FIELDS and value:
            filters.setdefault(FILTER_FIELDS[name.lower()], []).append(value.strip())
            continue
        if name:  # an unknown field: search the whole thing as words
            value, quoted = _unknown_field(name, value, notes), None
        if quoted is None:
            operator = _OPERATORS.get(value)
            if operator == "OR" and (clauses[-1].words or clauses[-1].phrases):
                clauses.append(Clause())
            negate_next = negate_next or operator == "NOT"
            value = None if operator else _bare_word(value, notes)
            if value is None:
                continue
        words += len(value.split())
        if words > MAX_WORDS:
            notes.append(f"alleen de eerste {MAX_WORDS} woorden gebruikt")
            break
        _add(clauses[-1], value, quoted, excluded=bool(minus) or negate_next)
        negate_next = False
    clauses = [c for c in clauses if c.words or c.phrases or c.excluded] or [Clause()]
    return ParsedQuery(text, clauses, filters, notes)


def _cleaned(text: str | None, notes: list[str]) -> str:
    """The query without control characters, cut to MAX_QUERY_CHARS, unpaired quotes dropped (each noted)."""
    text = "".join(c if c.isprintable() else " " for c in (text or ""))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"zoekvraag ingekort tot {MAX_QUERY_CHARS} tekens")
    if text.count('"') % 2:
        text = text.replace('"', " ")
        notes.append("losse aanhalingstekens genegeerd")
    return text


def _unknown_field(name: str, value: str, notes: list[str]) -> str:
    """`name:value` for a field that is no filter, as words (noted once)."""
    if name.isalpha() and (note := f"onbekend veld '{name}:', gezocht als gewone woorden") not in notes:
        notes.append(note)
    return f"{name} {value}"


def _bare_word(value: str, notes: list[str]) -> str | None:
    """An unquoted word without surrounding brackets; None when nothing searchable is left; wildcards noted."""
    value = value.strip("()[]{}")
    if not re.search(r"\w", value):
        return None
    if _WILDCARD.search(value) and _WILDCARD_NOTE not in notes:
        notes.append(_WILDCARD_NOTE)
    return value


def _add(clause: Clause, value: str, quoted: str | None, excluded: bool) -> None:
    """Put a word, phrase or exclusion in its clause."""
    if excluded:
        clause.excluded.append(value)
    elif quoted is not None and quoted.strip():
        clause.phrases.append(quoted.strip())
    else:
        clause.words.extend(value.split())
