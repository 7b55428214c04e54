"""Analyse a parsed query once: every word's forms, and the runs of words that name a taxonomy concept.

A run names an organisation or abbreviation (GI, "raad voor de kinderbescherming") when the taxonomy knows it
under other names too, or a vraagstuk by its name ("verklarende analyse"). Later steps (plan, spelling,
snippets) take this analysed query; none of them analyses a query word again.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kennisbank.analysis import QueryWord, exact_analyzer, fold, is_stopword, query_forms, stopwords
from kennisbank.analysis.derive import derivations
from kennisbank.search.query import ParsedQuery
from kennisbank.taxonomie import load as load_taxonomie
from kennisbank.taxonomie import normaliseer, per_version

MAX_NGRAM = 5


@dataclass(frozen=True)
class Word:
    """A query word: as typed, folded, its own index form (stem and compound parts), and the index terms of the
    pieces it splits into (volwassenen-GGZ: volwas, ggz)."""

    text: str
    folded: str
    form: QueryWord
    stems: tuple[str, ...]
    derived: tuple[str, ...] = ()  # stems of words from the same root that the index holds (vergoeding)
    same_root: tuple[str, ...] = ()  # those words instead, as the word itself, when the index lacks its own stem


@dataclass(frozen=True)
class OtherName:
    """Another name of a concept the query names: its index terms, and whether it spells out an abbreviation."""

    text: str
    stems: tuple[str, ...]
    spelled_out: bool


class Run:
    """What every run of query words has: its words, and their text and index terms joined."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(s for w in self.words for s in w.stems)


@dataclass(frozen=True)
class Name(Run):
    """A run of query words the taxonomy knows under other names (an abbreviation and its long forms)."""

    words: tuple[Word, ...]
    others: tuple[OtherName, ...]
    definitions: tuple[tuple[str, ...], ...]  # "long form (ABBREVIATION)" as index terms


@dataclass(frozen=True)
class Vraagstuk(Run):
    """A run of query words that names a vraagstuk: its id and its words that count (no stop words)."""

    words: tuple[Word, ...]
    content: tuple[Word, ...]
    thema: str


@dataclass(frozen=True)
class Regio(Run):
    """A run of query words that names a region or proeftuin: the region's canonical name."""

    words: tuple[Word, ...]
    naam: str


Unit = Word | Name | Vraagstuk | Regio


@dataclass
class Clause:
    """One OR-alternative, analysed: its concepts in order, its words, quoted phrases and excluded words."""

    units: list[Unit]
    words: list[Word]
    phrases: list[tuple[str, ...]]  # the folded words of each quoted phrase
    excluded: list[QueryWord]


@dataclass
class AnalysedQuery:
    """A parsed query with every word analysed."""

    clauses: list[Clause]
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def words(self) -> list[Word]:
        """Every word of every clause."""
        return [w for c in self.clauses for w in c.words]


def analyse(parsed: ParsedQuery, words_override: list[list[str]] | None = None,
            known: Callable[[str], bool] | None = None) -> AnalysedQuery:
    """Analyse each clause (with other words in place of the typed ones: a spelling correction); with `known`
    (does the index hold this stem?), each word also gets the stems of its root that the index holds (_with_root)."""
    clauses = []
    for n, clause in enumerate(parsed.clauses):
        words = [analyse_word(w) for w in (words_override[n] if words_override else clause.words)]
        if known is not None:
            words = [_with_root(w, known) for w in words]
        phrases = [tuple(exact_words(p)) for p in clause.phrases]
        clauses.append(Clause(_units(words), words, phrases, [query_forms(w) for w in clause.excluded]))
    return AnalysedQuery(clauses, parsed.filters)


def _with_root(word: Word, known: Callable[[str], bool]) -> Word:
    """A word with the words of its root that the index holds: weaker forms of it, or the word itself when the
    index lacks its own stem ("uitwisselen" is found as "uitwisseling" when only that stands in the corpus)."""
    derived = tuple(d for d in derivations(word.form.stem) if known(d))
    if word.form.stem and not known(word.form.stem):
        return replace(word, same_root=derived)
    return replace(word, derived=derived)


@lru_cache(maxsize=4096)
def analyse_word(text: str) -> Word:
    """One query word analysed."""
    return Word(text, fold(text), query_forms(text), tuple(index_terms(text)))


def index_terms(text: str) -> list[str]:
    """The text field's index terms for a run of words (whole words only, no compound parts)."""
    return [query_forms(w).stem for w in exact_words(text) if not is_stopword(w)]


def exact_words(text: str) -> list[str]:
    """The folded words of a text, as the exact analyzer sees them."""
    return [t.text for t in exact_analyzer()(text)]


def _units(words: list[Word]) -> list[Unit]:
    """The concepts of a clause: runs that name a taxonomy concept (longest first), else single words."""
    out: list[Unit] = []
    i = 0
    table, inflected, themas = _expansions(), _inflected_expansions(), _vraagstuk_keys()
    while i < len(words):
        for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
            run = words[i:i + n]
            if n > 1 and (run[0].folded in stopwords() or run[-1].folded in stopwords()):
                continue  # a run starts and ends with a word that counts: "kennisdeling", not "kennisdeling en";
                # a lone letter counts here (the V of V-GGZ), so not is_stopword
            key = fold(normaliseer(" ".join(w.text for w in run)))  # as the taxonomy writes its keys
            stems = [s for w in run for s in w.stems]
            # by stems: a one-word entry for one word, an entry of several words for a run of several
            forms = table.get(key) or (inflected.get(" ".join(stems)) if (n > 1) == (len(stems) > 1) else None)
            if forms:
                out.append(_name(run, key, forms))
                i += n
                break
            thema = themas.get(" ".join(stems)) if n > 1 or run[0].text.isalpha() else None
            if thema:
                out.append(Vraagstuk(tuple(run), tuple(w for w in run if not is_stopword(w.text)), thema))
                i += n
                break
            regio = _regio(run)
            if regio:
                out.append(Regio(tuple(run), regio))
                i += n
                break
        else:
            if not is_stopword(words[i].text):
                out.append(words[i])
            i += 1
    return out


def _regio(run: list[Word]) -> str | None:
    """The canonical name of the region a run of words names by its name or an alias (not a project name)."""
    return _regio_names().get(normaliseer(" ".join(w.text for w in run)))


def _name(run: list[Word], key: str, forms: list[str]) -> Name:
    """A run the taxonomy knows under other names, with those names analysed."""
    abbreviations = _abbreviations()
    others = tuple(OtherName(form, tuple(index_terms(form)),
                             key in abbreviations and fold(form) not in abbreviations) for form in forms)
    return Name(tuple(run), others, _definitions([" ".join(w.text for w in run), *forms]))


def _definitions(forms: list[str]) -> tuple[tuple[str, ...], ...]:
    """Index terms of "long form (ABBREVIATION)", for every long form and abbreviation among the names."""
    abbreviations = _abbreviations()
    short = [f for f in forms if fold(f) in abbreviations]
    long_forms = [f for f in forms if fold(f) not in abbreviations]
    phrases = {tuple(index_terms(long) + index_terms(abbr)) for long in long_forms for abbr in short}
    return tuple(p for p in sorted(phrases) if len(p) > 1)


@per_version()
def _expansions() -> dict[str, list[str]]:
    """Folded abbreviation or long form -> its other forms, from the taxonomy."""
    return {fold(k): v for k, v in load_taxonomie().abbreviation_map().items()}


@per_version()
def _inflected_expansions() -> dict[str, list[str]]:
    """Forms by their stems, so "gecertificeerde instellingen" expands as "gecertificeerde instelling" and
    "uithuisplaatsingen" as "uithuisplaatsing".

    One-word keys only when they are words (6+ letters), not abbreviations; a run of words by all its stems, so
    "ministerie van J&V" does not make every "ministerie" an abbreviation.
    """
    exact = _expansions()
    table: dict[str, list[str]] = {}
    for key, forms in exact.items():
        stems = index_terms(key)
        joined = " ".join(stems)
        if (len(stems) == 1 and len(key) >= 6 and key.isalpha()) or (len(stems) > 1 and joined not in exact):
            merged = table.setdefault(joined, [])
            merged.extend(f for f in forms if f not in merged)
    return table


@per_version()
def _regio_names() -> dict[str, str]:
    """A region's name or alias, normalised -> its canonical name."""
    return {normaliseer(form): r.naam for r in load_taxonomie().regios for form in (r.naam, *r.aliassen)}


@per_version()
def _abbreviations() -> frozenset[str]:
    """Every abbreviation of the taxonomy, folded (GI, GI's, RvdK, MDA++, V-GGZ, ...)."""
    tax = load_taxonomie()
    return frozenset(fold(a) for c in (*tax.organisaties, *tax.afkortingen) for a in c.afkortingen)


@per_version()
def _vraagstuk_keys() -> dict[str, str]:
    """A vraagstuk's name (id words, label) stemmed -> its id, so a query naming it also finds its tagged passages.

    Only names, not every signal term: "kwaliteitskader werken aan veiligheid" signals lokale teams, but a
    query for it should not pull in every passage about lokale teams.
    """
    keys: dict[str, str] = {}
    for concept in load_taxonomie().vraagstukken:
        label = re.sub(r"\([^)]*\)", " ", concept.label)
        for phrase in (concept.id.replace("-", " "), concept.label, label):
            key = " ".join(index_terms(phrase))
            if key:
                keys.setdefault(key, concept.id)
    return keys
