"""Dutch search over passages: query building, AND-then-OR ranking, diversity, spelling, facets, snippets."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

from whoosh import matching
from whoosh import query as Q
from whoosh.query import spans

from kennisbank import analysis
from kennisbank.query import ParsedQuery
from kennisbank.taxonomie import load as load_taxonomie
from kennisbank.taxonomie import normaliseer
from kennisbank.wordlists import stopwords

log = logging.getLogger(__name__)

FIELD_BOOSTS = {"text": 1.0, "parts": 0.5, "heading": 1.0, "title": 0.15}  # a part of a compound counts half
FACET_FIELDS = ("type", "region", "jaar", "regio", "principe", "thema", "organisatie", "werkend")
MAX_NGRAM = 5
PHRASE_SLOP = 2  # the words of a multi-word name may stand one word apart (whoosh: 1 is adjacent)
MAX_PARTIAL = 5  # queries of up to this many concepts rank "all but one" before "fewer" before "any"


@dataclass
class Built:
    """The whoosh queries for one parsed query, and the index terms to highlight."""

    strict: Q.Query | None
    loose: Q.Query | None
    terms: set[str]  # index terms to mark; a phrase's stems joined by spaces
    exact_terms: set[str]
    concepts: list[tuple[str, list[str]]]  # query words -> forms they were expanded to (for explain)
    partial: list[Q.Query] = field(default_factory=list)  # between strict and loose: all, most, fewer of the words
    parts_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a query compound's stem -> its parts
    stems: set[str] = field(default_factory=set)  # the query words' own stems
    every: Q.Query | None = None  # every concept present (a named vraagstuk by its tag or by all its words)

    def themas(self) -> set[str]:
        """The vraagstukken the query named (their tagged passages match too)."""
        return {form[len("thema:"):] for _, forms in self.concepts for form in forms if form.startswith("thema:")}

    def own_terms(self) -> set[str]:
        """Terms marked in their own right; the other compound parts only where they stand in for their word."""
        parts = {p for ps in self.parts_of.values() for p in ps}
        return self.terms - (parts - self.stems)


@lru_cache(maxsize=1)
def _expansions() -> dict[str, list[str]]:
    """Folded abbreviation or long form -> its other forms, from the taxonomy."""
    return {analysis.fold(k): v for k, v in load_taxonomie().abbreviation_map().items()}


@lru_cache(maxsize=1)
def _inflected_expansions() -> dict[str, list[str]]:
    """Forms by their stems, so "gecertificeerde instellingen" expands as "gecertificeerde instelling" and
    "uithuisplaatsingen" as "uithuisplaatsing".

    One-word keys only when they are words (6+ letters), not abbreviations; a run of words by all its stems, so
    "ministerie van J&V" does not make every "ministerie" an abbreviation.
    """
    exact = _expansions()
    table: dict[str, list[str]] = {}
    for key, forms in exact.items():
        stems = _index_terms(key)
        joined = " ".join(stems)
        if (len(stems) == 1 and len(key) >= 6 and key.isalpha()) or (len(stems) > 1 and joined not in exact):
            merged = table.setdefault(joined, [])
            merged.extend(f for f in forms if f not in merged)
    return table


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Every abbreviation of the taxonomy, folded (GI, GI's, RvdK, MDA++, V-GGZ, ...)."""
    tax = load_taxonomie()
    return frozenset(analysis.fold(a) for c in (*tax.organisaties, *tax.afkortingen) for a in c.afkortingen)


def _definitions(forms: list[str]) -> Q.Query | None:
    """A bonus for passages that introduce an abbreviation: a long form right before it, "Gecertificeerde
    Instellingen (GI's)" or "regionaal veiligheidsteam (RVT)" — where a reader learns what it stands for."""
    abbreviations = _abbreviations()
    short = [f for f in forms if analysis.fold(f) in abbreviations]
    long_forms = [f for f in forms if analysis.fold(f) not in abbreviations]
    phrases = {tuple(_index_terms(long) + _index_terms(abbr)) for long in long_forms for abbr in short}
    phrases = [list(p) for p in sorted(phrases) if len(p) > 1]
    if not phrases:
        return None
    return Q.Or([Q.Phrase("text", p, slop=1, boost=DEFINITION_BOOST) for p in phrases])


PROXIMITY_BOOST = 4.0  # weight of the query words standing together (adjacent, or within a few words)
THEMA_BONUS = 3.0  # score of a passage tagged with the vraagstuk the query names, on top of its word scores
DEFINITION_BOOST = 1.0  # weight of "long form (ABBREVIATION)" for a query that names either
LONG_FORM_BOOST = 2.0  # weight of an abbreviation's written-out name, for a query that names the abbreviation


@lru_cache(maxsize=1)
def _vraagstuk_keys() -> dict[str, str]:
    """A vraagstuk's name (id words, label) stemmed -> its id, so a query naming it also finds its tagged passages.

    Only names, not every signal term: "kwaliteitskader werken aan veiligheid" signals lokale teams, but a
    query for it should not pull in every passage about lokale teams.
    """
    keys: dict[str, str] = {}
    for concept in load_taxonomie().vraagstukken:
        label = re.sub(r"\([^)]*\)", " ", concept.label)
        for phrase in (concept.id.replace("-", " "), concept.label, label):
            key = " ".join(_index_terms(phrase))
            if key:
                keys.setdefault(key, concept.id)
    return keys


def _index_terms(text: str) -> list[str]:
    """The text field's index terms for a run of words (whole words only, no compound parts)."""
    return [analysis.query_forms(w).stem for w in _words(text) if not analysis.is_stopword(w)]


def _words(text: str) -> list[str]:
    """The folded words of a text, as the exact analyzer sees them."""
    return [t.text for t in analysis.exact_analyzer()(text)]


def _word_query(word: str, terms: set[str]) -> Q.Query | None:
    """One query word over text, section and title: its stem, or all of its compound parts."""
    forms = analysis.query_forms(word)
    if not forms.stem:
        return None
    terms.add(forms.stem)
    alternatives: list[Q.Query] = [Q.Term(f, forms.stem, boost=b) for f, b in FIELD_BOOSTS.items()]
    if forms.parts:
        terms.update(forms.parts)
        alternatives.append(Q.Phrase("text", list(forms.parts), slop=1, boost=0.7))  # "huis verboden"
    return Q.Or(alternatives)


def _run_query(words: list[str], terms: set[str]) -> Q.Query | None:
    """A run of words as a phrase in text or section (for multi-word expansions)."""
    stems = [s for s in (_index_terms(w) for w in words) for s in s]
    if not stems:
        return None
    terms.add(" ".join(stems))  # several words: marked only where they stand together, as the phrase matched
    if len(stems) == 1:
        return Q.Or([Q.Term(f, stems[0], boost=b) for f, b in FIELD_BOOSTS.items()])
    return Q.Or([Q.Phrase("text", stems, slop=PHRASE_SLOP), Q.Phrase("heading", stems, slop=PHRASE_SLOP, boost=0.5)])


def _other_form(form: str, key: str, terms: set[str]) -> Q.Query | None:
    """The query for another name of a query word or run; where the query is an abbreviation, its written-out
    names weigh more: a passage that spells out "Gecertificeerde Instellingen" says what a GI is, one that
    lists "GI, VT en RvdK" only mentions it."""
    q = _run_query(_words(form), terms)
    spelled_out = key in _abbreviations() and analysis.fold(form) not in _abbreviations()
    return q.with_boost(LONG_FORM_BOOST) if q is not None and spelled_out else q


def _concept_queries(words: list[str], terms: set[str], concepts: list, about: dict[int, Q.Query]) -> list[Q.Query]:
    """One query per word, or per run of words that the taxonomy knows under other names too.

    A run that names a vraagstuk finds the passages tagged with it or holding all its words; `about` gets, at
    the same place, the stricter query for the passages tagged with it (words scattered over a passage that is
    about something else rank after those).
    """
    folded = [analysis.fold(w) for w in words]
    out, i = [], 0
    table, inflected, themas = _expansions(), _inflected_expansions(), _vraagstuk_keys()
    while i < len(words):
        for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
            if n > 1 and (folded[i] in stopwords() or folded[i + n - 1] in stopwords()):
                continue  # a run starts and ends with a word that counts: "kennisdeling", not "kennisdeling en";
                # a lone letter counts here (the V of V-GGZ), so not analysis.is_stopword
            key = analysis.fold(normaliseer(" ".join(words[i:i + n])))  # as the taxonomy writes its keys: V-GGZ ~ v ggz
            stems = _index_terms(" ".join(words[i:i + n]))
            # by stems: a one-word entry for one word, an entry of several words for a run of several
            forms = table.get(key) or (inflected.get(" ".join(stems)) if (n > 1) == (len(stems) > 1) else None)
            if forms:
                own = _word_query(words[i], terms) if n == 1 else _run_query(words[i:i + n], terms)
                others = [q for q in (_other_form(form, key, terms) for form in forms) if q]
                alts = [q for q in [own, *others] if q]
                if alts:
                    defined = _definitions([" ".join(words[i:i + n]), *forms])
                    out.append(Q.AndMaybe(Q.Or(alts), defined) if defined else Q.Or(alts))
                    concepts.append((" ".join(words[i:i + n]), forms))
                i += n
                break
            thema = themas.get(" ".join(stems)) if n > 1 or words[i].isalpha() else None
            if thema:
                own = [q for q in (_word_query(w, terms) for w in words[i:i + n] if not analysis.is_stopword(w)) if q]
                tagged = Q.ConstantScoreQuery(Q.Term("thema", thema), score=THEMA_BONUS)
                every = Q.And(own) if len(own) > 1 else own[0]
                if len(own) > 1:  # all the words, or the tag; either way every word present counts
                    out.append(Q.AndMaybe(Q.Or([Q.ConstantScoreQuery(every, score=0.0), tagged]), Q.Or(own)))
                else:
                    out.append(Q.Or([every, tagged]))
                about[len(out) - 1] = Q.AndMaybe(tagged, Q.Or(own))
                concepts.append((" ".join(words[i:i + n]), [f"thema:{thema}"]))
                i += n
                break
        else:
            if not analysis.is_stopword(words[i]) and (q := _word_query(words[i], terms)):
                out.append(q)
            i += 1
    return out


class SpanNear(spans.SpanNear2):
    """whoosh's SpanNear2 with its boost applied (whoosh ignores a span query's boost when scoring)."""

    def __init__(self, qs: list[Q.Query], slop: int, boost: float = 1.0):
        super().__init__(qs, slop=slop, ordered=False)
        self.boost = boost

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """The span matcher, its scores multiplied by the boost."""
        m = super().matcher(searcher, context)
        return m if self.boost == 1.0 or not m.is_active() else matching.WrappingMatcher(m, self.boost)


def _near(stems: list[str]) -> Q.Query:
    """A bonus for passages where the words stand together, in any order: adjacent, or within a few words."""
    terms = [Q.Term("text", s) for s in stems]
    return Q.Or([SpanNear(terms, len(stems), PROXIMITY_BOOST), SpanNear(terms, 8, PROXIMITY_BOOST / 2)])


def build(parsed: ParsedQuery, words_override: list[list[str]] | None = None) -> Built:
    """Turn a parsed query into a strict (all terms; a named vraagstuk by its tag), partial and loose (any term)
    whoosh queries."""
    terms: set[str] = set()
    exact_terms: set[str] = set()
    concepts: list = []
    strict_alts, every_alts, loose_parts, partial_levels = [], [], [], []
    for n, clause in enumerate(parsed.clauses):
        words = words_override[n] if words_override else clause.words
        about: dict[int, Q.Query] = {}
        required = _concept_queries(words, terms, concepts, about)
        for phrase in clause.phrases:
            tokens = _words(phrase)
            exact_terms.update(tokens)
            if tokens:
                required.append(Q.Phrase("exact", tokens) if len(tokens) > 1 else Q.Term("exact", tokens[0]))
        excluded = [q for q in (_word_query(w, set()) for w in clause.excluded) if q]
        if excluded and not required:
            required = [Q.Every()]
        if not required:
            continue
        stems = [st for st in (analysis.query_forms(w).stem for w in words if not analysis.is_stopword(w)) if st]
        tiers = _tiers(required, about, _near(stems) if len(stems) > 1 else None)
        loose = Q.Or(required) if len(required) > 1 else required[0]
        if excluded:
            tiers = [Q.AndNot(q, Q.Or(excluded)) for q in tiers]
            loose = Q.AndNot(loose, Q.Or(excluded))
        strict_alts.append(tiers[0])
        every_alts.append(tiers[1] if about else tiers[0])
        loose_parts.append(loose)
        for level, q in enumerate(tiers[1:]):
            if level == len(partial_levels):
                partial_levels.append([])
            partial_levels[level].append(q)
    strict_q, every_q, loose_q = (_any(alts) for alts in (strict_alts, every_alts, loose_parts))
    partial = [_any(qs) for qs in partial_levels]
    words = [w for n, c in enumerate(parsed.clauses) for w in (words_override[n] if words_override else c.words)]
    forms = [analysis.query_forms(w) for w in words]
    parts_of = {f.stem: f.parts for f in forms if f.parts}
    return Built(strict_q, loose_q, terms, exact_terms, concepts, partial, parts_of, {f.stem for f in forms}, every_q)


def _any(alts: list[Q.Query]) -> Q.Query | None:
    """One query for the alternatives of several OR clauses (None for none)."""
    return (Q.Or(alts) if len(alts) > 1 else alts[0]) if alts else None


def _tiers(required: list[Q.Query], about: dict[int, Q.Query], bonus: Q.Query | None = None) -> list[Q.Query]:
    """The queries that rank before "any of the words", best first: every concept, with a named vraagstuk's tag
    first and then its words without the tag (when the query names one), both with the bonus; then most of the
    concepts, fewer, ...

    >>> [str(q) for q in _tiers([Q.Term("text", "a"), Q.Term("text", "b")], {0: Q.Term("thema", "x")})]
    ['(thema:x AND text:b)', '(text:a AND text:b)']
    """
    def every(qs: list[Q.Query]) -> Q.Query:
        return Q.And(qs) if len(qs) > 1 else qs[0]
    whole = [every([about.get(k, q) for k, q in enumerate(required)])] if about else []
    whole.append(every(required))
    return [Q.AndMaybe(q, bonus) if bonus else q for q in whole] + _partial(required)


def _partial(required: list[Q.Query]) -> list[Q.Query]:
    """For n required concepts: passages with n-1 of them, then n-2, ... down to 2 (one is the loose query).

    >>> [str(q) for q in _partial([Q.Term("text", w) for w in "abc"])]
    ['((text:a AND text:b) OR (text:a AND text:c) OR (text:b AND text:c))']
    """
    n = len(required)
    if not 3 <= n <= MAX_PARTIAL:
        return []
    return [Q.Or([Q.And(list(combo)) for combo in combinations(required, k)]) for k in range(n - 1, 1, -1)]
