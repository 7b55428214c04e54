"""Kennisbank at national scale: ingest, incremental updates, search, comparison and the web server, with peers.

    .venv/bin/python bench/run.py --scale 10                    # ~2 minutes, whoosh
    .venv/bin/python bench/run.py --engine tantivy --scale 1000 [--reuse] [--queries 300] [--skip-web]

Generates a seeded corpus of 5 x scale documents (bench/corpus_gen.py; the same for both engines), bulk-loads it
with bulk.add_many in a child process (for its peak RSS) into an index of the chosen engine, then measures
everything against that index, and scores the 75 dev queries over the shared PDFs on the same engine. Writes
bench/out/results-x<scale>-<engine>.json and renders bench/RESULTS.md from every results file present (plus the
hand-written findings in bench/notes.md). Never part of the test run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]
OUT = BENCH / "out"

import corpus_gen  # noqa: E402
import phases  # noqa: E402
from kennisbank.config import DataDir  # noqa: E402
from kennisbank.index.engine import ENGINE_VAR, ENGINES  # noqa: E402
from kennisbank.search.engine import Engine  # noqa: E402


def machine() -> dict:
    """What this ran on."""
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"nproc": os.cpu_count(), "memory_gb": round(mem / 2**20, 1), "cpu": cpu,
            "python": platform.python_version(), "load_avg_start": os.getloadavg()}


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def ingest_child(args: argparse.Namespace) -> int:
    """--phase ingest: bulk-load the corpus into the data dir and print the figures as JSON."""
    corpus, data = OUT / f"corpus-x{args.scale}", DataDir(OUT / f"data-x{args.scale}-{args.engine}")
    result = phases.bulk_ingest(corpus, data, args.workers, args.batch, args.ingest_budget)
    (data.root / "bench-ingest.json").write_text(json.dumps(result), encoding="utf-8")
    print(json.dumps(result))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--engine", choices=ENGINES, default="whoosh", help="the index engine to measure")
    p.add_argument("--queries", type=int, default=300, help="sampled queries on top of the dev queries")
    p.add_argument("--workers", type=int, default=2, help="pipeline processes during the bulk load")
    p.add_argument("--batch", type=int, help="documents per index commit during the bulk load "
                   "(default: a tenth of the documents, 10 to 100)")
    p.add_argument("--reuse", action="store_true", help="keep an index that an earlier run built")
    p.add_argument("--ingest-budget", type=float, help="seconds after which the bulk load starts no new file "
                   "(the scale reached is reported)")
    p.add_argument("--skip-web", action="store_true")
    p.add_argument("--skip-peers", action="store_true")
    p.add_argument("--web-seconds", type=float, help="length of each web load run (default 4 s at x10, else 20 s)")
    p.add_argument("--phase", choices=["ingest"], help=argparse.SUPPRESS)
    args = p.parse_args()
    args.batch = args.batch or max(10, min(100, 5 * args.scale // 10))
    args.web_seconds = args.web_seconds or (4.0 if args.scale <= 10 else 20.0)
    os.environ[ENGINE_VAR] = args.engine  # every index this run (and its child processes) creates
    if args.phase == "ingest":
        return ingest_child(args)
    OUT.mkdir(exist_ok=True)
    (OUT / "profiles").mkdir(exist_ok=True)
    started = time.perf_counter()
    res: dict = {"scale": args.scale, "engine": args.engine, "date": datetime.now().isoformat(timespec="minutes"),
                 "machine": machine(),
                 "command": " ".join([".venv/bin/python", "bench/run.py", *sys.argv[1:]])}
    corpus, extra = OUT / f"corpus-x{args.scale}", OUT / "corpus-extra"
    if not (corpus / "manifest.json").exists():
        log(f"generating corpus x{args.scale}")
        res["corpus"] = corpus_gen.generate(args.scale, corpus)
    else:
        res["corpus"] = {"documents": len(json.loads((corpus / "manifest.json").read_text()))}
    if not (extra / "manifest.json").exists():
        corpus_gen.generate(8, extra, seed=99)  # 40 documents never in any scaled corpus
    work, tag = OUT / "work" / args.engine, f"x{args.scale}-{args.engine}"
    log("PDF ingest (the 5 shared PDFs) and per-stage times")
    res["pdf"] = phases.pdf_ingest(work)
    log("dev queries on the shared PDFs")
    res["quality"] = phases.dev_quality(DataDir(work / "pdf-e2e"))
    res["text_stages"] = phases.text_stages(corpus, work, 5 if args.scale <= 10 else 10)
    data = DataDir(OUT / f"data-{tag}")
    marker = data.root / "bench-ingest.json"
    if args.reuse and marker.exists():
        res["ingest"] = json.loads(marker.read_text()) | {"reused": True}
    else:
        log(f"bulk ingest x{args.scale} (child process, workers={args.workers}, batch={args.batch})")
        child = subprocess.run([sys.executable, __file__, "--phase", "ingest", "--scale", str(args.scale),
                                "--engine", args.engine,
                                "--workers", str(args.workers), "--batch", str(args.batch),
                                *(["--ingest-budget", str(args.ingest_budget)] if args.ingest_budget else [])],
                               capture_output=True, text=True, check=True)
        res["ingest"] = json.loads(child.stdout.strip().splitlines()[-1])
    res["ingest"]["composition_mb"] = phases.index_composition(data)
    log(f"ingest: {json.dumps(res['ingest'])}")
    log("incremental add and remove of one document")
    res["incremental"] = phases.incremental(data, extra)
    engine = Engine(data)
    queries = phases.sample_queries(engine, args.queries)
    (OUT / f"queries-x{args.scale}.json").write_text(json.dumps(queries, ensure_ascii=False, indent=0))
    log(f"search latency over {len(queries)} queries")
    res["search"] = phases.search_latency(engine, queries)
    slowest = [q for _ms, q in res["search"]["slowest"][:5]]
    phases.profiled(lambda: [engine.search(q, limit=10) for q in slowest],
                    OUT / "profiles" / f"{tag}-search-slowest.txt")
    res["comparison"] = phases.comparison(engine)
    from kennisbank import vergelijk
    phases.profiled(vergelijk.matrix, OUT / "profiles" / f"{tag}-matrix.txt", engine)
    if not args.skip_peers:
        res["peers"] = peers_phase(engine, queries, res)
    engine.close()
    if not args.skip_web:
        res["web"] = web_phase(data, [q for _k, q in queries], args.web_seconds)
    res["seconds_total"] = round(time.perf_counter() - started, 1)
    res["machine"]["load_avg_end"] = os.getloadavg()
    (OUT / f"results-{tag}.json").write_text(json.dumps(res, ensure_ascii=False, indent=1))
    import report
    report.render(OUT, BENCH / "RESULTS.md", BENCH / "notes.md")
    log(f"done in {res['seconds_total']} s; bench/RESULTS.md written")
    return 0


def peers_phase(engine: Engine, queries: list[tuple[str, str]], res: dict) -> dict:
    """FTS5 and tantivy on the same passages and query texts; our figures as ratios to theirs."""
    import peers

    log("peers: reading the stored passages")
    rows = [(d["pid"], d["text"]) for d in engine.searcher().all_passages()]
    texts = [q for _k, q in queries]
    out: dict = {"passages": len(rows)}
    (OUT / "work" / "peers").mkdir(parents=True, exist_ok=True)
    ours_p50, ours_p95 = res["search"]["all"]["p50"], res["search"]["all"]["p95"]
    for name, build in (("sqlite_fts5", peers.fts5), ("tantivy", peers.tantivy_index)):
        log(f"peer {name}")
        seconds, size, search = build(rows, OUT / "work" / "peers")
        lat = phases.percentiles(peers.latencies(search, texts))
        out[name] = {"index_s": round(seconds, 2), "index_bytes": size, "latency_ms": lat,
                     "ratio_index_time": round(res["ingest"]["index_write_s"] / max(seconds, 1e-6), 1),
                     "ratio_p50": round(ours_p50 / max(lat["p50"], 1e-3), 1),
                     "ratio_p95": round(ours_p95 / max(lat["p95"], 1e-3), 1)}
    return out


def web_phase(data: DataDir, queries: list[str], seconds: float) -> dict:
    """Searches/s through `kennisbank serve --workers 2` (gunicorn, 2 worker processes of 4 threads), without and
    with an ingest running."""
    import web_load

    log("web: starting kennisbank serve")
    proc, port = web_load.start_server(data.root, 2, OUT / "serve.log", threads=4)
    out: dict = {"server_workers": 2, "server_threads": 4}
    distinct = web_load.distinct_queries(data.root)  # none asked twice: no answer from a worker's search cache
    try:
        web_load.load(port, queries[:50], seconds=2)  # warm-up
        log("web: load without ingest")
        out["idle"] = web_load.load(port, distinct, seconds=seconds, server_pid=proc.pid)
        folder = OUT / "work" / "during-load"
        import shutil
        shutil.rmtree(folder, ignore_errors=True)
        ids = web_load.write_manifest_subset(OUT / "corpus-extra", folder, 40, "tijdens-load")
        log("web: load while ingesting")
        out["during_ingest"] = web_load.with_ingest(port, distinct[::-1], data.root, folder, seconds, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    web_load.remove_ids(data.root, ids)
    return out


if __name__ == "__main__":
    sys.exit(main())
