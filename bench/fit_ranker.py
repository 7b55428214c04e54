"""Fit the re-ranker's weights on the judged dev queries, and report them under 5-fold cross-validation.

    .venv/bin/python bench/fit_ranker.py [--data DIR] [--write] [--drop FEATURE ...]

Ingests ../shared/corpus/pdf (or reads DIR), takes stage 1's candidates of every dev query with their
features (the engine's own code), and labels a candidate relevant when it covers a judged nugget (the judge's
own normalisation). Folds are fixed: query i of dev_queries.json is in fold i % 5. For each fold a model is
fitted on the other four and scored on it, exactly as search ranks (model, then spread and section cap);
the report gives each fold and the mean. --write fits on all queries and writes kennisbank/search/ranker.json
with the date, folds and cross-validated scores; --drop leaves features out, to measure what each adds.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from kennisbank.config import resolve
from kennisbank.search import rank
from kennisbank.search.engine import Engine, Found
from kennisbank.search.features import FEATURES
from kennisbank.search.rerank import MODEL_FILE, Model
from quality import SHARED, ingest_shared, load_judge

FOLDS = 5
L2 = 1.0  # ridge on the standardised weights: 75 queries do not carry more than a mildly regularised model
DIVERSITY_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)  # spread penalties tried, in score units
LAMBDA_ROUNDS = 1  # pairwise fits, the later ones weighted by the nDCG a swap would change


@dataclass
class Judged:
    """One query's candidates: feature matrix, the nuggets each covers, and the hits themselves."""

    query: dict
    x: np.ndarray
    covers: list[set[int]]
    hits: list
    found: Found


def collect(engine: Engine, queries: list[dict], judge, features: tuple[str, ...]) -> list[Judged]:
    """Stage 1 and the features of every query, labelled by the nuggets each candidate covers."""
    out = []
    for q in queries:
        found = engine.found(q["query"])
        wanted = [judge.norm(n) for n in q["nuggets"]]
        covers = [{i for i, n in enumerate(wanted) if n in judge.norm(h["text"][:judge.TEXT_CAP])}
                  for h in found.hits]
        x = np.array([[v.get(f, 0.0) for f in features] for v in found.values]) if found.values else \
            np.zeros((len(found.hits), len(features)))
        out.append(Judged(q, x, covers, found.hits, found))
    return out


def fit(rows: list[Judged], features: tuple[str, ...], l2: float = L2, rounds: int = LAMBDA_ROUNDS) -> Model:
    """A pairwise logistic model: relevant candidates above the others of the same query. After the first
    round, each pair weighs by how much swapping the two would change nDCG at their current places (as
    LambdaRank does), so the fit cares most about the top of the list."""
    x = np.vstack([r.x for r in rows if len(r.x)])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    queries = []
    for r in rows:
        z = (r.x - mean) / scale
        good = [i for i, c in enumerate(r.covers) if c]
        bad = [i for i, c in enumerate(r.covers) if not c]
        if good and bad:
            queries.append((z, good, bad))
    w = np.zeros(len(features))
    for round_ in range(rounds):
        pairs = [_pairs(z, good, bad, None if round_ == 0 else w) for z, good, bad in queries]
        w = _newton(pairs, w, l2)
    return Model(features, tuple(float(v) for v in w), tuple(float(v) for v in mean),
                 tuple(float(v) for v in scale))


def _pairs(z: np.ndarray, good: list[int], bad: list[int], w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Feature differences of every (relevant, other) pair of a query, and their weights (summing to 1)."""
    d = (z[good][:, None, :] - z[bad][None, :, :]).reshape(-1, z.shape[1])
    if w is None:
        weight = np.ones(len(d))
    else:
        place = np.empty(len(z))
        place[np.argsort(-(z @ w))] = np.arange(1, len(z) + 1)
        gain = 1 / np.log2(1 + place)
        weight = np.abs(gain[good][:, None] - gain[bad][None, :]).reshape(-1) + 1e-3
    return d, weight / weight.sum()


def _newton(pairs: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray, l2: float) -> np.ndarray:
    """Newton steps on the weighted pairwise log-loss with a ridge."""
    w = w.copy()
    for _ in range(100):
        grad, hess = l2 * w, l2 * np.eye(len(w))
        for d, weight in pairs:
            p = 1 / (1 + np.exp(np.clip(d @ w, -30, 30)))
            grad -= d.T @ (weight * p)
            hess += (d * (weight * p * (1 - p))[:, None]).T @ d
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def ranked(model: Model, row: Judged) -> list:
    """A query's candidates in the order search shows them."""
    return rank.cap_sections(row.found.ranked(model))


def judged(row: Judged, hits: list, k: int = 10) -> tuple[float, float, float]:
    """judge.score from the nuggets each hit covers (known already): recall, reciprocal rank, nDCG at k."""
    at = {id(h): i for i, h in enumerate(row.hits)}
    covered, first, dcg = set(), None, 0.0
    for place, hit in enumerate(hits[:k], 1):
        covers = row.covers[at[id(hit)]]
        if covers:
            first = first or place
        if covers - covered:
            dcg += 1 / math.log2(place + 1)
            covered |= covers
    wanted = len(row.query["nuggets"])
    ideal = sum(1 / math.log2(place + 1) for place in range(1, min(k, wanted) + 1))
    return len(covered) / wanted, (1 / first if first else 0.0), dcg / ideal


def scores(judge, model: Model, rows: list[Judged]) -> dict[str, float]:
    """Mean nDCG, MRR and recall at 10 of the model on these queries."""
    got = [judged(r, ranked(model, r), judge.K) for r in rows]
    n = len(got) or 1
    return {"ndcg": sum(g[2] for g in got) / n, "mrr": sum(g[1] for g in got) / n,
            "recall": sum(g[0] for g in got) / n}


def with_diversity(judge, model: Model, rows: list[Judged]) -> Model:
    """The model with the spread penalties (same document, repeated words) that rank these queries best."""
    grid = [replace(model, same_document=d, repeat=r) for d in DIVERSITY_GRID for r in DIVERSITY_GRID]
    return max(grid, key=lambda m: (scores(judge, m, rows)["ndcg"], -m.same_document, -m.repeat))


def fitted(judge, rows: list[Judged], features: tuple[str, ...]) -> Model:
    """Weights, then diversity penalties, both chosen on these queries only."""
    return with_diversity(judge, fit(rows, features), rows)


def cross_validate(judge, rows: list[Judged], features: tuple[str, ...]) -> list[dict[str, float]]:
    """Per fold: fitted on the other folds, scored on this one."""
    out = []
    for k in range(FOLDS):
        train = [r for i, r in enumerate(rows) if i % FOLDS != k]
        test = [r for i, r in enumerate(rows) if i % FOLDS == k]
        out.append(scores(judge, fitted(judge, train, features), test))
    return out


def stage1_recall(rows: list[Judged]) -> float:
    """The share of all judged nuggets that some candidate covers: what stage 2 can reach at best."""
    wanted = sum(len(r.query["nuggets"]) for r in rows)
    return sum(len(set().union(*r.covers)) for r in rows) / wanted


def best_order(judge, rows: list[Judged]) -> float:
    """Mean nDCG@10 of each query's candidates in the best order (a greedy cover of the judged nuggets)."""
    total = 0.0
    for r in rows:
        order, covered, left = [], set(), list(range(len(r.hits)))
        while len(order) < judge.K and left:
            best = max(left, key=lambda k: len(r.covers[k] - covered))
            if not r.covers[best] - covered:
                break
            order.append(r.hits[best])
            covered |= r.covers[best]
            left.remove(best)
        total += judge.score(order, r.query["nuggets"])[2]
    return total / len(rows)


def summary(folds: list[dict[str, float]]) -> dict[str, float]:
    """Mean of the folds (each has the same number of queries, give or take one) and the worst fold's nDCG."""
    return {**{m: sum(f[m] for f in folds) / len(folds) for m in ("ndcg", "mrr", "recall")},
            "worst_ndcg": min(f["ndcg"] for f in folds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="a data dir holding ../shared/corpus/pdf (default: ingest afresh)")
    parser.add_argument("--queries", default=str(SHARED / "eval" / "dev_queries.json"))
    parser.add_argument("--write", action="store_true", help=f"fit on all queries and write {MODEL_FILE.name}")
    parser.add_argument("--drop", nargs="*", default=[], help="features to leave out")
    args = parser.parse_args()
    judge = load_judge()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    features = tuple(f for f in FEATURES if f not in set(args.drop))
    with tempfile.TemporaryDirectory() as tmp:
        if args.data:
            data = Path(args.data)
        else:
            data = Path(tmp) / "data"
            ingest_shared(data)
        engine = Engine(resolve(data))
        rows = collect(engine, queries, judge, features)
        print(f"stage 1: recall of judged nuggets in the candidates {stage1_recall(rows):.3f}, "
              f"{sum(len(r.hits) for r in rows) / len(rows):.0f} candidates per query on average; "
              f"in the best order they would reach nDCG@10 {best_order(judge, rows):.3f}")
        folds = cross_validate(judge, rows, features)
        for k, f in enumerate(folds):
            print(f"fold {k}: nDCG@10 {f['ndcg']:.3f}  MRR@10 {f['mrr']:.3f}  recall@10 {f['recall']:.3f}")
        cv = summary(folds)
        print(f"5-fold CV: nDCG@10 {cv['ndcg']:.3f} (worst fold {cv['worst_ndcg']:.3f})  MRR@10 {cv['mrr']:.3f}  "
              f"recall@10 {cv['recall']:.3f}")
        model = fitted(judge, rows, features)
        full = scores(judge, model, rows)
        exact = [judge.score(ranked(model, r), r.query["nuggets"]) for r in rows]
        assert abs(sum(e[2] for e in exact) / len(rows) - full["ndcg"]) < 1e-9, "judged() differs from the judge"
        print(f"fitted on all 75: nDCG@10 {full['ndcg']:.3f}  MRR@10 {full['mrr']:.3f}  recall@10 {full['recall']:.3f}")
        print(f"  spread: same document -{model.same_document}, repeated words -{model.repeat}")
        for name, w in sorted(zip(model.features, model.weights), key=lambda fw: -abs(fw[1])):
            print(f"  {name:<22} {w:+.3f}")
        if args.write:
            report = {"fitted": datetime.date.today().isoformat(), "queries": Path(args.queries).name,
                      "folds": f"query i of the file in fold i % {FOLDS}", "l2": L2,
                      "cross_validated": {k: round(v, 4) for k, v in cv.items()},
                      "fold_ndcg": [round(f["ndcg"], 4) for f in folds],
                      "fitted_on_all": {k: round(v, 4) for k, v in full.items()}}
            MODEL_FILE.write_text(json.dumps({**model.as_dict(), "report": report}, indent=1) + "\n",
                                  encoding="utf-8")
            print(f"written: {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
