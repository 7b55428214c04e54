"""The query plan: from an analysed query, the index queries to run and the terms to mark in snippets.

- `loose` finds the candidates (stage 1): any form of any concept, over the fields text, parts, heading and
  title, BM25F-scored; weaker forms (a compound's parts on their own, derived words, a named region's
  passages) count less, so the passages holding the query's own words come first.
- `matched` holds the passages with any concept in its own forms: when there are enough of those, a search
  shows only them, and the weaker forms only help to rank.
- `all_concepts` holds the passages with every concept in one of its own forms (a named vraagstuk by its tag
  or all its words): the comparison's rule for a free-text thema.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kennisbank.analysis import is_stopword
from kennisbank.index.query import AndMaybe, AndNot, Constant, Every, Node, Or, Phrase, Term, all_of, any_of
from kennisbank.search.analyse import AnalysedQuery, Name, Regio, Vraagstuk, Word, analyse
from kennisbank.search.query import parse

FIELD_BOOSTS = {"text": 1.0, "parts": 0.5, "heading": 1.0, "title": 0.15}  # a part of a compound counts half
PHRASE_SLOP = 2  # the words of a multi-word name may stand one word apart (1 is adjacent)
THEMA_BONUS = 3.0  # stage-1 score of a passage tagged with the vraagstuk the query names
REGIO_BONUS = 1.0  # stage-1 score of a passage that belongs to the region the query names
WEAK_BOOST = 0.3  # a compound's part on its own, or a derived word
DEFINITION_BOOST = 1.0  # weight of "long form (ABBREVIATION)" for a query that names either
LONG_FORM_BOOST = 2.0  # weight of an abbreviation's written-out name, for a query that names the abbreviation


@dataclass
class QueryPlan:
    """The index queries for one analysed query, and the index terms to highlight."""

    loose: Node | None  # any concept, in its own forms or weaker ones: the candidates of stage 1
    matched: Node | None  # any concept in its own forms: what a search finds when that is enough
    all_concepts: Node | None  # every concept present (a named vraagstuk by its tag or by all its words)
    terms: set[str]  # index terms to mark; a phrase's stems joined by spaces
    exact_terms: set[str]
    concepts: list[tuple[str, list[str]]]  # query words -> forms they were expanded to (for explain)
    parts_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a query compound's stem -> its parts
    stems: set[str] = field(default_factory=set)  # the query words' own stems
    weak_terms: set[str] = field(default_factory=set)  # compound parts and derived words (the weaker forms)

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
    """The loose and the every-concept index queries of an analysed query."""
    terms: set[str] = set()
    exact_terms: set[str] = set()
    concepts: list[tuple[str, list[str]]] = []
    loose_parts, matched_parts, every_parts = [], [], []
    for clause in query.clauses:
        own, recall = [], []
        for unit in clause.units:
            strict = _unit_query(unit, terms, concepts)
            if strict is not None:
                own.append(strict)
                recall.append(_with_weaker_forms(unit, strict))
        for tokens in clause.phrases:
            exact_terms.update(tokens)
            if tokens:
                phrase = Phrase("exact", tokens) if len(tokens) > 1 else Term("exact", tokens[0])
                own.append(phrase)
                recall.append(phrase)
        excluded = [q for q in (_word_query(w.stem, w.parts, set()) for w in clause.excluded) if q]
        if not own and not excluded:
            continue
        loose, matched, every = (any_of(recall), any_of(own), all_of(own)) if own else (Every(),) * 3
        if excluded:
            loose, matched, every = (AndNot(q, Or(excluded)) for q in (loose, matched, every))
        loose_parts.append(loose)
        matched_parts.append(matched)
        every_parts.append(every)
    forms = [w.form for w in query.words]
    weak = {t for w in query.words for t in (*w.form.parts, *w.derived) if not is_stopword(t)}
    return QueryPlan(any_of(loose_parts), any_of(matched_parts), any_of(every_parts), terms, exact_terms, concepts,
                     {f.stem: f.parts for f in forms if f.parts}, {f.stem for f in forms}, weak)


def _unit_query(unit: Word | Name | Vraagstuk | Regio, terms: set[str], concepts: list) -> Node | None:
    """The query of one concept in its own forms; a named vraagstuk by its tag or all its words."""
    if isinstance(unit, Word):
        own = _word_query(unit.form.stem, unit.form.parts, terms)
        terms.update(unit.same_root)
        return Or([own, *(Term("text", d) for d in unit.same_root)]) if own and unit.same_root else own
    if isinstance(unit, Regio):
        concepts.append((unit.text, [f"regio:{unit.naam}"]))
        return _run_query(unit.stems, terms)
    if isinstance(unit, Name):
        own = _word_query(unit.words[0].form.stem, unit.words[0].form.parts, terms) if len(unit.words) == 1 \
            else _run_query(unit.stems, terms)
        others = [q for q in (_other_name(o, terms) for o in unit.others) if q]
        alts = [q for q in [own, *others] if q]
        if not alts:
            return None
        concepts.append((unit.text, [o.text for o in unit.others]))
        defined = _definitions(unit.definitions)
        return AndMaybe(Or(alts), defined) if defined else Or(alts)
    own = [q for q in (_word_query(w.form.stem, w.form.parts, terms) for w in unit.content) if q]
    concepts.append((unit.text, [f"thema:{unit.thema}"]))
    return _or_tagged(all_of(own), Term("thema", unit.thema), THEMA_BONUS) if own else None


def _with_weaker_forms(unit: Word | Name | Vraagstuk | Regio, strict: Node) -> Node:
    """A concept's query with its weaker forms added: a compound's parts on their own, derived words, and the
    passages of a named region."""
    weak: list[Node] = []
    words = unit.content if isinstance(unit, Vraagstuk) else (unit,) if isinstance(unit, Word) else unit.words
    for w in words:
        for part in (p for p in w.form.parts if not is_stopword(p)):
            weak.extend([Term("text", part, boost=WEAK_BOOST), Term("parts", part, boost=WEAK_BOOST)])
        weak.extend(Term("text", d, boost=WEAK_BOOST) for d in w.derived)
    if isinstance(unit, Regio):
        return _or_tagged(Or([strict, *weak]) if weak else strict, Term("passage_regio", unit.naam), REGIO_BONUS)
    return Or([strict, *weak]) if weak else strict


def _or_tagged(words: Node, tag: Term, score: float) -> Node:
    """A concept held in its words or by its tag: one way of holding it, not extra relevance. A passage with the
    words scores by them; a tagged passage without them gets the tag's constant score."""
    return Or([words, AndNot(Constant(tag, score=score), words)])


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
