"""Fit the re-ranker's weights on the judged groups, and report them leave one author group out.

    .venv/bin/python bench/fit_ranker.py [--pdf DIR] [--berichten DIR] [--write] [--drop FEATURE ...]
                                         [--save SCORES.json] [--against SCORES.json]

Ingests the collections of the three judged groups (bench/judged.py), or reads the data dirs given, takes stage
1's candidates of every query with their features (the engine's own code), and labels a candidate relevant when
it covers a judged nugget. Each group is scored by a model fitted on the other two only; their mean is the figure
that counts, the within-group 5-fold figure is shown beside it. The model is the base (stage 1's BM25F over the
Dutch analysis, with proximity, per query scaled) plus fitted weights that a ridge pulls toward zero, so on an
unknown collection it degrades to the base. --write fits on all groups and writes kennisbank/search/ranker.json
with the date, groups and scores; --save keeps the per-query scores, --against compares with saved ones by a
paired bootstrap; --drop leaves features out, to measure what each adds.
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from judged import GROUPS, Judged, bootstrap, collect, data_dirs, judged, load_judge, means, ranked
from kennisbank.config import resolve
from kennisbank.search.engine import Engine
from kennisbank.search.features import BASE, FEATURES
from kennisbank.search.rerank import MODEL_FILE, Model

FOLDS = 5
L2 = 100.0  # ridge on the standardised weights (not the base's): pulls the model toward the base
DIVERSITY_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)  # spread penalties tried, in score units
LAMBDA_ROUNDS = 1  # pairwise fits, the later ones weighted by the nDCG a swap would change
Scores = dict[str, dict[str, tuple[float, float, float]]]  # group -> query id -> (recall, rr, nDCG)


def fit(rows: list[Judged], features: tuple[str, ...], l2: float = L2, rounds: int = LAMBDA_ROUNDS) -> Model:
    """A pairwise logistic model: relevant candidates above the others of the same query. Every weight but the
    base's is pulled toward zero. After the first round, each pair weighs by how much swapping the two would
    change nDCG at their current places (as LambdaRank does), so the fit cares most about the top of the list."""
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
    ridge = np.array([0.0 if f == BASE else l2 for f in features])
    w = np.zeros(len(features))
    for round_ in range(rounds):
        pairs = [_pairs(z, good, bad, None if round_ == 0 else w) for z, good, bad in queries]
        w = _newton(pairs, w, ridge)
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


def _newton(pairs: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray, ridge: np.ndarray) -> np.ndarray:
    """Newton steps on the weighted pairwise log-loss with a ridge per weight."""
    w = w.copy()
    for _ in range(100):
        grad, hess = ridge * w, np.diag(ridge + 1e-6)
        for d, weight in pairs:
            p = 1 / (1 + np.exp(np.clip(d @ w, -30, 30)))
            grad -= d.T @ (weight * p)
            hess += (d * (weight * p * (1 - p))[:, None]).T @ d
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def scores(judge, model: Model, rows: list[Judged]) -> dict[str, float]:
    """Mean nDCG, MRR and recall at 10 of the model on these queries."""
    return means([judged(r, ranked(model, r), judge.K) for r in rows])


def with_diversity(judge, model: Model, rows: list[Judged]) -> Model:
    """The model with the spread penalties (same document, repeated words) that rank these queries best."""
    grid = [replace(model, same_document=d, repeat=r) for d in DIVERSITY_GRID for r in DIVERSITY_GRID]
    return max(grid, key=lambda m: (scores(judge, m, rows)["ndcg"], -m.same_document, -m.repeat))


def fitted(judge, rows: list[Judged], features: tuple[str, ...], l2: float = L2) -> Model:
    """Weights, then diversity penalties, both chosen on these queries only."""
    return with_diversity(judge, fit(rows, features, l2), rows)


def base_model(features: tuple[str, ...]) -> Model:
    """The base alone: stage 1's per-query scaled score, no fitted weight, no spread."""
    return Model(features, tuple(1.0 if f == BASE else 0.0 for f in features), (0.0,) * len(features),
                 (1.0,) * len(features), same_document=0.0, repeat=0.0)


def per_group(judge, model: Model | None, rows: list[Judged]) -> Scores:
    """Every query's scores under one model (the shipped one when None), by group."""
    out: Scores = {}
    for r in rows:
        out.setdefault(r.group, {})[r.query["id"]] = judged(r, ranked(model, r), judge.K)
    return out


def leave_group_out(judge, rows: list[Judged], features: tuple[str, ...], l2: float = L2) -> Scores:
    """Each group's queries scored by a model fitted on the other groups only."""
    out: Scores = {}
    for group in sorted({r.group for r in rows}):
        model = fitted(judge, [r for r in rows if r.group != group], features, l2)
        out.update(per_group(judge, model, [r for r in rows if r.group == group]))
    return out


def within_group(judge, rows: list[Judged], features: tuple[str, ...], l2: float = L2) -> Scores:
    """Each group's queries scored 5-fold within the group (query i in fold i % 5)."""
    out: Scores = {}
    for group in sorted({r.group for r in rows}):
        mine = [r for r in rows if r.group == group]
        out[group] = {}
        for k in range(FOLDS):
            model = fitted(judge, [r for i, r in enumerate(mine) if i % FOLDS != k], features, l2)
            out[group].update({r.query["id"]: judged(r, ranked(model, r), judge.K)
                               for i, r in enumerate(mine) if i % FOLDS == k})
    return out


def summary(per_query: Scores) -> dict[str, dict[str, float]]:
    """Per group and for the mean of the groups: nDCG, MRR and recall."""
    out = {g: means(list(s.values())) for g, s in per_query.items()}
    out["mean"] = {m: sum(out[g][m] for g in per_query) / len(per_query) for m in ("ndcg", "mrr", "recall")}
    return out


def collect_all(judge, tmp: Path, given: dict[str, str | None], features: tuple[str, ...]) -> list[Judged]:
    """The candidates of every judged query of every group."""
    dirs = data_dirs(tmp, given)
    engines = {folder: Engine(resolve(data)) for folder, data in dirs.items()}
    return [r for g in GROUPS for r in collect(engines[g.collection], g.load(), g.name, judge, features)]


def ndcg_of(per_query: Scores) -> dict[str, dict[str, float]]:
    """Group -> query id -> nDCG (what --save keeps and the bootstrap compares)."""
    return {g: {q: s[2] for q, s in qs.items()} for g, qs in per_query.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", help="a data dir holding ../shared/corpus/pdf (default: ingest afresh)")
    parser.add_argument("--berichten", help="a data dir holding ../shared/corpus/berichten (default: ingest afresh)")
    parser.add_argument("--write", action="store_true", help=f"fit on all groups and write {MODEL_FILE.name}")
    parser.add_argument("--drop", nargs="*", default=[], help="features to leave out")
    parser.add_argument("--save", help="write the per-query leave-one-group-out nDCG here")
    parser.add_argument("--l2", type=float, default=L2, help=f"the ridge (default {L2})")
    parser.add_argument("--against", help="a --save file to compare with (paired bootstrap)")
    args = parser.parse_args()
    judge = load_judge()
    features = tuple(f for f in FEATURES if f not in set(args.drop))
    with tempfile.TemporaryDirectory() as tmp:
        rows = collect_all(judge, Path(tmp), {"pdf": args.pdf, "berichten": args.berichten}, features)
    logo = leave_group_out(judge, rows, features, args.l2)
    five = summary(within_group(judge, rows, features, args.l2))
    base = summary(per_group(judge, base_model(features), rows))
    print("| group | base nDCG / MRR | leave-one-group-out nDCG / MRR / recall | within-group 5-fold nDCG |")
    print("| --- | --- | --- | --- |")
    for g, m in summary(logo).items():
        print(f"| {g} | {base[g]['ndcg']:.3f} / {base[g]['mrr']:.3f} | {m['ndcg']:.3f} / {m['mrr']:.3f} / "
              f"{m['recall']:.3f} | {five[g]['ndcg']:.3f} |")
    if args.save:
        Path(args.save).write_text(json.dumps(ndcg_of(logo), indent=1), encoding="utf-8")
    if args.against:
        old = json.loads(Path(args.against).read_text(encoding="utf-8"))
        gain, low, high = bootstrap(ndcg_of(logo), old)
        print(f"against {args.against}: gain {gain:+.4f}, 95 % interval [{low:+.4f}, {high:+.4f}]")
    model = fitted(judge, rows, features, args.l2)
    print(f"fitted on all groups; spread: same document -{model.same_document}, repeated words -{model.repeat}")
    for name, w in sorted(zip(model.features, model.weights), key=lambda fw: -abs(fw[1])):
        print(f"  {name:<22} {w:+.3f}")
    if args.write:
        report = {"fitted": datetime.date.today().isoformat(), "groups": [g.name for g in GROUPS], "l2": args.l2,
                  "leave_one_group_out": {g: {k: round(v, 4) for k, v in m.items()}
                                          for g, m in summary(logo).items()},
                  "within_group_5_fold": {g: round(m["ndcg"], 4) for g, m in five.items()}}
        MODEL_FILE.write_text(json.dumps({**model.as_dict(), "report": report}, indent=1) + "\n", encoding="utf-8")
        print(f"written: {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
