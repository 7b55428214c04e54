"""CPU time per search, and where it goes: the bench of issue 27 (stage 2 reads what the index stored).

    .venv/bin/python bench/stage2.py --engine whoosh --scale 10 [--queries 150] [--profile 5]

Builds (once) an index of the generated corpus at that scale in bench/out/stage2-x<scale>-<engine>, runs the dev
queries plus sampled ones through Engine.search (top 10 with snippets and facets), prints CPU ms per search
p50/p95 and the index size against the raw text, and keeps pyinstrument profiles of the slowest queries in
bench/out/profiles/. Where the index stores each passage's analysed words, it measures in the same run, query by
query in turn, the peer that analyses each candidate's text again (what stage 2 did before), and prints the
ratio. A timing here is a benchmark figure, never a test assertion.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
OUT = BENCH / "out"

import corpus_gen  # noqa: E402
import phases  # noqa: E402
from kennisbank.config import DataDir  # noqa: E402
from kennisbank.index.engine import ENGINE_VAR, ENGINES  # noqa: E402
from kennisbank.search.engine import Engine  # noqa: E402


def built(scale: int, engine: str) -> tuple[DataDir, dict]:
    """The data dir of the generated corpus at a scale, bulk-loaded by an engine (loaded once, then reused)."""
    corpus, data = OUT / f"corpus-x{scale}", DataDir(OUT / f"stage2-x{scale}-{engine}")
    if not (corpus / "manifest.json").exists():
        corpus_gen.generate(scale, corpus)
    facts = data.root / "bench-ingest.json"
    if not facts.exists():
        os.environ[ENGINE_VAR] = engine
        result = phases.bulk_ingest(corpus, data, workers=2, batch=25)
        facts.write_text(json.dumps(result), encoding="utf-8")
    return data, json.loads(facts.read_text(encoding="utf-8"))


def cpu_per_search(engines: dict[str, Engine], queries: list[str]) -> dict[str, list[float]]:
    """Per engine, the CPU milliseconds of each search (the engines take each query in turn, each going first
    for every other query: the first search of a query fills caches the next one finds full)."""
    cpu: dict[str, list[float]] = {name: [] for name in engines}
    for n, q in enumerate(queries):
        for name, engine in sorted(engines.items(), reverse=bool(n % 2)):
            c = time.process_time()
            engine.search(q, limit=10)
            cpu[name].append((time.process_time() - c) * 1000)
    return cpu


def peers(data: DataDir) -> dict[str, Engine]:
    """The engine as it searches, and (where the index stores analysed words) the peer analysing text again."""
    try:
        from kennisbank.search.passage import text_terms
    except ImportError:  # code from before the stored words
        return {"search": Engine(data)}
    return {"search": Engine(data), "text-analysed": Engine(data, read_terms=text_terms)}


def stream_share(engine: Engine) -> float | None:
    """The stored analysed words' bytes against the passages' text bytes (uncompressed), if stored."""
    stream = text = 0
    for passage in engine.searcher().all_passages():
        stream += len((passage.get("terms") or "").encode("utf-8"))
        text += len(passage["text"].encode("utf-8"))
    return round(stream / text, 2) if stream else None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--engine", choices=ENGINES, default="whoosh")
    p.add_argument("--queries", type=int, default=150, help="sampled queries on top of the dev queries")
    p.add_argument("--profile", type=int, default=5, help="slowest queries to keep a profile of")
    p.add_argument("--label", default="", help="added to the profiles' names (before, after)")
    args = p.parse_args()
    data, ingest = built(args.scale, args.engine)
    engines = peers(data)
    engine = engines["search"]
    queries = [q for _, q in phases.sample_queries(engine, args.queries)]
    for q in queries[:40]:  # warm-up: word caches, the compound dictionary, the searcher
        for each in engines.values():
            each.search(q, limit=10)
    cpu = cpu_per_search(engines, queries)
    slowest = sorted(zip(cpu["search"], queries), reverse=True)
    name = f"x{args.scale}-{args.engine}{'-' + args.label if args.label else ''}"
    profiles = OUT / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    slow = [q for _, q in slowest[:args.profile]]
    phases.profiled(lambda: [engine.search(q, limit=10) for q in slow], profiles / f"{name}-slowest.txt")
    size = phases.folder_bytes(data.index)
    report = {"engine": args.engine, "scale": args.scale, "passages": ingest["passages"], "queries": len(queries),
              "cpu_ms": {name: phases.percentiles(ms) for name, ms in cpu.items()}, "index_bytes": size,
              "index_per_raw_text": round(size / ingest["raw_text_bytes"], 2),
              "stored_words_per_text": stream_share(engine),
              "slowest": [(round(ms, 1), q) for ms, q in slowest[:8]]}
    if len(cpu) > 1:
        report["peer_over_search"] = {p: round(phases.percentiles(cpu["text-analysed"])[p]
                                               / phases.percentiles(cpu["search"])[p], 2) for p in ("p50", "p95")}
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
