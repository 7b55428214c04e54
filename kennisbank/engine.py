"""The search engine a CLI run or a web worker keeps: one open index, searches with snippets and facets."""
from __future__ import annotations

import json
import logging
import os
from typing import Any

from whoosh import query as Q
from whoosh import scoring

from kennisbank import analysis, highlight, index, rank
from kennisbank.config import DataDir
from kennisbank.docsets import DocSets
from kennisbank.query import parse
from kennisbank.filters import filter_query
from kennisbank.search import FACET_FIELDS, Built, build

log = logging.getLogger(__name__)

FEW_HITS = 5  # below this many hits with every word a spelling correction is searched first
# BM25 for short passages: the usual passage-retrieval setting (k1 0.9, b 0.4) rather than whoosh's
# document-length defaults (1.2, 0.75), which punish a long passage for one clear mention.
K1, B = 0.9, 0.4


class Engine:
    """Searches one data dir; reopens the index when a writer has committed since."""

    def __init__(self, data: DataDir):
        self.data = data
        self._ix: Any = None
        self._searcher: Any = None
        self._docsets: DocSets | None = None
        self._folder = ""  # the index generation the searcher reads (reindex switches data/index to a new one)

    def searcher(self) -> Any:
        """An up-to-date searcher (cheap when nothing changed)."""
        folder = os.path.realpath(self.data.index)
        try:
            fresh = self._ix is not None and folder == self._folder and self._searcher.up_to_date()
        except Exception:  # the generation folder went away under us
            fresh = False
        if not fresh:
            # Never whoosh's refresh(): whoosh-reloaded 2.7.5 reuses a segment's reader with its old deletions
            # and keeps segments that a merge or a reindex replaced, so removed passages stay and others double.
            self._open(folder)
        return self._searcher

    def _open(self, folder: str) -> None:
        """Open the active index afresh."""
        self.close()
        self._ix = index.open_index(self.data, create=False)
        self._searcher = self._ix.searcher(weighting=scoring.BM25F(B=B, K1=K1))
        self._folder = folder

    def close(self) -> None:
        """Release the open searcher."""
        if self._searcher is not None:
            self._searcher.close()
        self._ix = self._searcher = self._docsets = None

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
        built = build(parsed)
        if built.loose is None and fq is None:
            if any(c.words for c in parsed.clauses):
                answer["notes"].append("de zoekvraag bevat alleen stopwoorden; gebruik inhoudelijke woorden")
            else:
                answer["notes"].append("de zoekvraag bevat geen woorden om op te zoeken")
            return answer
        suggestion, corrected = self._suggest(s, parsed)
        answer["suggestion"] = suggestion
        want = offset + limit
        groups: list[list[Any]] = []
        seen: set[int] = set()
        plans = [built]
        if corrected is not None:
            plans = [corrected, built] if self._count(built.every, fq) < FEW_HITS else [built, corrected]
        for plan in plans:
            for q in (plan.strict, *plan.partial, plan.loose):
                if q is None and fq is None:
                    continue
                if rank.settled([hit for group in groups for hit in group], want):
                    continue  # the places asked for can no longer change: skip the (costlier) later searches
                groups.append(rank.spread(self._collect(s, q or Q.Every(), fq, want * 3 + 20, seen)))
        ranked = rank.cap_sections([hit for group in groups for hit in group])
        total_q = Q.Or([p.loose for p in plans if p.loose]) if any(p.loose for p in plans) else Q.Every()
        sets = self.docsets()
        matched = sets.query(total_q) & sets.query(fq)  # counted and faceted from bitsets, without scoring
        answer["total"] = max(matched.bit_count(), len(ranked))
        if facets:
            answer["facets"] = _facet_counts(sets.facet_counts(matched, FACET_FIELDS))
        marks = highlight.Marks.of(plans)
        for hit in ranked[offset:want]:
            answer["hits"].append(_hit(hit, marks, explain))
        return answer

    def _count(self, q: Q.Query | None, fq: Q.Query | None) -> int:
        """How many passages a query finds."""
        sets = self.docsets()
        return 0 if q is None else sets.count(q, sets.query(fq))

    def docsets(self) -> DocSets:
        """Bitsets of matching passages for the current searcher (counts and facets without scoring)."""
        s = self.searcher()
        if self._docsets is None or self._docsets.searcher is not s:
            self._docsets = DocSets(s)
        return self._docsets

    @staticmethod
    def _collect(s: Any, q: Q.Query, fq: Q.Query | None, limit: int, seen: set) -> list[Any]:
        """The hits of q not already ranked by an earlier query."""
        fresh = []
        for hit in s.search(q, filter=fq, limit=limit):
            if hit.docnum not in seen:
                seen.add(hit.docnum)
                fresh.append(hit)
        return fresh

    def _suggest(self, s: Any, parsed) -> tuple[str | None, Built | None]:
        """A suggestion when a word is not in the vocabulary, and the corrected query to search when the index
        cannot find a word at all (a slip in a word it finds by its stem, "voorkommen", is only pointed out)."""
        searched = suggested = False
        new_clauses, search_clauses = [], []
        for clause in parsed.clauses:
            words, search_words = [], []
            for word in clause.words:
                fix, search_it = _correction(s, word)
                words.append(fix or word)
                search_words.append(fix if search_it else word)
                suggested, searched = suggested or bool(fix), searched or search_it
            new_clauses.append(words)
            search_clauses.append(search_words)
        if not suggested:
            return None, None
        suggestion = " ".join(" ".join(w) for w in new_clauses)
        return suggestion, build(parsed, words_override=search_clauses) if searched else None


def _drop_repeats(parsed) -> None:
    """Search a word once per clause: repeats add nothing but each costs its expansions (30 made a second)."""
    for clause in parsed.clauses:
        seen: set[str] = set()
        unique = [w for w in clause.words if not (w.lower() in seen or seen.add(w.lower()))]
        if len(unique) < len(clause.words):
            clause.words = unique
            if "herhaalde woorden één keer gezocht" not in parsed.notes:
                parsed.notes.append("herhaalde woorden één keer gezocht")


def _correction(s: Any, word: str) -> tuple[str | None, bool]:
    """The vocabulary word to suggest for a query word (None when it is fine), and whether to search it instead."""
    folded = analysis.fold(word)
    if len(folded) < 4 or not folded.isalpha() or analysis.is_stopword(word) or s.doc_frequency("exact", folded):
        return None, False
    if not _known(s, folded):
        fix = _closest(s, folded)
        return fix, fix is not None
    return _slip(s, folded), False


def _known(s: Any, word: str) -> bool:
    """Whether the index can find a word it does not hold as written: by its stem, or (a compound) by its parts."""
    forms = analysis.query_forms(word)
    return bool(s.doc_frequency("text", forms.stem)) or bool(
        forms.parts and all(s.doc_frequency("text", p) or s.doc_frequency("parts", p) for p in forms.parts))


def _closest(s: Any, word: str) -> str | None:
    """The most frequent vocabulary word within edit distance 1, else 2, sharing the first letter."""
    reader = s.reader()
    for dist in (1, 2):
        candidates = [w for w in reader.terms_within("exact", word, dist, prefix=1) if w != word]
        if candidates:
            return max(candidates, key=lambda w: (s.doc_frequency("exact", w), w))
    return None


def _slip(s: Any, word: str) -> str | None:
    """A vocabulary word one edit away with the same stem, differing before its last letters: a typing slip
    ("voorkommen" for voorkomen) rather than another form of the word ("beschermingstafels", "betrek")."""
    stem = analysis.query_forms(word).stem
    for other in sorted(s.reader().terms_within("exact", word, 1, prefix=1)):
        if other != word and analysis.query_forms(other).stem == stem and \
                len(os.path.commonprefix([word, other])) < min(len(word), len(other)) - 1:
            return other
    return None


def _facet_counts(counted: dict[str, dict[Any, int]]) -> dict[str, dict[str, int]]:
    """Value -> count per facet, largest first."""
    out: dict[str, dict[str, int]] = {}
    for name in FACET_FIELDS:
        groups = counted[name]
        counts = {_facet_label(k): v for k, v in groups.items() if k not in (None, "", b"")}
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _facet_label(key: Any) -> str:
    """A facet value as people read it (whoosh gives booleans as True/'t' and False/'f').

    >>> _facet_label(True), _facet_label("f"), _facet_label("Zeeland")
    ('ja', 'nee', 'Zeeland')
    """
    if key in (True, "t", b"t"):
        return "ja"
    if key in (False, "f", b"f"):
        return "nee"
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)


def _hit(hit: Any, marks: highlight.Marks, explain: bool) -> dict:
    """One hit as JSON."""
    text = hit["text"]
    matches = marks.matches(text, hit.get("tags"))
    out = {
        "document_id": hit["document_id"], "title": hit["title"], "type": hit["type"],
        "region": hit["region"], "date": hit["date"], "page": hit["page"], "section": hit["section"],
        "text": text, "snippet": highlight.snippet(text, matches), "score": round(float(hit.score or 0), 4),
        "position": hit["position"], "regio": [r for r in hit["regio"].split(",") if r],
        "werkend": bool(hit.get("werkend")), "ocr": bool(hit.get("ocr")),
    }
    if explain:
        forms: dict[str, set[str]] = {}
        for m in matches:
            forms.setdefault(m.term, set()).add(m.surface)
        out["explain"] = {term: sorted(v) for term, v in sorted(forms.items())}
        out["tags"] = json.loads(hit.get("tags") or "{}")
    return out
