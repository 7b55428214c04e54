"""The query plan: from an analysed query, the index queries to run (strict, partial, loose) and what to mark.

Ranking comes from running them in order: passages with every concept (a named vraagstuk's tagged passages
first), then with all but one, fewer, ... and last any concept ("loose"). Each concept is an OR of its forms
over the fields text, parts, heading and title; words that stand together earn a bonus.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from kennisbank.analysis import is_stopword
from kennisbank.index.query import And, AndMaybe, AndNot, Constant, Every, Near, Node, Or, Phrase, Term, all_of, any_of
from kennisbank.search.analyse import AnalysedQuery, Name, Vraagstuk, Word, analyse
from kennisbank.search.query import parse

FIELD_BOOSTS = {"text": 1.0, "parts": 0.5, "heading": 1.0, "title": 0.15}  # a part of a compound counts half
PHRASE_SLOP = 2  # the words of a multi-word name may stand one word apart (1 is adjacent)
MAX_PARTIAL = 5  # queries of up to this many concepts rank "all but one" before "fewer" before "any"
PROXIMITY_BOOST = 4.0  # weight of the query words standing together (adjacent, or within a few words)
THEMA_BONUS = 3.0  # score of a passage tagged with the vraagstuk the query names, on top of its word scores
DEFINITION_BOOST = 1.0  # weight of "long form (ABBREVIATION)" for a query that names either
LONG_FORM_BOOST = 2.0  # weight of an abbreviation's written-out name, for a query that names the abbreviation


@dataclass
class QueryPlan:
    """The index queries for one analysed query, and the index terms to highlight."""

    strict: Node | None  # every concept, a named vraagstuk by its tag
    loose: Node | None  # any concept
    terms: set[str]  # index terms to mark; a phrase's stems joined by spaces
    exact_terms: set[str]
    concepts: list[tuple[str, list[str]]]  # query words -> forms they were expanded to (for explain)
    partial: list[Node] = field(default_factory=list)  # between strict and loose: all, most, fewer of the concepts
    parts_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a query compound's stem -> its parts
    stems: set[str] = field(default_factory=set)  # the query words' own stems
    all_concepts: Node | None = None  # every concept present (a named vraagstuk by its tag or by all its words)

    def themas(self) -> set[str]:
        """The vraagstukken the query named (their tagged passages match too)."""
        return {form[len("thema:"):] for _, forms in self.concepts for form in forms if form.startswith("thema:")}

    def own_terms(self) -> set[str]:
        """Terms marked in their own right; the other compound parts only where they stand in for their word."""
        parts = {p for ps in self.parts_of.values() for p in ps}
        return self.terms - (parts - self.stems)


def plan_for(text: str) -> QueryPlan:
    """The plan of a query as typed."""
    return plan(analyse(parse(text)))


def plan(query: AnalysedQuery) -> QueryPlan:
    """The strict, partial and loose index queries of an analysed query."""
    terms: set[str] = set()
    exact_terms: set[str] = set()
    concepts: list[tuple[str, list[str]]] = []
    strict_alts, every_alts, loose_parts, partial_levels = [], [], [], []
    for clause in query.clauses:
        about: dict[int, Node] = {}
        required: list[Node] = []
        for unit in clause.units:
            node, tagged = _unit_query(unit, terms, concepts)
            if node is not None:
                if tagged is not None:
                    about[len(required)] = tagged
                required.append(node)
        for tokens in clause.phrases:
            exact_terms.update(tokens)
            if tokens:
                required.append(Phrase("exact", tokens) if len(tokens) > 1 else Term("exact", tokens[0]))
        excluded = [q for q in (_word_query(w.stem, w.parts, set()) for w in clause.excluded) if q]
        if excluded and not required:
            required = [Every()]
        if not required:
            continue
        stems = [w.form.stem for w in clause.words if w.form.stem and not is_stopword(w.text)]
        tiers = _tiers(required, about, _near(stems) if len(stems) > 1 else None)
        loose = Or(required) if len(required) > 1 else required[0]
        if excluded:
            tiers = [AndNot(q, Or(excluded)) for q in tiers]
            loose = AndNot(loose, Or(excluded))
        strict_alts.append(tiers[0])
        every_alts.append(tiers[1] if about else tiers[0])
        loose_parts.append(loose)
        for level, q in enumerate(tiers[1:]):
            if level == len(partial_levels):
                partial_levels.append([])
            partial_levels[level].append(q)
    forms = [w.form for w in query.words]
    return QueryPlan(any_of(strict_alts), any_of(loose_parts), terms, exact_terms, concepts,
                     [any_of(qs) for qs in partial_levels], {f.stem: f.parts for f in forms if f.parts},
                     {f.stem for f in forms}, any_of(every_alts))


def _unit_query(unit: Word | Name | Vraagstuk, terms: set[str], concepts: list) -> tuple[Node | None, Node | None]:
    """The query of one concept, and for a named vraagstuk the stricter query of its tagged passages."""
    if isinstance(unit, Word):
        return _word_query(unit.form.stem, unit.form.parts, terms), None
    if isinstance(unit, Name):
        own = _word_query(unit.words[0].form.stem, unit.words[0].form.parts, terms) if len(unit.words) == 1 \
            else _run_query(unit.stems, terms)
        others = [q for q in (_other_name(o, terms) for o in unit.others) if q]
        alts = [q for q in [own, *others] if q]
        if not alts:
            return None, None
        concepts.append((unit.text, [o.text for o in unit.others]))
        defined = _definitions(unit.definitions)
        return (AndMaybe(Or(alts), defined) if defined else Or(alts)), None
    own = [q for q in (_word_query(w.form.stem, w.form.parts, terms) for w in unit.content) if q]
    tagged = Constant(Term("thema", unit.thema), score=THEMA_BONUS)
    every = all_of(own)
    concepts.append((unit.text, [f"thema:{unit.thema}"]))
    if len(own) > 1:  # all the words, or the tag; either way every word present counts
        node: Node = AndMaybe(Or([Constant(every, score=0.0), tagged]), Or(own))
    else:
        node = Or([every, tagged])
    return node, AndMaybe(tagged, Or(own))


def _word_query(stem: str, parts: tuple[str, ...], terms: set[str]) -> Node | None:
    """One query word over text, section and title: its stem, or all of its compound parts."""
    if not stem:
        return None
    terms.add(stem)
    alternatives: list[Node] = [Term(f, stem, boost=b) for f, b in FIELD_BOOSTS.items()]
    if parts:
        terms.update(parts)
        alternatives.append(Phrase("text", parts, slop=1, boost=0.7))  # "huis verboden"
    return Or(alternatives)


def _run_query(stems: tuple[str, ...], terms: set[str]) -> Node | None:
    """A run of words as a phrase in text or section (for multi-word names)."""
    if not stems:
        return None
    terms.add(" ".join(stems))  # several words: marked only where they stand together, as the phrase matched
    if len(stems) == 1:
        return Or([Term(f, stems[0], boost=b) for f, b in FIELD_BOOSTS.items()])
    return Or([Phrase("text", stems, slop=PHRASE_SLOP), Phrase("heading", stems, slop=PHRASE_SLOP, boost=0.5)])


def _other_name(other, terms: set[str]) -> Node | None:
    """The query for another name of a query word or run; where the query is an abbreviation, its written-out
    names weigh more: a passage that spells out "Gecertificeerde Instellingen" says what a GI is, one that
    lists "GI, VT en RvdK" only mentions it."""
    q = _run_query(other.stems, terms)
    return q.with_boost(LONG_FORM_BOOST) if q is not None and other.spelled_out else q


def _definitions(phrases: tuple[tuple[str, ...], ...]) -> Node | None:
    """A bonus for passages that introduce an abbreviation: a long form right before it, "Gecertificeerde
    Instellingen (GI's)" or "regionaal veiligheidsteam (RVT)" — where a reader learns what it stands for."""
    if not phrases:
        return None
    return Or([Phrase("text", p, slop=1, boost=DEFINITION_BOOST) for p in phrases])


def _near(stems: list[str]) -> Node:
    """A bonus for passages where the words stand together, in any order: adjacent, or within a few words."""
    terms = tuple(Term("text", s) for s in stems)
    return Or([Near(terms, len(stems), PROXIMITY_BOOST), Near(terms, 8, PROXIMITY_BOOST / 2)])


def _tiers(required: list[Node], about: dict[int, Node], bonus: Node | None = None) -> list[Node]:
    """The queries that rank before "any of the words", best first: every concept, with a named vraagstuk's tag
    first and then its words without the tag (when the query names one), both with the bonus; then most of the
    concepts, fewer, ...

    >>> [str(q) for q in _tiers([Term("text", "a"), Term("text", "b")], {0: Term("thema", "x")})]
    ['(thema:x AND text:b)', '(text:a AND text:b)']
    """
    whole = [all_of([about.get(k, q) for k, q in enumerate(required)])] if about else []
    whole.append(all_of(required))
    return [AndMaybe(q, bonus) if bonus else q for q in whole] + _partial(required)


def _partial(required: list[Node]) -> list[Node]:
    """For n required concepts: passages with n-1 of them, then n-2, ... down to 2 (one is the loose query).

    >>> [str(q) for q in _partial([Term("text", w) for w in "abc"])]
    ['((text:a AND text:b) OR (text:a AND text:c) OR (text:b AND text:c))']
    """
    n = len(required)
    if not 3 <= n <= MAX_PARTIAL:
        return []
    return [Or([And(list(combo)) for combo in combinations(required, k)]) for k in range(n - 1, 1, -1)]
