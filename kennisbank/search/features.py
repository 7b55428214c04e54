"""The signs that a candidate passage answers the query, as numbers the re-ranker weighs.

Each feature is computed from the passage's own words (passage.PassageTerms: as the index stored them, see
passage.stored_terms) and the index's statistics, so it does not depend on which engine found the passage, and
costs the same for every candidate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from kennisbank.search.concepts import (
    Concept,
    QueryConcepts,
    derived_positions,
    joined_positions,
    part_positions,
    parts_present,
    phrase_positions,
    positions,
)
from kennisbank.search.passage import PassageTerms, passage_terms

K1, B = 0.9, 0.4  # BM25 for short passages
FEEDBACK_PASSAGES, FEEDBACK_WORDS = 10, 30  # relevance feedback: words taken from the best stage-1 passages
FEATURES = ("bm25_text", "bm25_parts", "bm25_derived", "split_parts", "coverage", "all_concepts", "sentence",
            "section", "title", "proximity", "phrase", "joined", "feedback", "thema_tag", "regio", "definition",
            "spelled_out", "length", "first_match", "stage1")
SCALED = ("bm25_text", "bm25_parts", "bm25_derived", "length")  # unbounded: divided by the query's best candidate
BASE = "coverage"  # the feature the model keeps when its fitted weights are pulled to zero


@dataclass(frozen=True)
class Stats:
    """What the index says about the query: passages in all, their mean length, and each concept's idf."""

    doc_count: int
    mean_length: float
    idf: tuple[float, ...]
    part_idf: dict[str, float]  # a query compound's part -> its idf (as a word or inside other compounds)
    feedback: dict[str, float] = field(default_factory=dict)  # words of the best stage-1 passages -> weight

    @classmethod
    def of(cls, concepts: QueryConcepts, doc_count: int, mean_length: float, frequency) -> Stats:
        """Stats for the concepts; `frequency(field, term)` is the number of passages holding the term."""
        def idf(df: int) -> float:
            return math.log(1 + (doc_count - df + 0.5) / (df + 0.5))
        concept_idf = []
        for c in concepts.concepts:
            stems = [f.stems for f in c.forms] or [c.exact]
            df = max((min((frequency("text", s) for s in run), default=0) for run in stems), default=0)
            concept_idf.append(idf(max(df, _tagged(c, frequency))))
        parts = {p for c in concepts.concepts for p in c.parts}
        part_idf = {p: idf(max(frequency("text", p), frequency("parts", p))) for p in parts}
        return cls(doc_count, max(mean_length, 1.0), tuple(concept_idf), part_idf)

    def with_feedback(self, hits: list[Any], texts: list[PassageTerms], query: QueryConcepts, frequency) -> Stats:
        """These stats plus the words that mark the best stage-1 passages (relevance feedback, RM1 weighted by
        idf): what the passages that match the query best talk about, beyond the query's own words. `texts`: the
        hits' analysed words, in the same order."""
        own = {s for c in query.concepts for f in c.forms for s in f.stems} | set(query.sequence)
        top = [(h, t) for h, t in zip(hits[:FEEDBACK_PASSAGES], texts) if (h.score or 0) > 0]
        mass = sum(float(h.score) for h, _ in top) or 1.0
        weights: dict[str, float] = {}
        for hit, terms in top:
            for stem in set(terms.stems) - own:
                weights[stem] = weights.get(stem, 0.0) + terms.stems.count(stem) / terms.length * hit.score / mass
        for stem in weights:
            df = frequency("text", stem)
            weights[stem] *= math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))
        best = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:FEEDBACK_WORDS])
        return replace(self, feedback=best)


def _tagged(concept: Concept, frequency) -> int:
    """How many passages hold a concept by their tags alone: a region's passages, a vraagstuk's passages (the
    concept is present in all of them, so it tells them apart no better than that)."""
    if concept.regio:
        return max(frequency("passage_regio", concept.regio), frequency("document_regio", concept.regio))
    return frequency("thema", concept.thema) if concept.thema else 0


def features(query: QueryConcepts, stats: Stats, hit: Any, text: PassageTerms, best_stage1: float) -> dict[str, float]:
    """The feature values of one candidate passage (an index.Hit) whose text has these analysed words."""
    section = passage_terms(hit.get("section") or "")
    title = passage_terms(hit.get("title") or "")
    strong = [positions(c, text) for c in query.concepts]
    parts = [part_positions(c, text) if not where else [] for c, where in zip(query.concepts, strong)]
    derived = [derived_positions(c, text) if not where else [] for c, where in zip(query.concepts, strong)]
    split = [parts_present(c, text, stats.part_idf) if not where else 0.0
             for c, where in zip(query.concepts, strong)]
    in_section = [bool(positions(c, section) or part_positions(c, section)) for c in query.concepts]
    in_title = [bool(positions(c, title)) for c in query.concepts]
    idf, total = stats.idf, sum(stats.idf) or 1.0
    norm = K1 * (1 - B + B * text.length / stats.mean_length)
    regios = set((hit.get("passage_regio") or "").split(",")) | {hit.get("document_regio")}
    themas = set((hit.get("thema") or "").split(","))
    present = [bool(s or p or d or sp >= 1.0 or sec or c.regio in regios or c.thema in themas)
               for c, s, p, d, sp, sec in zip(query.concepts, strong, parts, derived, split, in_section)]
    out = {
        "bm25_text": sum(w * _saturate(len(s), norm) for w, s in zip(idf, strong)),
        "bm25_parts": sum(w * _saturate(len(p), norm) for w, p in zip(idf, parts)),
        "bm25_derived": sum(w * _saturate(len(d), norm) for w, d in zip(idf, derived)),
        "split_parts": sum(w * sp for w, sp in zip(idf, split)) / total,
        "coverage": sum(w for w, ok in zip(idf, present) if ok) / total,
        "all_concepts": float(all(present)) if present else 0.0,
        "sentence": _best_sentence(text, idf, [s or p or d for s, p, d in zip(strong, parts, derived)]) / total,
        "section": sum(w for w, ok in zip(idf, in_section) if ok) / total,
        "title": sum(w for w, ok in zip(idf, in_title) if ok) / total,
        "proximity": _proximity([s for s in strong if s]),
        "phrase": float(len(query.sequence) > 1 and bool(phrase_positions(query.sequence, text, gap=1))),
        "feedback": sum(w for t, w in stats.feedback.items() if t in text.where) / (sum(stats.feedback.values()) or 1),
        "joined": sum(bool(joined_positions(p, text)) for p in query.pairs) / len(query.pairs) if query.pairs else 0.0,
        "thema_tag": float(bool(query.themas & themas)),
        "regio": float(bool(query.regios & regios)),
        "definition": float(any(phrase_positions(d, text, gap=1) for c in query.concepts for d in c.definitions)),
        "spelled_out": float(any(phrase_positions(f.stems, text) for c in query.concepts for f in c.forms
                                 if f.spelled_out)),
        "length": math.log1p(text.length) / 6,
        "first_match": _first(strong, text.length),
        "stage1": float(hit.score or 0) / best_stage1 if best_stage1 > 0 else 0.0,
    }
    return out


def per_query(values: list[dict[str, float]]) -> list[dict[str, float]]:
    """The candidates' features with the unbounded ones divided by the largest among them, so that a weight
    means the same on a collection of short web pages as on one of long plans.

    >>> per_query([{"bm25_text": 2.0, "coverage": 1.0}, {"bm25_text": 1.0, "coverage": 0.5}])
    [{'bm25_text': 1.0, 'coverage': 1.0}, {'bm25_text': 0.5, 'coverage': 0.5}]
    """
    top = {name: max((v.get(name, 0.0) for v in values), default=0.0) for name in SCALED}
    return [{name: value / top[name] if top.get(name) else value for name, value in v.items()} for v in values]


def _best_sentence(text: PassageTerms, idf: tuple[float, ...], found: list[list[int]]) -> float:
    """The idf of the concepts that the one sentence holding most of them holds.

    >>> from kennisbank.search.passage import PassageTerms, passage_terms
    >>> _best_sentence(passage_terms("Eerst gezin. Dan team en keten."), (1.0, 2.0, 4.0), [[1], [2], [3]])
    6.0
    """
    per_sentence: dict[int, set[int]] = {}
    for k, where in enumerate(found):
        for pos in where:
            per_sentence.setdefault(text.sentences[pos], set()).add(k)
    return max((sum(idf[k] for k in ks) for ks in per_sentence.values()), default=0.0)


def _saturate(tf: int, norm: float) -> float:
    """BM25's term-frequency part: tf (k1 + 1) / (tf + norm)."""
    return tf * (K1 + 1) / (tf + norm) if tf else 0.0


def _proximity(found: list[list[int]]) -> float:
    """How closely the concepts found stand together: 1 when side by side, less as the shortest window that holds
    one of each grows; 0 with fewer than two.

    >>> _proximity([[3], [4]]), _proximity([[0, 20], [25]]), _proximity([[1]])
    (1.0, 0.2, 0.0)
    """
    if len(found) < 2:
        return 0.0
    events = sorted((p, k) for k, where in enumerate(found) for p in where)
    latest: dict[int, int] = {}
    best = math.inf
    for pos, k in events:
        latest[k] = pos
        if len(latest) == len(found):
            best = min(best, pos - min(latest.values()))
    if best == math.inf:
        return 0.0
    return 1.0 if best == 0 else min(1.0, (len(found) - 1) / best)


def _first(strong: list[list[int]], length: int) -> float:
    """1 when a concept opens the passage, falling to 0 towards its end (0 without a match)."""
    first = min((w[0] for w in strong if w), default=None)
    return 0.0 if first is None or not length else 1 - first / length
