"""The search engine a CLI run or a web worker keeps: one open index, searches with snippets and facets."""
from __future__ import annotations

import json
import logging
from typing import Any

from kennisbank import index, taxonomie
from kennisbank.config import DataDir
from kennisbank.index.query import Every, Node, Or
from kennisbank.search import highlight, rank
from kennisbank.search.analyse import analyse
from kennisbank.search.facets import FACET_FIELDS, facet_counts
from kennisbank.search.filters import filter_query
from kennisbank.search.plan import QueryPlan, plan
from kennisbank.search.query import ParsedQuery, parse
from kennisbank.search.spelling import suggest

log = logging.getLogger(__name__)

FEW_HITS = 5  # below this many hits with every word a spelling correction is searched first


class Engine:
    """Searches one data dir; reopens the index when a writer has committed since."""

    def __init__(self, data: DataDir):
        self.data = data
        self._index = index.OpenIndex(data)

    def searcher(self) -> index.Searcher:
        """An up-to-date searcher (cheap when nothing changed)."""
        return self._index.searcher()

    def docsets(self) -> Any:
        """Bitsets of matching passages for the current searcher (counts and facets without scoring)."""
        return self.searcher().docsets()

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
        analysed = analyse(parsed)
        typed = plan(analysed)
        if typed.loose is None and fq is None:
            if any(c.words for c in parsed.clauses):
                answer["notes"].append("de zoekvraag bevat alleen stopwoorden; gebruik inhoudelijke woorden")
            else:
                answer["notes"].append("de zoekvraag bevat geen woorden om op te zoeken")
            return answer
        answer["suggestion"], corrected_words = suggest(s, analysed)
        variants = [typed]  # the typed query, and its spelling correction when a word is not in the index
        if corrected_words is not None:
            corrected = plan(analyse(parsed, words_override=corrected_words))
            few = self._count(s, typed.all_concepts, fq) < FEW_HITS
            variants = [corrected, typed] if few else [typed, corrected]
        ranked = self._ranked(s, variants, fq, offset + limit)
        sets = s.docsets()
        total_q = Or([v.loose for v in variants if v.loose]) if any(v.loose for v in variants) else Every()
        matched = sets.query(total_q) & sets.query(fq)  # counted and faceted from bitsets, without scoring
        answer["total"] = max(matched.bit_count(), len(ranked))
        if facets:
            answer["facets"] = facet_counts(sets.facet_counts(matched, tuple(FACET_FIELDS.values())))
        marks = highlight.Marks.of(variants)
        for hit in ranked[offset:offset + limit]:
            answer["hits"].append(_hit(hit, marks, explain))
        return answer

    @staticmethod
    def _ranked(s: index.Searcher, variants: list[QueryPlan], fq: Node | None, want: int) -> list[Any]:
        """Each variant's strict, partial and loose hits in turn, spread over documents, capped per section."""
        groups: list[list[Any]] = []
        seen: set[int] = set()
        for variant in variants:
            for q in (variant.strict, *variant.partial, variant.loose):
                if q is None and fq is None:
                    continue
                if rank.settled([hit for group in groups for hit in group], want):
                    continue  # the places asked for can no longer change: skip the (costlier) later searches
                groups.append(rank.spread(_unseen(s.search(q or Every(), filter=fq, limit=want * 3 + 20), seen)))
        return rank.cap_sections([hit for group in groups for hit in group])

    @staticmethod
    def _count(s: index.Searcher, q: Node | None, fq: Node | None) -> int:
        """How many passages a query finds."""
        sets = s.docsets()
        return 0 if q is None else sets.count(q, sets.query(fq))


def _unseen(hits: list[Any], seen: set[int]) -> list[Any]:
    """The hits not already ranked by an earlier query (and now marked as seen)."""
    fresh = []
    for hit in hits:
        if hit.docnum not in seen:
            seen.add(hit.docnum)
            fresh.append(hit)
    return fresh


def _drop_repeats(parsed: ParsedQuery) -> None:
    """Search a word once per clause: repeats add nothing but each costs its expansions (30 made a second)."""
    for clause in parsed.clauses:
        seen: set[str] = set()
        unique = [w for w in clause.words if not (w.lower() in seen or seen.add(w.lower()))]
        if len(unique) < len(clause.words):
            clause.words = unique
            if "herhaalde woorden één keer gezocht" not in parsed.notes:
                parsed.notes.append("herhaalde woorden één keer gezocht")


def _hit(hit: Any, marks: highlight.Marks, explain: bool) -> dict:
    """One hit as JSON."""
    text = hit["text"]
    matches = marks.matches(text, hit.get("tags"))
    out = {
        "document_id": hit["document_id"], "title": hit["title"], "type": hit["type"],
        "region": hit["document_regio"], "date": hit["date"], "page": hit["page"], "section": hit["section"],
        "text": text, "snippet": highlight.snippet(text, matches), "score": round(float(hit.score or 0), 4),
        "position": hit["position"], "regio": [r for r in hit["passage_regio"].split(",") if r],
        "werkend": bool(hit.get("werkend")), "ocr": bool(hit.get("ocr")),
    }
    if explain:
        forms: dict[str, set[str]] = {}
        for m in matches:
            forms.setdefault(m.term, set()).add(m.surface)
        out["explain"] = {term: sorted(v) for term, v in sorted(forms.items())}
        out["tags"] = json.loads(hit.get("tags") or "{}")
    return out
