"""Search quality on the dev queries: Kennisbank against plain whoosh BM25F and SQLite FTS5 on the same passages.

    .venv/bin/python bench/quality.py [--queries ../shared/eval/dev_queries.json]

Ingests ../shared/corpus/pdf into a throw-away data dir, then indexes exactly the same passages (text as stored)
in whoosh with StandardAnalyzer and in SQLite FTS5 (unicode61 remove_diacritics 2), and scores all three with
the judge's own scoring function (nDCG@10, MRR@10, recall@10). It also prints what Kennisbank would score if its
own top 50 were put in the best order (a greedy cover of the judged nuggets): the gap between the two is ranking,
the rest is recall. --per-query adds Kennisbank's scores per query.
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
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser

from kennisbank.config import resolve
from kennisbank.search.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load_judge():
    """The judge's module, so scores are computed exactly as the scorer does."""
    spec = importlib.util.spec_from_file_location("judge", SHARED / "eval" / "judge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ingest_shared(data: Path) -> None:
    """The five shared PDFs ingested into a fresh data dir, through the CLI as a user would."""
    subprocess.run([str(ROOT / ".venv" / "bin" / "kennisbank"), "--data", str(data), "ingest",
                    str(SHARED / "corpus" / "pdf")], check=True, capture_output=True)


def passages(engine: Engine) -> list[dict]:
    """Every stored passage: pid and text."""
    return [{"pid": d["pid"], "text": d["text"]} for d in engine.searcher().all_passages()]


def whoosh_plain(rows: list[dict], folder: Path):
    """A search function over a plain whoosh index (StandardAnalyzer, BM25F, OR of the words)."""
    schema = Schema(pid=ID(stored=True), text=TEXT(analyzer=StandardAnalyzer(), stored=True))
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer() as w:
        for r in rows:
            w.add_document(pid=r["pid"], text=r["text"])
    parser = QueryParser("text", schema, group=OrGroup)
    searcher = ix.searcher()

    def search(q: str) -> list[dict]:
        return [{"text": h["text"]} for h in searcher.search(parser.parse(q), limit=10)]
    return search


def fts5(rows: list[dict]):
    """A search function over SQLite FTS5 with diacritics removed, bm25 ranking, OR of the words."""
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


def evaluate(judge, queries: list[dict], search) -> dict:
    """Mean recall, MRR and nDCG at 10, plus the lowest recall of any query."""
    rows = [judge.score(search(q["query"]), q["nuggets"]) for q in queries]
    n = len(rows)
    return {"ndcg": sum(r[2] for r in rows) / n, "mrr": sum(r[1] for r in rows) / n,
            "recall": sum(r[0] for r in rows) / n, "min_recall": min(r[0] for r in rows)}


def reordered(judge, queries: list[dict], search50) -> float:
    """Mean nDCG@10 of the best order of each query's top 50: hits that cover judged nuggets not yet covered first."""
    total = 0.0
    for q in queries:
        hits = search50(q["query"])
        wanted = [judge.norm(n) for n in q["nuggets"]]
        covers = [{i for i, n in enumerate(wanted) if n in judge.norm((h.get("text") or "")[:judge.TEXT_CAP])}
                  for h in hits]
        order, covered = [], set()
        while len(order) < judge.K:
            best = max(range(len(hits)), key=lambda k: len(covers[k] - covered), default=None)
            if best is None or not covers[best] - covered:
                break
            order.append(hits[best])
            covered |= covers[best]
        total += judge.score(order, q["nuggets"])[2]
    return total / len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", default=str(SHARED / "eval" / "dev_queries.json"))
    parser.add_argument("--per-query", action="store_true", help="Kennisbank's recall, RR and nDCG per query")
    args = parser.parse_args()
    judge = load_judge()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        ingest_shared(data)
        engine = Engine(resolve(data))
        rows = passages(engine)
        (Path(tmp) / "plain").mkdir()
        engines = {
            "kennisbank": lambda q: engine.search(q, limit=10, facets=False)["hits"],
            "whoosh StandardAnalyzer BM25F": whoosh_plain(rows, Path(tmp) / "plain"),
            "SQLite FTS5 unicode61": fts5(rows),
        }
        print(f"{len(queries)} queries, {len(rows)} passages (the same for every engine)\n")
        print(f"{'engine':<32} {'nDCG@10':>8} {'MRR@10':>8} {'recall@10':>10} {'min recall':>11}")
        for name, search in engines.items():
            m = evaluate(judge, queries, search)
            print(f"{name:<32} {m['ndcg']:>8.3f} {m['mrr']:>8.3f} {m['recall']:>10.3f} {m['min_recall']:>11.2f}")
        best = reordered(judge, queries, lambda q: engine.search(q, limit=50, facets=False)["hits"])
        print(f"\nkennisbank's own top 50 in the best order: nDCG@10 {best:.3f}")
        if args.per_query:
            print()
            for q in queries:
                r, rr, nd = judge.score(engines["kennisbank"](q["query"]), q["nuggets"])
                print(f"{q['id']:>5}  recall {r:.2f}  rr {rr:.2f}  nDCG {nd:.2f}  {q['query']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
