"""Where the judged places of a dev query rank: its top hits, and every hit (down to 200) that covers a nugget.

    .venv/bin/python bench/debug_query.py DATA_DIR [QUERY_ID ...]

DATA_DIR holds an ingest of ../shared/corpus/pdf; without ids every dev query is shown. Text is normalised
with the judge's own function, so a nugget counts here exactly where the judge counts it.
"""
from __future__ import annotations

import json
import sys

from judged import SHARED, load_judge
from kennisbank.config import resolve
from kennisbank.search.engine import Engine


def main() -> None:
    data = resolve(sys.argv[1])
    wanted = set(sys.argv[2:])
    queries = json.loads((SHARED / "eval/dev_queries.json").read_text())
    engine = Engine(data)
    norm = load_judge().norm
    for q in queries:
        if wanted and q["id"] not in wanted:
            continue
        answer = engine.search(q["query"], limit=200, facets=False)
        print(f"== {q['id']} {q['query']!r} total={answer['total']} suggestion={answer['suggestion']}")
        nuggets = [norm(n) for n in q["nuggets"]]
        for rank, hit in enumerate(answer["hits"], 1):
            text = norm(hit["text"][:2000])
            cov = [i for i, n in enumerate(nuggets) if n in text]
            if rank <= 10 or cov:
                print(f"  {rank:>3} {hit['score']:>7} {hit['document_id'][:28]:<28} p{hit['page']:<3} {cov or ''} "
                      f"{hit['section'][-50:]!r} | {hit['text'][:90]!r}")
        s = engine.searcher()
        for i, n in enumerate(nuggets):
            where = [h["pid"] for h in s.all_passages() if n in norm(h["text"][:2000])]
            print(f"  nugget {i} {q['nuggets'][i]!r}: in {where}")


if __name__ == "__main__":
    main()
