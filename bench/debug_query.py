"""Show, per dev query, the top hits and where each missed nugget sits in the ranking (a tuning aid)."""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from kennisbank.config import resolve
from kennisbank.engine import Engine

SHARED = Path(__file__).resolve().parents[2] / "shared"


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return " " + re.sub(r"[^0-9a-z]+", " ", s).strip() + " "


def main() -> None:
    data = resolve(sys.argv[1])
    wanted = set(sys.argv[2:])
    queries = json.loads((SHARED / "eval/dev_queries.json").read_text())
    engine = Engine(data)
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
            where = [h["pid"] for h in s.documents() if n in norm(h["text"][:2000])]
            print(f"  nugget {i} {q['nuggets'][i]!r}: in {where}")


if __name__ == "__main__":
    main()
