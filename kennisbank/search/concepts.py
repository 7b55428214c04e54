"""The concepts of an analysed query as re-ranking sees them, and where each one stands in a passage.

A concept is what the query asks for once: a word (with its compound parts), a name with its other names
(GI and Gecertificeerde Instellingen), or a quoted phrase. A vraagstuk the query names counts as its words,
plus the vraagstuk itself, whose tagged passages are about it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kennisbank.analysis import is_stopword
from kennisbank.search.analyse import AnalysedQuery, Name, Regio, Vraagstuk, Word
from kennisbank.search.batch import Batch

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


def stems(query: QueryConcepts) -> set[str]:
    """Every stem stage 2 looks for in a candidate: the concepts' forms, parts, related words and definitions,
    and the query's words in order."""
    out = set(query.sequence) | {s for pair in query.pairs for s in pair}
    for c in query.concepts:
        out.update(s for f in c.forms for s in f.stems)
        out.update(c.parts, c.derived, (s for d in c.definitions for s in d))
    return out


def positions(concept: Concept, batch: Batch) -> np.ndarray:
    """Per word: whether the concept stands there in full: one of its forms, or a compound's parts side by side
    (a quoted phrase, found in a text's words as written, stands at the text's first word)."""
    found = np.zeros(batch.size, dtype=bool)
    for form in concept.forms:
        found |= batch.phrase(form.stems, PHRASE_GAP)
    if len(concept.parts) > 1:
        found |= batch.phrase(concept.parts, PHRASE_GAP)
    if concept.exact:
        wanted = set(concept.exact)
        held = [n for n, t in enumerate(batch.texts) if t.length and wanted <= t.exact]
        found[batch.starts[held]] = True
    return found


def derived_positions(concept: Concept, batch: Batch) -> np.ndarray:
    """Per word: whether a word from the same root stands there ("vergoeding" for "vergoeden")."""
    found = np.zeros(batch.size, dtype=bool)
    for stem in concept.derived:
        found |= batch.word(stem)
    return found


def derived_count(concept: Concept, batch: Batch) -> np.ndarray:
    """Per text: how often words from the same root stand in it (a root named twice counts twice)."""
    return sum((batch.count(batch.word(stem)) for stem in concept.derived), np.zeros(len(batch.texts), dtype=int))


def parts_present(concept: Concept, batch: Batch, weights: dict[str, float]) -> np.ndarray:
    """Per text: the idf-weighted share of a compound's parts it holds, as words or inside other compounds."""
    parts = [p for p in concept.parts if not is_stopword(p)]
    share = np.zeros(len(batch.texts))
    if len(parts) < 2:
        return share
    total = sum(weights.get(p, 1.0) for p in parts) or 1.0
    for p in parts:
        held = batch.count(batch.word(p) | batch.part(p)) > 0
        share = share + np.where(held, weights.get(p, 1.0), 0.0)
    return share / total


def part_positions(concept: Concept, batch: Batch) -> np.ndarray:
    """Per word: whether the concept is part of a longer compound there ("jeugdbescherming" in
    "jeugdbeschermingsketen")."""
    found = np.zeros(batch.size, dtype=bool)
    for form in concept.forms:
        if len(form.stems) == 1:
            found |= batch.part(form.stems[0])
    return found


def joined_positions(pair: tuple[str, str], batch: Batch) -> np.ndarray:
    """Per word: whether two query words stand joined in it, one compound ("actieonderzoek" for "actie
    onderzoek").

    >>> from kennisbank.search.passage import passage_terms
    >>> batch = Batch.of([passage_terms("Een actie, een onderzoek en een actieonderzoek.")])
    >>> joined_positions(("acti", "onderzoek"), batch).tolist()
    [False, False, True]
    """
    return batch.part(pair[0]) & batch.part(pair[1])
