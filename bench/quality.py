"""Search quality: Kennisbank against plain engines on the same passages, for each judged author group.

    .venv/bin/python bench/quality.py [--per-query] [--pdf DIR] [--berichten DIR] [--own-data DIR]

1. Engines x groups (a, p over the five shared PDFs; v over the 24 berichten, another collection; see
   bench/judged.py): Kennisbank with each group ranked by a model fitted on the other groups only (the figure
   that counts) and their mean, the within-group 5-fold figure beside it, the base alone (no fitted weight), the
   shipped model (fitted on all groups: in-sample, for comparison only), and the plain engines: whoosh
   StandardAnalyzer and LanguageAnalyzer("nl") (BM25F), BM25 with the Dutch Snowball stemmer (bm25s +
   PyStemmer) and SQLite FTS5, each over exactly the passages Kennisbank holds, asked for any of the words.
2. Paired bootstrap intervals (1,000 resamples of queries within their group) of Kennisbank's gain over the base
   and over each plain engine, on the mean of the groups.
3. Per group and query class: Kennisbank (leave one group out) against the best plain engine of that group.
4. Stage 1: the share of judged nuggets among the candidates the re-ranker gets, and the nDCG their best order
   would reach.
5. The project's own set: the twelve documents of other shapes in corpus/vormen with the 20 queries of
   bench/eval/vormen_queries.json, judged before any tuning and never fitted on: the shipped model, held out.
Scores use the judge's own scoring (nDCG@10, MRR@10, recall@10).
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from judged import (
    EVAL,
    GROUPS,
    ROOT,
    Judged,
    best_order,
    bootstrap,
    data_dirs,
    ingest,
    load_judge,
    means,
    stage1_recall,
)

OWN = ROOT / "corpus" / "vormen"
Search = Callable[[str], list[dict]]


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
    return {**means(rows), "min_recall": min(r[0] for r in rows)}


def table(title: str, results: dict[str, dict]) -> None:
    """One table: engine, nDCG, MRR, recall, lowest recall (and the worst fold where there is one)."""
    print(f"\n{title}\n")
    print("| engine | nDCG@10 | MRR@10 | recall@10 | min recall |\n| --- | --- | --- | --- | --- |")
    for name, m in results.items():
        worst = f" (worst fold {m['worst_ndcg']:.3f})" if "worst_ndcg" in m else ""
        low = f"{m['min_recall']:.2f}" if "min_recall" in m else "–"
        print(f"| {name} | {m['ndcg']:.3f}{worst} | {m['mrr']:.3f} | {m['recall']:.3f} | {low} |")


PerQuery = dict[str, dict[str, tuple[float, float, float]]]  # group -> query id -> (recall, rr, nDCG)


def plain_scores(judge, rows: list[Judged], engines: dict, tmp: Path) -> dict[str, PerQuery]:
    """Each plain engine's per-query scores on every group, over the passages of that group's collection."""
    out: dict[str, PerQuery] = {}
    for group in GROUPS:
        peers = plain_engines(passages(engines[group.collection]), tmp / f"peers-{group.name}")
        for name, search in peers.items():
            out.setdefault(name, {})[group.name] = {r.query["id"]: judge.score(search(r.query["query"]),
                                                                               r.query["nuggets"])
                                                    for r in rows if r.group == group.name}
    return out


def groups_table(results: dict[str, PerQuery]) -> None:
    """Engines x groups: nDCG / MRR / recall at 10 per group, and the mean of the groups."""
    names = [g.name for g in GROUPS]
    print("| engine | " + " | ".join(f"{g} nDCG / MRR / recall" for g in names) + " | mean nDCG / MRR |")
    print("| --- |" + " --- |" * (len(names) + 1))
    for engine, per_query in results.items():
        m = {g: means(list(per_query[g].values())) for g in names}
        mean = {k: sum(m[g][k] for g in names) / len(names) for k in ("ndcg", "mrr")}
        cells = [f"{m[g]['ndcg']:.3f} / {m[g]['mrr']:.3f} / {m[g]['recall']:.3f}" for g in names]
        print(f"| {engine} | " + " | ".join(cells) + f" | {mean['ndcg']:.3f} / {mean['mrr']:.3f} |")


def intervals(ours: PerQuery, others: dict[str, PerQuery]) -> None:
    """The paired bootstrap of Kennisbank's gain in nDCG@10 (mean of the groups) over each other ranking."""
    print("\n| Kennisbank (leave one group out) against | gain in nDCG@10 | 95 % interval |\n| --- | --- | --- |")
    new = {g: {q: s[2] for q, s in qs.items()} for g, qs in ours.items()}
    for name, theirs in others.items():
        gain, low, high = bootstrap(new, {g: {q: s[2] for q, s in qs.items()} for g, qs in theirs.items()})
        print(f"| {name} | {gain:+.3f} | [{low:+.3f}, {high:+.3f}] |")


def per_class(rows: list[Judged], ours: PerQuery, plain: dict[str, PerQuery]) -> None:
    """Per group and query class: Kennisbank against the group's best plain engine (by its nDCG on the group)."""
    print("\n| group | class | queries | Kennisbank nDCG / MRR | best plain engine nDCG / MRR | lower by > 0.02 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for group in GROUPS:
        best = max(plain, key=lambda e: means(list(plain[e][group.name].values()))["ndcg"])
        classes = sorted({r.query["class"] for r in rows if r.group == group.name})
        for name in classes:
            ids = [r.query["id"] for r in rows if r.group == group.name and r.query["class"] == name]
            k = means([ours[group.name][i] for i in ids])
            b = means([plain[best][group.name][i] for i in ids])
            low = ", ".join(m for m in ("ndcg", "mrr") if k[m] < b[m] - 0.02) or "no"
            print(f"| {group.name} | {name} | {len(ids)} | {k['ndcg']:.3f} / {k['mrr']:.3f} | "
                  f"{b['ndcg']:.3f} / {b['mrr']:.3f} ({best}) | {low} |")


def main() -> int:
    from fit_ranker import base_model, collect_all, leave_group_out, per_group, within_group
    from kennisbank.config import resolve
    from kennisbank.search.engine import Engine
    from kennisbank.search.features import FEATURES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-query", action="store_true", help="Kennisbank's leave-one-group-out scores per query")
    parser.add_argument("--pdf", help="a data dir holding ../shared/corpus/pdf (default: ingest afresh)")
    parser.add_argument("--berichten", help="a data dir holding ../shared/corpus/berichten (default: ingest afresh)")
    parser.add_argument("--own-data", help="a data dir holding corpus/vormen (default: ingest afresh)")
    args = parser.parse_args()
    judge = load_judge()
    own = json.loads((EVAL / "vormen_queries.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        given = {"pdf": args.pdf, "berichten": args.berichten}
        rows = collect_all(judge, tmp, given, FEATURES)
        engines = {folder: Engine(resolve(data)) for folder, data in data_dirs(tmp, given).items()}
        logo = leave_group_out(judge, rows, FEATURES)
        five = within_group(judge, rows, FEATURES)
        base, shipped = per_group(judge, base_model(FEATURES), rows), per_group(judge, None, rows)
        plain = plain_scores(judge, rows, engines, tmp)
        print("Judged groups: " + "; ".join(f"{g.name}: {g.about}" for g in GROUPS) + "\n")
        groups_table({"Kennisbank, leave one group out": logo, "Kennisbank, within-group 5-fold": five,
                      "Kennisbank base (coverage, no fitted weight)": base,
                      "Kennisbank shipped model (fitted on all groups: in-sample)": shipped, **plain})
        intervals(logo, {"the base": base, **plain})
        per_class(rows, logo, plain)
        print(f"\nStage 1: {stage1_recall(rows):.3f} of the judged nuggets are among the candidates "
              f"({sum(len(r.hits) for r in rows) / len(rows):.0f} per query on average, at most 200); their best "
              f"order would reach nDCG@10 {best_order(judge, rows):.3f}.")
        own_data = Path(args.own_data) if args.own_data else tmp / "own"
        if not args.own_data:
            ingest(OWN, own_data)
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
            for r in rows:
                rec, rr, nd = logo[r.group][r.query["id"]]
                print(f"{r.query['id']:>5}  recall {rec:.2f}  rr {rr:.2f}  nDCG {nd:.2f}  ({r.query['class']})  "
                      f"{r.query['query']}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
