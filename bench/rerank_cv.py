"""Would a learned re-ranking help? A linear re-ranker over Kennisbank's top 40, fitted on the dev queries and
checked by leaving each query out in turn.

    .venv/bin/python bench/rerank_cv.py [--queries ../shared/eval/dev_queries.json] [--data DIR]

Each hit gets a few features that a reader would call signs of "this passage is about the query": its rank
and score, query words in its first line (its heading), the query verbatim, where the first match stands, how
densely it matches, its length, how much of it is a list, and whether it carries the vraagstuk the query
names. Weights are fitted by coordinate ascent on the judge's nDCG@10. "Fitted on all" is what tuning on the
dev set would show; "left out" scores each query with weights fitted on the other queries, which is what a
new query would get. When the second is not above today's ranking, fitting the ranking to the dev set would
only fit these strings.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

from quality import SHARED, ingest_shared, load_judge

from kennisbank.analysis import text_analyzer
from kennisbank.config import resolve
from kennisbank.engine import Engine
from kennisbank.highlight import find_matches
from kennisbank.query import parse
from kennisbank.search import build

DEPTH = 40
GRID = (-1.0, -0.5, -0.25, -0.1, 0.0, 0.1, 0.25, 0.5, 1.0)


def features(engine: Engine, judge, query: str) -> list[tuple[dict[str, float], dict]]:
    """(features, hit) for the top DEPTH hits of a query."""
    built = build(parse(query))
    stems = {word for term in built.terms for word in term.split()}
    whole = judge.norm(query)
    hits = engine.search(query, limit=DEPTH, facets=False, explain=True)["hits"]
    top = max((h["score"] for h in hits), default=1.0) or 1.0
    rows = []
    for rank, hit in enumerate(hits, 1):
        text = hit["text"]
        lines = text.split("\n")
        heading = {t.text for t in text_analyzer()(lines[0])}
        matches = find_matches(text, built.terms, built.exact_terms)
        themas = {t["id"] for t in hit.get("tags", {}).get("thema", [])}
        rows.append(({
            "rank": 1 / math.sqrt(rank),
            "score": hit["score"] / top,
            "heading": len(heading & stems) / max(1, len(stems)),
            "verbatim": float(whole in judge.norm(text)),
            "early": 1 - (matches[0].start / len(text) if matches else 1.0),
            "density": min(1.0, len(matches) / math.sqrt(max(1, len(text.split())))),
            "length": math.log(len(text) + 1) / 8,
            "list": sum(line.lstrip()[:1] in "-•" for line in lines) / len(lines),
            "thema": float(bool(built.themas() & themas)),
        }, hit))
    return rows


def ndcg(judge, rows, nuggets: list[str], weights: dict[str, float]) -> float:
    """The judge's nDCG@10 of the rows ordered by the weighted sum of their features."""
    ordered = sorted(rows, key=lambda row: -sum(weights.get(k, 0.0) * v for k, v in row[0].items()))
    return judge.score([hit for _, hit in ordered], nuggets)[2]


def fit(judge, data: list, queries: list[dict], use: list[int]) -> dict[str, float]:
    """Weights by coordinate ascent on the mean nDCG of the queries in `use` (rank keeps weight 1)."""
    weights = {"rank": 1.0}
    names = [k for k in data[0][0][0] if k != "rank"]

    def mean(w: dict[str, float]) -> float:
        return sum(ndcg(judge, data[i], queries[i]["nuggets"], w) for i in use) / len(use)
    best = mean(weights)
    for _ in range(3):
        for name in names:
            for value in GRID:
                trial = {**weights, name: value}
                if (score := mean(trial)) > best + 1e-9:
                    best, weights = score, trial
    return weights


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", default=str(SHARED / "eval" / "dev_queries.json"))
    parser.add_argument("--data", help="an existing data dir (default: ingest ../shared/corpus/pdf afresh)")
    args = parser.parse_args()
    judge = load_judge()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(args.data) if args.data else Path(tmp) / "data"
        if not args.data:
            ingest_shared(data_dir)
        engine = Engine(resolve(data_dir))
        data = [features(engine, judge, q["query"]) for q in queries]
        engine.close()
    everyone = list(range(len(queries)))
    today = [ndcg(judge, data[i], queries[i]["nuggets"], {"rank": 1.0}) for i in everyone]
    weights = fit(judge, data, queries, everyone)
    fitted = [ndcg(judge, data[i], queries[i]["nuggets"], weights) for i in everyone]
    left_out = [ndcg(judge, data[i], queries[i]["nuggets"], fit(judge, data, queries, everyone[:i] + everyone[i + 1:]))
                for i in everyone]
    print(f"{len(queries)} queries, top {DEPTH} re-ranked by a weighted sum of features\n")
    for label, scores in (("today's ranking", today), ("fitted on all queries", fitted),
                          ("each query left out of the fit", left_out)):
        print(f"{label:<32} nDCG@10 {sum(scores) / len(scores):.3f}   " + " ".join(f"{s:.2f}" for s in scores))
    print("\nweights fitted on all: " + ", ".join(f"{k} {v:g}" for k, v in weights.items() if v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
