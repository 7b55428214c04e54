"""The search engine a CLI run or a web worker keeps: one open index, searches with snippets and facets."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kennisbank import index, taxonomie
from kennisbank.config import DataDir
from kennisbank.index.query import Every, Node
from kennisbank.search import highlight, rank, rerank
from kennisbank.search.analyse import AnalysedQuery, analyse
from kennisbank.search.concepts import QueryConcepts, query_concepts
from kennisbank.search.facets import FACET_FIELDS, facet_counts
from kennisbank.search.features import FEATURES, Stats, matrix, per_query
from kennisbank.search.filters import filter_query
from kennisbank.search.passage import PassageTerms, stored_terms
from kennisbank.search.plan import QueryPlan, plan
from kennisbank.search.query import ParsedQuery, parse
from kennisbank.search.spelling import suggest

log = logging.getLogger(__name__)

STAGE1_DEPTH = 200  # candidates that stage 1 passes to the re-ranker
ENOUGH = 10  # a first page: fewer passages than this with the query's own words are topped up with weaker ones


class Engine:
    """Searches one data dir; reopens the index when a writer has committed since.

    `read_terms` gives a candidate's analysed words to stage 2: as the index stored them (the default), or
    passage.text_terms to analyse its text again (what the stored words must equal; for tests and the bench).
    """

    def __init__(self, data: DataDir, read_terms: Callable[[Any], PassageTerms] = stored_terms):
        self.data = data
        self.read_terms = read_terms
        self._index = index.OpenIndex(data)

    def searcher(self) -> index.Searcher:
        """An up-to-date searcher (cheap when nothing changed)."""
        return self._index.searcher()

    @property
    def is_open(self) -> bool:
        """Whether the index is open (read since the last close)."""
        return self._index.is_open

    def close(self) -> None:
        """Release the open searcher."""
        self._index.close()

    @taxonomie.with_data_layer
    def search(self, text: str, limit: int = 10, offset: int = 0, filters: dict | None = None,
               explain: bool = False, facets: bool = True) -> dict:
        """Search passages; the answer has the shape of `kennisbank search --json`."""
        parsed = parse(text)
        _drop_repeats(parsed)
        for field, values in (filters or {}).items():
            if wanted := [v for v in values if v]:  # an empty filter (a blank form field) filters nothing
                parsed.filters.setdefault(field, []).extend(wanted)
        answer = {"query": text, "total": 0, "hits": [], "suggestion": None, "facets": {}, "notes": parsed.notes}
        if not index.exists(self.data) and not index.expected(self.data):
            answer["notes"].append("de index is nog leeg: voeg eerst documenten toe")
            return answer
        s = self.searcher()  # IndexDamagedError when the index is damaged or missing while documents exist
        fq, filter_notes = filter_query(parsed.filters)
        answer["notes"].extend(filter_notes)
        analysed = analyse(parsed, known=_known(s))
        typed = plan(analysed)
        if typed.loose is None and fq is None:
            if any(c.words for c in parsed.clauses):
                answer["notes"].append("de zoekvraag bevat alleen stopwoorden; gebruik inhoudelijke woorden")
            else:
                answer["notes"].append("de zoekvraag bevat geen woorden om op te zoeken")
            return answer
        answer["suggestion"], searched, analysed = _corrected(s, parsed, analysed, typed)
        found = self.candidates(s, searched, analysed, fq, max(STAGE1_DEPTH, offset + limit))
        ranked = rank.cap_sections(found.ranked())
        fill = [hit for hit in ranked if not found.holds(hit)]  # topping up a short first page
        answer["total"] = max(s.count(found.matched, fq) + len(fill), len(ranked))  # counted exactly, not scored
        if facets:
            counted = s.facets(found.matched, fq, tuple(FACET_FIELDS.values()))
            answer["facets"] = facet_counts(_with_values(counted, fill))
        marks = highlight.Marks.of(searched)
        for hit in ranked[offset:offset + limit]:
            answer["hits"].append(_hit(hit, marks, found.explain(hit) if explain else None, not found.holds(hit)))
        return answer

    def found(self, text: str, depth: int = STAGE1_DEPTH) -> Found:
        """Stage 1 of a query with its filters, as search runs it (for measuring the ranking)."""
        parsed = parse(text)
        _drop_repeats(parsed)
        s = self.searcher()
        fq, _ = filter_query(parsed.filters)
        analysed = analyse(parsed, known=_known(s))
        _, searched, analysed = _corrected(s, parsed, analysed, plan(analysed))
        return self.candidates(s, searched, analysed, fq, depth)

    def candidates(self, s: index.Searcher, searched: QueryPlan, analysed: AnalysedQuery, fq: Node | None,
                   depth: int = STAGE1_DEPTH) -> Found:
        """Stage 1: the best `depth` passages for any form of any concept (BM25F), with their features."""
        loose = searched.loose
        hits = s.search(loose or Every(), filter=fq, limit=depth)
        query = query_concepts(analysed)
        matched = searched.matched or Every()
        own = s.matching(matched, fq, hits)
        if loose is None or not query.concepts:
            return Found(hits, query, None, matched, own)
        texts = [self.read_terms(h) for h in hits]
        stats = Stats.of(query, s.doc_count(), s.mean_length("text"), s.doc_frequency)
        stats = stats.with_feedback(hits, texts, query, s.doc_frequency)
        best = max((float(h.score or 0) for h in hits), default=0.0)
        return Found(hits, query, per_query(matrix(query, stats, hits, texts, best)), matched, own)


def _corrected(s: index.Searcher, parsed: ParsedQuery, analysed: AnalysedQuery,
               typed: QueryPlan) -> tuple[str | None, QueryPlan, AnalysedQuery]:
    """The suggestion to show, the plan to search and the analysed query the candidates are weighed against: the
    typed ones, or their spelling correction when the index cannot find a word in any form (the typed plan then
    adds nothing but counts the other words twice, so a typo would rank otherwise than the word it meant)."""
    suggestion, corrected_words = suggest(s, analysed)
    if corrected_words is None:
        return suggestion, typed, analysed
    corrected = analyse(parsed, words_override=corrected_words, known=_known(s))
    return suggestion, plan(corrected), corrected


def _with_values(counted: dict[str, dict[Any, int]], hits: list[Any]) -> dict[str, dict[Any, int]]:
    """Facet counts with the values of these hits added (index field -> value -> passages)."""
    for hit in hits:
        for field, counts in counted.items():
            value = hit.get(field)
            values = [v for v in value.split(",") if v] if field in index.TAG_FIELDS else [value]
            for v in values:
                counts[v] = counts.get(v, 0) + 1
    return counted


def _known(s: index.Searcher):
    """Whether the index holds a stem in its text field (for derived words worth searching)."""
    return lambda stem: s.doc_frequency("text", stem) > 0


def _drop_repeats(parsed: ParsedQuery) -> None:
    """Search a word once per clause: repeats add nothing but each costs its expansions (30 made a second)."""
    for clause in parsed.clauses:
        seen: set[str] = set()
        unique = [w for w in clause.words if not (w.lower() in seen or seen.add(w.lower()))]
        if len(unique) < len(clause.words):
            clause.words = unique
            if "herhaalde woorden één keer gezocht" not in parsed.notes:
                parsed.notes.append("herhaalde woorden één keer gezocht")


def _hit(hit: Any, marks: highlight.Marks, explained: dict[str, float] | None, weak: bool = False) -> dict:
    """One hit as JSON; `weak` for a hit found only through compound parts or derived words."""
    text = hit["text"]
    matches = marks.matches(text, hit.get("tags"), weak)
    out = {
        "document_id": hit["document_id"], "title": hit["title"], "type": hit["type"],
        "region": hit["document_regio"], "date": hit["date"], "page": hit["page"], "section": hit["section"],
        "text": text, "snippet": highlight.snippet(text, matches), "score": round(float(hit.score or 0), 4),
        "position": hit["position"], "regio": [r for r in hit["passage_regio"].split(",") if r],
        "werkend": bool(hit.get("werkend")), "ocr": bool(hit.get("ocr")),
    }
    if explained is not None:
        forms: dict[str, set[str]] = {}
        for m in matches:
            forms.setdefault(m.term, set()).add(m.surface)
        out["explain"] = {term: sorted(v) for term, v in sorted(forms.items())}
        out["tags"] = json.loads(hit.get("tags") or "{}")
        out["features"] = {name: round(value, 4) for name, value in explained.items()}
    return out


@dataclass
class Found:
    """Stage 1's candidates with their features; stage 2 orders them by the fitted model."""

    hits: list[Any]
    query: QueryConcepts
    matrix: np.ndarray | None  # candidates × FEATURES; None when there is nothing to weigh
    matched: Node  # the passages holding a concept in its own forms
    own: set[int]  # which candidates (by number) matched holds

    def ranked(self, model: rerank.Model | None = None) -> list[Any]:
        """The passages found, best first: those holding a concept in its own forms, then (to fill a first page
        when there are fewer than ENOUGH of those) the best holding only its parts or related words."""
        if self.matrix is None:
            return list(self.hits)
        ordered = (model or rerank.load()).order(self.hits, self.matrix)
        own = [hit for hit in ordered if self.holds(hit)]
        return own + [hit for hit in ordered if not self.holds(hit)][:max(0, ENOUGH - len(own))]

    def holds(self, hit: Any) -> bool:
        """Whether a hit holds a concept of the query in its own forms."""
        return hit.docnum in self.own

    @property
    def values(self) -> list[dict[str, float]]:
        """Each candidate's features by name."""
        return [] if self.matrix is None else [dict(zip(FEATURES, row)) for row in self.matrix.tolist()]

    def explain(self, hit: Any) -> dict[str, float]:
        """Each feature's contribution to a hit's score."""
        if self.matrix is None:
            return {}
        at = next(i for i, h in enumerate(self.hits) if h is hit)
        return rerank.load().contributions(self.values[at])
