"""The judged query groups and how a ranking is scored on them, shared by fit_ranker.py and quality.py.

Three groups, each by another author (../shared/README.md): `a` (75 dev queries) and `p` (60 queries by
professionals) over the five shared PDFs, and `v` (40 queries) over the 24 berichten, another collection. A
candidate is labelled relevant when it covers a judged nugget, with the judge's own normalisation; scores are
the judge's nDCG@10, MRR@10 and recall@10, computed from those labels.
"""
from __future__ import annotations

import importlib.util
import json
import math
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kennisbank.search import rank
from kennisbank.search.engine import Engine, Found
from kennisbank.search.features import FEATURES
from kennisbank.search.rerank import Model

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL = ROOT / "bench" / "eval"
RESAMPLES = 1000


@dataclass(frozen=True)
class Group:
    """One author's judged queries and the collection they were written on."""

    name: str
    queries: Path
    collection: Path  # the folder ingested for it (pdf/ for a and p: the same data dir)
    about: str

    def load(self) -> list[dict]:
        """The queries, each with its class (group a's classes are kept in bench/eval/query_classes.json)."""
        queries = json.loads(self.queries.read_text(encoding="utf-8"))
        if self.name == "a":
            classes = json.loads((EVAL / "query_classes.json").read_text(encoding="utf-8"))
            queries = [{**q, "class": classes[q["id"]]} for q in queries]
        return queries


GROUPS = (
    Group("a", SHARED / "eval" / "dev_queries.json", SHARED / "corpus" / "pdf", "75 dev queries, five PDFs"),
    Group("p", SHARED / "eval" / "dev_queries_p.json", SHARED / "corpus" / "pdf",
          "60 professionals' queries, five PDFs"),
    Group("v", SHARED / "eval" / "berichten_queries.json", SHARED / "corpus" / "berichten",
          "40 queries, 24 berichten (another collection)"),
)


def load_judge():
    """The judge's module, so scores are computed exactly as the scorer does."""
    spec = importlib.util.spec_from_file_location("judge", SHARED / "eval" / "judge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ingest(folder: Path, data: Path) -> None:
    """A folder's documents ingested into a fresh data dir, through the CLI as a user would."""
    subprocess.run([str(ROOT / ".venv" / "bin" / "kennisbank"), "--data", str(data), "ingest", str(folder)],
                   check=True, capture_output=True)


def data_dirs(tmp: Path, given: dict[str, str | None]) -> dict[Path, Path]:
    """Collection folder -> a data dir holding it: the one given (by collection name), else ingested into tmp."""
    out: dict[Path, Path] = {}
    for group in GROUPS:
        if group.collection in out:
            continue
        name = group.collection.name
        data = Path(given[name]) if given.get(name) else tmp / name
        if not given.get(name):
            ingest(group.collection, data)
        out[group.collection] = data
    return out


@dataclass
class Judged:
    """One query's candidates: feature matrix, the nuggets each covers, and the hits themselves."""

    query: dict
    group: str
    x: np.ndarray
    covers: list[set[int]]
    hits: list
    found: Found


def collect(engine: Engine, queries: list[dict], group: str, judge, features: tuple[str, ...]) -> list[Judged]:
    """Stage 1 and the features of every query, labelled by the nuggets each candidate covers."""
    out = []
    for q in queries:
        found = engine.found(q["query"])
        wanted = [judge.norm(n) for n in q["nuggets"]]
        covers = [{i for i, n in enumerate(wanted) if n in judge.norm(h["text"][:judge.TEXT_CAP])}
                  for h in found.hits]
        x = found.matrix[:, [FEATURES.index(f) for f in features]] if found.matrix is not None else \
            np.zeros((len(found.hits), len(features)))
        out.append(Judged(q, group, x, covers, found.hits, found))
    return out


def ranked(model: Model | None, row: Judged) -> list:
    """A query's candidates in the order search shows them (the shipped model when None)."""
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


def means(scores: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean nDCG, MRR and recall of per-query (recall, rr, nDCG) triples."""
    n = len(scores) or 1
    return {"ndcg": sum(s[2] for s in scores) / n, "mrr": sum(s[1] for s in scores) / n,
            "recall": sum(s[0] for s in scores) / n}


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


def bootstrap(new: dict[str, dict[str, float]], old: dict[str, dict[str, float]],
              resamples: int = RESAMPLES, seed: int = 7) -> tuple[float, float, float]:
    """Paired bootstrap of the gain in the mean of group means (group -> query id -> score), queries resampled
    within their group: the gain and its 95 % interval.

    >>> bootstrap({"a": {"1": 1.0, "2": 0.5}}, {"a": {"1": 0.5, "2": 0.5}}, resamples=200)[0]
    0.25
    """
    rng = random.Random(seed)
    diffs = {g: [new[g][q] - old[g][q] for q in sorted(new[g])] for g in new}
    gain = sum(sum(d) / len(d) for d in diffs.values()) / len(diffs)
    samples = sorted(sum(sum(rng.choices(d, k=len(d))) / len(d) for d in diffs.values()) / len(diffs)
                     for _ in range(resamples))
    return gain, samples[int(0.025 * resamples)], samples[int(0.975 * resamples) - 1]
