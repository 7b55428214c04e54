"""Search quality: Kennisbank against plain engines on the same passages, on the judged dev set and on our own set.

    .venv/bin/python bench/quality.py [--per-query] [--dev-data DIR] [--own-data DIR]

1. The dev set (../shared/eval/dev_queries.json, 75 queries over the five shared PDFs): Kennisbank scored with
   5-fold cross-validation (each fold ranked by a model fitted on the other four: the figure that counts), the
   shipped model (fitted on all 75: in-sample, shown for comparison only), and the plain engines: whoosh
   StandardAnalyzer and LanguageAnalyzer("nl") (BM25F), BM25 with the Dutch Snowball stemmer (bm25s +
   PyStemmer) and SQLite FTS5, each over exactly the passages Kennisbank holds, asked for any of the words.
2. Stage 1: the share of judged nuggets among the candidates the re-ranker gets, and the nDCG their best order
   would reach.
3. Per query class (bench/eval/query_classes.json), cross-validated, against the ranking before re-ranking
   (bench/eval/before.json).
4. The project's own set: the twelve documents of other shapes in corpus/vormen with the 20 queries of
   bench/eval/vormen_queries.json, judged before any tuning and never fitted on: the shipped model, held out.
Scores use the judge's own scoring (nDCG@10, MRR@10, recall@10).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OWN = ROOT / "corpus" / "vormen"
EVAL = ROOT / "bench" / "eval"
Search = Callable[[str], list[dict]]


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


def ingest_shared(data: Path) -> None:
    """The five shared PDFs ingested into a fresh data dir."""
    ingest(SHARED / "corpus" / "pdf", data)


def passages(engine) -> list[dict]:
    """Every stored passage: pid and text."""
    return [{"pid": d["pid"], "text": d["text"]} for d in engine.searcher().all_passages()]


def whoosh_plain(rows: list[dict], folder: Path, analyzer) -> Search:
    """A search function over a plain whoosh index (the given analyzer, BM25F, OR of the words)."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import OrGroup, QueryParser

    folder.mkdir(parents=True)
    schema = Schema(pid=ID(stored=True), text=TEXT(analyzer=analyzer, stored=True))
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer() as w:
        for r in rows:
            w.add_document(pid=r["pid"], text=r["text"])
    parser = QueryParser("text", schema, group=OrGroup)
    searcher = ix.searcher()
    return lambda q: [{"text": h["text"]} for h in searcher.search(parser.parse(_words(q)), limit=10)]


def snowball_bm25(rows: list[dict]) -> Search:
    """BM25 over the Dutch Snowball stems (bm25s with PyStemmer, its Dutch stop words)."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("dutch")
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([r["text"] for r in rows], stopwords="nl", stemmer=stemmer, show_progress=False),
                    show_progress=False)

    def search(q: str) -> list[dict]:
        tokens = bm25s.tokenize([_words(q) or "-"], stopwords="nl", stemmer=stemmer, show_progress=False)
        docs, scores = retriever.retrieve(tokens, k=min(10, len(rows)), show_progress=False)
        return [{"text": rows[d]["text"]} for d, s in zip(docs[0], scores[0]) if s > 0]
    return search


def fts5(rows: list[dict]) -> Search:
    """SQLite FTS5 with diacritics removed, bm25 ranking, OR of the words."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(pid UNINDEXED, text, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO p VALUES (?, ?)", [(r["pid"], r["text"]) for r in rows])

    def search(q: str) -> list[dict]:
        words = [f'"{w}"' for w in re.findall(r"\w+", q)]
        if not words:
            return []
        sql = "SELECT text FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10"
        return [{"text": t} for (t,) in db.execute(sql, (" OR ".join(words),))]
    return search


def _words(q: str) -> str:
    """The words of a query, without the syntax a plain engine would read otherwise."""
    return " ".join(re.findall(r"\w+", q))


def plain_engines(rows: list[dict], tmp: Path) -> dict[str, Search]:
    """The peers, each over exactly these passages."""
    from whoosh.analysis import LanguageAnalyzer, StandardAnalyzer

    return {"whoosh StandardAnalyzer BM25F": whoosh_plain(rows, tmp / "standard", StandardAnalyzer()),
            'whoosh LanguageAnalyzer("nl") BM25F': whoosh_plain(rows, tmp / "nl", LanguageAnalyzer("nl")),
            "BM25 Dutch Snowball (bm25s)": snowball_bm25(rows),
            "SQLite FTS5 unicode61": fts5(rows)}


def evaluate(judge, queries: list[dict], search: Search) -> dict:
    """Mean recall, MRR and nDCG at 10, plus the lowest recall of any query."""
    rows = [judge.score(search(q["query"]), q["nuggets"]) for q in queries]
    n = len(rows)
    return {"ndcg": sum(r[2] for r in rows) / n, "mrr": sum(r[1] for r in rows) / n,
            "recall": sum(r[0] for r in rows) / n, "min_recall": min(r[0] for r in rows)}


def table(title: str, results: dict[str, dict]) -> None:
    """One table: engine, nDCG, MRR, recall, lowest recall (and the worst fold where there is one)."""
    print(f"\n{title}\n")
    print("| engine | nDCG@10 | MRR@10 | recall@10 | min recall |\n| --- | --- | --- | --- | --- |")
    for name, m in results.items():
        worst = f" (worst fold {m['worst_ndcg']:.3f})" if "worst_ndcg" in m else ""
        low = f"{m['min_recall']:.2f}" if "min_recall" in m else "–"
        print(f"| {name} | {m['ndcg']:.3f}{worst} | {m['mrr']:.3f} | {m['recall']:.3f} | {low} |")


def main() -> int:
    from fit_ranker import FOLDS, best_order, collect, cross_validate, fitted, judged, ranked, stage1_recall
    from kennisbank.config import resolve
    from kennisbank.search.engine import Engine
    from kennisbank.search.features import FEATURES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-query", action="store_true", help="Kennisbank's cross-validated scores per query")
    parser.add_argument("--dev-data", help="a data dir holding ../shared/corpus/pdf (default: ingest afresh)")
    parser.add_argument("--own-data", help="a data dir holding corpus/vormen (default: ingest afresh)")
    args = parser.parse_args()
    judge = load_judge()
    dev = json.loads((SHARED / "eval" / "dev_queries.json").read_text(encoding="utf-8"))
    own = json.loads((EVAL / "vormen_queries.json").read_text(encoding="utf-8"))
    classes = {k: v for k, v in json.loads((EVAL / "query_classes.json").read_text(encoding="utf-8")).items()
               if not k.startswith("_")}
    before = json.loads((EVAL / "before.json").read_text(encoding="utf-8"))["queries"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        dev_data = Path(args.dev_data) if args.dev_data else tmp / "dev"
        own_data = Path(args.own_data) if args.own_data else tmp / "own"
        if not args.dev_data:
            ingest_shared(dev_data)
        if not args.own_data:
            ingest(OWN, own_data)
        engine = Engine(resolve(dev_data))
        rows = collect(engine, dev, judge, FEATURES)
        folds = cross_validate(judge, rows, FEATURES)
        per_query: dict[str, tuple] = {}
        for k in range(FOLDS):
            model = fitted(judge, [r for i, r in enumerate(rows) if i % FOLDS != k], FEATURES)
            for i, r in enumerate(rows):
                if i % FOLDS == k:
                    per_query[r.query["id"]] = judged(r, ranked(model, r), judge.K)
        cv = {"ndcg": sum(f["ndcg"] for f in folds) / FOLDS, "mrr": sum(f["mrr"] for f in folds) / FOLDS,
              "recall": sum(f["recall"] for f in folds) / FOLDS, "worst_ndcg": min(f["ndcg"] for f in folds),
              "min_recall": min(s[0] for s in per_query.values())}
        peers = plain_engines(passages(engine), tmp / "dev-peers")
        dev_results = {"Kennisbank, 5-fold cross-validated": cv,
                       "Kennisbank, shipped model (fitted on these 75)": evaluate(
                           judge, dev, lambda q: engine.search(q, limit=10, facets=False)["hits"])}
        dev_results.update({name: evaluate(judge, dev, search) for name, search in peers.items()})
        print(f"{len(dev)} dev queries, {len(passages(engine))} passages of ../shared/corpus/pdf "
              "(the same for every engine)")
        table("Dev set", dev_results)
        print(f"\nStage 1: {stage1_recall(rows):.3f} of the judged nuggets are among the candidates "
              f"({sum(len(r.hits) for r in rows) / len(rows):.0f} per query on average, at most 200); their best "
              f"order would reach nDCG@10 {best_order(judge, rows):.3f}.")
        print(f"Folds (query i in fold i % {FOLDS}): nDCG@10 " + ", ".join(f"{f['ndcg']:.3f}" for f in folds))
        _per_class(classes, per_query, before)
        own_engine = Engine(resolve(own_data))
        own_results = {"Kennisbank, shipped model (never fitted on this set)": evaluate(
            judge, own, lambda q: own_engine.search(q, limit=10, facets=False)["hits"])}
        own_results.update({name: evaluate(judge, own, search)
                            for name, search in plain_engines(passages(own_engine), tmp / "own-peers").items()})
        documents = len(json.loads((OWN / "manifest.json").read_text(encoding="utf-8")))
        table(f"Own set: {len(own)} queries over the {documents} documents of corpus/vormen "
              f"({len(passages(own_engine))} passages)", own_results)
        if args.per_query:
            print()
            for q in dev:
                r, rr, nd = per_query[q["id"]]
                print(f"{q['id']:>5}  recall {r:.2f}  rr {rr:.2f}  nDCG {nd:.2f}  ({classes[q['id']]})  {q['query']}")
    return 0


def _per_class(classes: dict[str, str], scores: dict[str, tuple], before: dict[str, dict]) -> None:
    """nDCG, MRR and recall per query class: cross-validated now, and before re-ranking."""
    print("\nPer query class, cross-validated (before re-ranking in brackets)\n")
    print("| class | queries | nDCG@10 | MRR@10 | recall@10 |\n| --- | --- | --- | --- | --- |")
    for name in sorted(set(classes.values())):
        ids = [i for i, c in classes.items() if c == name and i in scores]
        n = len(ids)
        now = [sum(scores[i][k] for i in ids) / n for k in (2, 1, 0)]
        then = [sum(before[i][k] for i in ids) / n for k in ("ndcg", "rr", "recall")]
        print(f"| {name} | {n} | " + " | ".join(f"{a:.3f} ({b:.3f})" for a, b in zip(now, then)) + " |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
