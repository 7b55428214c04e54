"""The concepts of an analysed query as re-ranking sees them, and where each one stands in a passage.

A concept is what the query asks for once: a word (with its compound parts), a name with its other names
(GI and Gecertificeerde Instellingen), or a quoted phrase. A vraagstuk the query names counts as its words,
plus the vraagstuk itself, whose tagged passages are about it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kennisbank.analysis import is_stopword
from kennisbank.search.analyse import AnalysedQuery, Name, Regio, Vraagstuk, Word
from kennisbank.search.passage import PassageTerms

PHRASE_GAP = 2  # the words of a multi-word name may stand one word apart


@dataclass(frozen=True)
class Form:
    """One way a concept is written: a stem, or the stems of a name in order."""

    stems: tuple[str, ...]
    spelled_out: bool = False  # the written-out name of an abbreviation in the query


@dataclass(frozen=True)
class Concept:
    """One thing the query asks for."""

    text: str
    forms: tuple[Form, ...]
    parts: tuple[str, ...] = ()  # a compound's parts: "huisverbod" is found as "huis verboden" too
    definitions: tuple[tuple[str, ...], ...] = ()  # "long form (ABBREVIATION)", for a name with an abbreviation
    exact: tuple[str, ...] = ()  # a quoted phrase's folded words
    thema: str | None = None  # the vraagstuk this word helps name
    derived: tuple[str, ...] = ()  # stems of words from the same root ("vergoeding" for "vergoeden")
    regio: str | None = None  # the region these words name

    @property
    def is_name(self) -> bool:
        """True for a name with other names (an abbreviation and its long forms)."""
        return len(self.forms) > 1


@dataclass
class QueryConcepts:
    """The concepts of a query, the vraagstukken it names, and its content words in order (for phrase matches)."""

    concepts: list[Concept]
    themas: set[str] = field(default_factory=set)
    regios: set[str] = field(default_factory=set)
    sequence: tuple[str, ...] = ()
    pairs: list[tuple[str, str]] = field(default_factory=list)  # neighbouring query words ("actie onderzoek")


def query_concepts(query: AnalysedQuery) -> QueryConcepts:
    """The concepts of every clause of an analysed query."""
    out = QueryConcepts([])
    for clause in query.clauses:
        for unit in clause.units:
            out.concepts.extend(_unit_concepts(unit, out))
        words = [u for u in clause.units if isinstance(u, Word)]
        out.pairs.extend((a.form.stem, b.form.stem) for a, b in zip(words, words[1:]) if a.form.stem and b.form.stem)
        out.concepts.extend(Concept(" ".join(p), (), exact=p) for p in clause.phrases if p)
    out.sequence = tuple(w.form.stem for w in query.words if w.form.stem and not is_stopword(w.text))
    return out


def _unit_concepts(unit: Word | Name | Vraagstuk | Regio, found: QueryConcepts) -> list[Concept]:
    """The concepts of one unit of a clause."""
    if isinstance(unit, Word):
        return [_word(unit)] if unit.form.stem else []
    if isinstance(unit, Vraagstuk):
        found.themas.add(unit.thema)
        return [_word(w, unit.thema) for w in unit.content if w.form.stem]
    if isinstance(unit, Regio):
        found.regios.add(unit.naam)
        return [Concept(unit.text, (Form(unit.stems),), regio=unit.naam)] if unit.stems else []
    own = (Form((unit.words[0].form.stem,)),) if len(unit.words) == 1 else (Form(unit.stems),)
    others = tuple(Form(o.stems, o.spelled_out) for o in unit.others if o.stems)
    parts = unit.words[0].form.parts if len(unit.words) == 1 else ()
    return [Concept(unit.text, tuple(f for f in own + others if f.stems), parts, unit.definitions)]


def _word(word: Word, thema: str | None = None) -> Concept:
    forms = (Form((word.form.stem,)), *(Form((d,)) for d in word.same_root))
    return Concept(word.text, forms, word.form.parts, thema=thema, derived=word.derived)


def positions(concept: Concept, terms: PassageTerms) -> list[int]:
    """Where the concept stands in full: one of its forms, or a compound's parts side by side."""
    found: set[int] = set()
    for form in concept.forms:
        found.update(phrase_positions(form.stems, terms))
    if len(concept.parts) > 1:
        found.update(phrase_positions(concept.parts, terms))
    if concept.exact and set(concept.exact) <= terms.exact:
        found.add(0)
    return sorted(found)


def derived_positions(concept: Concept, terms: PassageTerms) -> list[int]:
    """Where a word from the same root stands ("vergoeding" for "vergoeden")."""
    return sorted(p for d in concept.derived for p in terms.where.get(d, ()))


def parts_present(concept: Concept, terms: PassageTerms, weights: dict[str, float]) -> float:
    """The idf-weighted share of a compound's parts the passage holds, as words or inside other compounds."""
    parts = [p for p in concept.parts if not is_stopword(p)]
    if len(parts) < 2:
        return 0.0
    total = sum(weights.get(p, 1.0) for p in parts) or 1.0
    return sum(weights.get(p, 1.0) for p in parts if terms.where.get(p) or terms.where_part.get(p)) / total


def part_positions(concept: Concept, terms: PassageTerms) -> list[int]:
    """Where the concept is part of a longer compound ("jeugdbescherming" in "jeugdbeschermingsketen")."""
    found: set[int] = set()
    for form in concept.forms:
        if len(form.stems) == 1:
            found.update(terms.where_part.get(form.stems[0], ()))
    return sorted(found)


def joined_positions(pair: tuple[str, str], terms: PassageTerms) -> list[int]:
    """Where two query words stand joined in one compound ("actieonderzoek" for "actie onderzoek").

    >>> from kennisbank.search.passage import passage_terms
    >>> joined_positions(("acti", "onderzoek"), passage_terms("Een actie, een onderzoek en een actieonderzoek."))
    [2]
    """
    first = set(terms.where_part.get(pair[0], ()))
    return [p for p in terms.where_part.get(pair[1], ()) if p in first]


def phrase_positions(stems: tuple[str, ...], terms: PassageTerms, gap: int = PHRASE_GAP) -> list[int]:
    """The start of every place where the stems follow each other, each at most `gap` words after the last.

    >>> from kennisbank.search.passage import passage_terms
    >>> phrase_positions(("lokal", "team"), passage_terms("De lokale teams en de lokale wijkteams."))
    [0]
    """
    if not stems:
        return []
    starts = terms.where.get(stems[0], [])
    if len(stems) == 1:
        return list(starts)
    out = []
    for start in starts:
        at = start
        for stem in stems[1:]:
            at = next((p for p in terms.where.get(stem, ()) if 0 < p - at <= gap), None)
            if at is None:
                break
        else:
            out.append(start)
    return out
