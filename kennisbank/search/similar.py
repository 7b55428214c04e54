"""Passages like this one: a passage's (or document's) key terms, weighted by tf-idf, searched in other documents.

The key terms are the index terms of the text field (`whole_analyzer`: folded, stop words out, stemmed), each
weighted by how often the passage uses it (1 + log tf) and how rare it is in the index (log N / df). The best of
them, boosted by their weight, form one OR query over the passages of the other documents. Passages that are
the same text as the source (or as a passage already listed) are left out: a copy is not "like" it.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

from kennisbank.analysis import exact_analyzer, whole_analyzer
from kennisbank.index.fields import passage_id
from kennisbank.index.query import Or, Term
from kennisbank.search import highlight
from kennisbank.taxonomie import load as load_taxonomie
from kennisbank.taxonomie import per_version

KEY_TERMS = 25  # terms of one passage that make the query
MARKED_TERMS = 12  # the best key terms a hit shares are marked (its snippet shows where most of these stand)
DOCUMENT_KEY_TERMS = 40  # terms of a whole document
SHINGLE = 3  # words per shingle when two texts are compared
NEAR_DUPLICATE = 0.8  # share of the shorter text's shingles found in the other that makes them one text
MAX_LIMIT = 50
@per_version()
def _region_terms() -> frozenset[str]:
    """The index terms of every region's name and aliases: they say where a passage is, not what it is about."""
    names = [name for regio in load_taxonomie().regios for name in (regio.naam, *regio.aliassen)]
    return frozenset(t.text for name in names for t in whole_analyzer()(name, mode="index"))


def key_terms(searcher: Any, texts: list[str], limit: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The most telling index terms of a passage (one text) or a document (its passages), best first, with their
    tf-idf weights.

    A term that no passage outside `texts` has can find nothing, and numbers and region names say how many and
    where rather than what about: those are left out.
    """
    counts: Counter = Counter()
    own: Counter = Counter()  # in how many of the texts a term occurs: those passages are not "other" passages
    for text in texts:
        terms = [t.text for t in whole_analyzer()(text, mode="index")]
        counts.update(terms)
        own.update(set(terms))
    total = searcher.doc_count()
    weighted = []
    for term, tf in counts.items():
        if term.isdigit() or term in _region_terms():
            continue
        df = searcher.doc_frequency("text", term)
        if df <= own[term] or df >= total:
            continue
        weighted.append((term, (1 + math.log(tf)) * math.log(total / df)))
    weighted.sort(key=lambda tw: (-tw[1], tw[0]))
    return weighted[:limit]


def shingles(text: str) -> set[tuple[str, ...]]:
    """The runs of SHINGLE words of a text (folded), to compare texts word for word.

    >>> sorted(shingles("De klantreis van het Gezin"))
    [('de', 'klantreis', 'van'), ('klantreis', 'van', 'het'), ('van', 'het', 'gezin')]
    """
    words = [t.text for t in exact_analyzer()(text)]
    return {tuple(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))} if words else set()


def near_duplicate(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> bool:
    """Whether two texts (as shingles) are the same text: most of the shorter one stands in the other.

    >>> long = shingles("wij tekenen de klantreis van een gezin uit van melding tot afsluiting")
    >>> near_duplicate(long, shingles("Wij tekenen de klantreis van een gezin uit")), near_duplicate(long, set())
    (True, False)
    >>> near_duplicate(long, shingles("het lokale team tekent de klantreis van een gezin"))
    False
    """
    shorter = min(len(a), len(b))
    return shorter > 0 and len(a & b) >= NEAR_DUPLICATE * shorter


def similar_passages(searcher: Any, pid: str, limit: int = 10) -> dict | None:
    """The passages of other documents most like one passage; None when the index has no such passage."""
    source = searcher.passage(pid)
    if source is None:
        return None
    return {"passage": describe(source),
            **_like(searcher, [source["text"]], source["document_id"], KEY_TERMS, limit)}


def similar_to_document(searcher: Any, doc_id: str, limit: int = 10) -> dict | None:
    """The passages of other documents most like a whole document; None when the index has no such document."""
    passages = searcher.passages(doc_id)
    if not passages:
        return None
    return {"document_id": doc_id, "title": passages[0]["title"],
            **_like(searcher, [p["text"] for p in passages], doc_id, DOCUMENT_KEY_TERMS, limit)}


def _like(searcher: Any, texts: list[str], doc_id: str, size: int, limit: int) -> dict:
    """The key terms of texts and the best passages outside their document, copies of them or each other left out."""
    terms = key_terms(searcher, texts, size)
    if not terms:
        return {"terms": [], "hits": []}
    top = terms[0][1]
    query = Or([Term("text", term, boost=round(weight / top, 4)) for term, weight in terms])
    # The own document's passages are skipped while reading: cheaper than an exclusion over a long query.
    mine = searcher.count(Term("document_id", doc_id))
    own = [shingles(text) for text in texts]
    kept: list[set] = []
    hits = []
    for hit in searcher.search(query, limit=limit * 3 + 10 + mine):
        if hit["document_id"] == doc_id:
            continue
        words = shingles(hit["text"])
        if any(near_duplicate(k, words) for k in own + kept):
            continue
        kept.append(words)
        hits.append({**describe(hit), "score": round(float(hit.score or 0), 4),
                     "snippet": _snippet(hit["text"], [term for term, _ in terms])})
        if len(hits) == limit:
            break
    return {"terms": [term for term, _ in terms], "hits": hits}


def _snippet(text: str, terms: list[str]) -> str:
    """The text's snippet with the best key terms it holds marked."""
    held = {t.text for t in whole_analyzer()(text, mode="index")}
    marked = {term for term in terms if term in held}
    return highlight.snippet(text, highlight.find_matches(text, set(sorted(marked, key=terms.index)[:MARKED_TERMS])))


def describe(passage: Any) -> dict:
    """A stored passage as JSON: its id, its document's metadata, where it stands, and its text."""
    return {"passage_id": passage_id(passage["document_id"], passage["position"]),
            "document_id": passage["document_id"], "title": passage["title"], "type": passage["type"],
            "region": passage["document_regio"], "date": passage["date"], "page": passage["page"],
            "section": passage["section"], "position": passage["position"], "text": passage["text"],
            "regio": [r for r in passage["passage_regio"].split(",") if r]}
