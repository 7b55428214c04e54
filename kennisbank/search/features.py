"""The signs that a candidate passage answers the query, as numbers the re-ranker weighs.

Each feature is computed from the passage's own words (passage.PassageTerms: as the index stored them, see
passage.stored_terms) and the index's statistics, so it does not depend on which engine found the passage, and
costs the same for every candidate. All candidates of a query are computed at once, as arrays over their words
(batch.Batch): a matrix of candidates × FEATURES.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from kennisbank.search.batch import Batch
from kennisbank.search.concepts import (
    PHRASE_GAP,
    Concept,
    QueryConcepts,
    derived_count,
    derived_positions,
    joined_positions,
    part_positions,
    parts_present,
    positions,
    stems,
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
            counted = Counter(terms.stems)
            for stem in set(terms.stems) - own:
                weights[stem] = weights.get(stem, 0.0) + counted[stem] / terms.length * hit.score / mass
        for stem in weights:
            df = frequency("text", stem)
            weights[stem] *= math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))
        best = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:FEEDBACK_WORDS])  # ties by word
        return replace(self, feedback=best)


def _tagged(concept: Concept, frequency) -> int:
    """How many passages hold a concept by their tags alone: a region's passages, a vraagstuk's passages (the
    concept is present in all of them, so it tells them apart no better than that)."""
    if concept.regio:
        return max(frequency("passage_regio", concept.regio), frequency("document_regio", concept.regio))
    return frequency("thema", concept.thema) if concept.thema else 0


def matrix(query: QueryConcepts, stats: Stats, hits: list[Any], texts: list[PassageTerms],
           best_stage1: float) -> np.ndarray:
    """The candidates × FEATURES matrix of the candidate passages (index.Hit) whose texts have these analysed
    words, as stage 2 weighs them; the unbounded features still unscaled (see per_query)."""
    n, k = len(hits), len(query.concepts)
    if not n:
        return np.zeros((0, len(FEATURES)))
    sections, titles = _distinct(h.get("section") or "" for h in hits), _distinct(h.get("title") or "" for h in hits)
    batch = Batch.of([*texts, *map(passage_terms, sections), *map(passage_terms, titles)],
                     stems(query) | set(stats.feedback))
    in_section_of = np.array([sections[h.get("section") or ""] for h in hits], dtype=np.int64) + n
    in_title_of = np.array([titles[h.get("title") or ""] for h in hits], dtype=np.int64) + n + len(sections)
    strong = [positions(c, batch) for c in query.concepts]
    in_parts = [part_positions(c, batch) for c in query.concepts]
    related = [derived_positions(c, batch) for c in query.concepts]
    strong_n = np.array([batch.count(w) for w in strong]).reshape(k, -1)
    parts_n = np.array([batch.count(w) for w in in_parts]).reshape(k, -1)
    none = strong_n[:, :n] == 0  # parts and related words count only for a concept not found in full
    parts = np.where(none, parts_n[:, :n], 0)
    derived = np.where(none, np.array([derived_count(c, batch)[:n] for c in query.concepts]).reshape(k, n), 0)
    split = np.where(none, np.array([parts_present(c, batch, stats.part_idf)[:n]
                                     for c in query.concepts]).reshape(k, n), 0.0)
    in_section = (strong_n[:, in_section_of] > 0) | (parts_n[:, in_section_of] > 0)
    in_title = strong_n[:, in_title_of] > 0
    tags = [_tags(h) for h in hits]
    tagged = np.array([[c.regio in regios or c.thema in themas for c in query.concepts]
                       for regios, themas in tags], dtype=bool).reshape(n, k).T
    present = ~none | (parts > 0) | (derived > 0) | (split >= 1.0) | in_section | tagged
    idf, total = np.array(stats.idf).reshape(k, 1), sum(stats.idf) or 1.0
    length = batch.lengths[:n]
    norm = K1 * (1 - B + B * length / stats.mean_length)
    found = _found(batch, strong, in_parts, related, none, parts, n)
    first = _first_of(batch, strong, n)
    out = {
        "bm25_text": _weighted(idf, _saturate(strong_n[:, :n], norm)),
        "bm25_parts": _weighted(idf, _saturate(parts, norm)),
        "bm25_derived": _weighted(idf, _saturate(derived, norm)),
        "split_parts": _weighted(idf, split) / total,
        "coverage": _weighted(idf, present) / total,
        "all_concepts": present.all(axis=0).astype(float) if k else np.zeros(n),
        "sentence": _best_sentence(batch, idf[:, 0], found, n) / total,
        "section": _weighted(idf, in_section) / total,
        "title": _weighted(idf, in_title) / total,
        "proximity": _proximity(batch, strong, ~none, n),
        "phrase": _held(batch, [query.sequence] if len(query.sequence) > 1 else [], 1, n),
        "feedback": _weighted(np.array(list(stats.feedback.values())).reshape(-1, 1),
                              np.array([batch.count(batch.word(t))[:n] > 0 for t in stats.feedback]).reshape(-1, n))
                    / (sum(stats.feedback.values()) or 1),
        "joined": (sum((batch.count(joined_positions(p, batch))[:n] > 0 for p in query.pairs), np.zeros(n))
                   / len(query.pairs)) if query.pairs else np.zeros(n),
        "thema_tag": np.array([bool(query.themas & themas) for _, themas in tags], dtype=float),
        "regio": np.array([bool(query.regios & regios) for regios, _ in tags], dtype=float),
        "definition": _held(batch, [d for c in query.concepts for d in c.definitions], 1, n),
        "spelled_out": _held(batch, [f.stems for c in query.concepts for f in c.forms if f.spelled_out],
                             PHRASE_GAP, n),
        "length": np.log1p(length) / 6,
        "first_match": np.where((first >= 0) & (length > 0), 1 - first / np.maximum(length, 1), 0.0),
        "stage1": np.array([float(h.score or 0) / best_stage1 if best_stage1 > 0 else 0.0 for h in hits]),
    }
    return np.column_stack([np.asarray(out[name], dtype=float).reshape(n) for name in FEATURES])


def per_query(values: np.ndarray, names: tuple[str, ...] = FEATURES) -> np.ndarray:
    """The candidates' features with the unbounded ones divided by the largest among them, so that a weight
    means the same on a collection of short web pages as on one of long plans.

    >>> per_query(np.array([[2.0, 1.0], [1.0, 0.5]]), ("bm25_text", "coverage")).tolist()
    [[1.0, 1.0], [0.5, 0.5]]
    """
    out = values.copy()
    for column, name in enumerate(names):
        if name in SCALED and len(out) and (top := out[:, column].max()) > 0:
            out[:, column] /= top
    return out


def _distinct(values: Iterable[str]) -> dict[str, int]:
    """Each distinct value -> its number, in order of first sight."""
    return {v: n for n, v in enumerate(dict.fromkeys(values))}


def _tags(hit: Any) -> tuple[set[str], set[str]]:
    """The regions and the vraagstukken a passage is tagged with."""
    return (set((hit.get("passage_regio") or "").split(",")) | {hit.get("document_regio")},
            set((hit.get("thema") or "").split(",")))


def _weighted(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per candidate: the sum over concepts (rows) of weight × value, added in the concepts' order."""
    out = np.zeros(values.shape[1] if values.ndim == 2 else 0)
    for w, row in zip(weights[:, 0], values):
        out = out + w * row
    return out


def _held(batch: Batch, phrases: list[tuple[str, ...]], gap: int, n: int) -> np.ndarray:
    """Per candidate: 1.0 when it holds any of these phrases."""
    found = np.zeros(batch.size, dtype=bool)
    for phrase in phrases:
        found |= batch.phrase(phrase, gap)
    return (batch.count(found)[:n] > 0).astype(float)


def _first_of(batch: Batch, strong: list[np.ndarray], n: int) -> np.ndarray:
    """Per candidate: the place of its first word where a concept stands in full, -1 when none."""
    anywhere = np.zeros(batch.size, dtype=bool)
    for where in strong:
        anywhere |= where
    return batch.first(anywhere)[:n]


def _found(batch: Batch, strong: list[np.ndarray], in_parts: list[np.ndarray], related: list[np.ndarray],
           none: np.ndarray, parts: np.ndarray, n: int) -> list[np.ndarray]:
    """Per concept, per word: where a candidate holds the concept in the strongest way it does (in full, else
    inside compounds, else as a related word)."""
    candidate, text = batch.text < n, np.minimum(batch.text, n - 1)
    return [candidate & np.where(~none[c][text], strong[c], np.where(parts[c][text] > 0, in_parts[c], related[c]))
            for c in range(len(strong))]


def _best_sentence(batch: Batch, idf: np.ndarray, found: list[np.ndarray], n: int) -> np.ndarray:
    """Per candidate: the idf of the concepts that its one sentence holding most of them holds.

    >>> from kennisbank.search.passage import passage_terms
    >>> b = Batch.of([passage_terms("Eerst gezin. Dan team en keten.")])
    >>> _best_sentence(b, np.array([1.0, 2.0, 4.0]), [b.word("gezin"), b.word("team"), b.word("keten")], 1).tolist()
    [6.0]
    """
    span = int(batch.sentence.max()) + 1 if batch.size else 1
    keys = [np.unique(batch.text[where] * span + batch.sentence[where]) for where in found]
    if not keys or not sum(map(len, keys)):
        return np.zeros(n)
    sentences, concept_of = np.unique(np.concatenate(keys), return_inverse=True)
    sums = np.bincount(concept_of, weights=np.concatenate([np.full(len(key), w) for key, w in zip(keys, idf)]))
    best = np.zeros(n)
    np.maximum.at(best, sentences // span, sums)
    return best


def _saturate(tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """BM25's term-frequency part: tf (k1 + 1) / (tf + norm), 0 where tf is.

    >>> _saturate(np.array([[0, 1]]), np.array([1.0, 0.9])).tolist()
    [[0.0, 1.0]]
    """
    return np.where(tf > 0, tf * (K1 + 1) / (tf + norm), 0.0)


def _proximity(batch: Batch, strong: list[np.ndarray], held: np.ndarray, n: int) -> np.ndarray:
    """Per candidate: how closely the concepts it holds in full stand together (see _window)."""
    out = np.zeros(n)
    for text in np.flatnonzero(held.sum(axis=0) >= 2):
        out[text] = _window([batch.places(where, text) for c, where in enumerate(strong) if held[c][text]])
    return out


def _window(found: list[list[int]]) -> float:
    """How closely the concepts found stand together: 1 when side by side, less as the shortest window that holds
    one of each grows; 0 with fewer than two.

    >>> _window([[3], [4]]), _window([[0, 20], [25]]), _window([[1]])
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
