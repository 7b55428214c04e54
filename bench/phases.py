"""The measured phases of bench/run.py: ingest, incremental add/remove, search and comparison, with profiles."""
from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import statistics
import time
from pathlib import Path

from kennisbank import analysis, bulk, documents, index
from kennisbank.config import DataDir
from kennisbank.search.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95, p99, mean and max of some milliseconds.

    >>> percentiles([1.0, 2.0, 3.0, 4.0])["p50"]
    2.5
    """
    if not values:
        return {}
    ordered = sorted(values)

    def at(p: float) -> float:
        k = (len(ordered) - 1) * p
        lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
        return round(ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo), 1)
    return {"n": len(values), "p50": at(0.5), "p95": at(0.95), "p99": at(0.99),
            "mean": round(statistics.fmean(values), 1), "max": round(ordered[-1], 1)}


def profiled(fn, path: Path, *args, **kwargs):
    """Run fn under pyinstrument, write the call tree to path; return fn's result."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    try:
        return fn(*args, **kwargs)
    finally:
        profiler.stop()
        path.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")


def rss_mb() -> dict[str, int]:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    return {"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}


def folder_bytes(path: Path) -> int:
    """Bytes of all files under path (symlinks followed once)."""
    path = path.resolve()
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def pdf_ingest(work: Path) -> dict:
    """The 5 shared PDFs: per-stage times of the pipeline and the index commit, then end to end (add_bytes)."""
    from indexer import enrich
    from indexer.pipeline import prepare

    started = time.perf_counter()
    enrich.pipeline()
    spacy_load = time.perf_counter() - started
    pdfs = sorted((SHARED / "corpus" / "pdf").glob("*.pdf"))
    manifest = {Path(e["pdf"]).name: e for e in json.loads((SHARED / "corpus" / "manifest.json").read_text())}
    stages: dict[str, float] = {}
    data = DataDir(work / "pdf-stages")
    shutil.rmtree(data.root, ignore_errors=True)
    ix = index.open_index(data.ensure())
    pages = passages = 0
    for path in pdfs:
        prepared = prepare(path.read_bytes(), path.name, {"id": manifest[path.name]["id"]})
        for stage, seconds in prepared.timings.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
        t = time.perf_counter()
        index.replace_document(ix, prepared.meta, "0" * 64, prepared.passages)
        stages["index+commit"] = stages.get("index+commit", 0.0) + time.perf_counter() - t
        pages, passages = pages + len(prepared.pages), passages + len(prepared.passages)
    data = DataDir(work / "pdf-e2e")
    shutil.rmtree(data.root, ignore_errors=True)
    t, cpu = time.perf_counter(), time.process_time()
    for path in pdfs:
        documents.add_bytes(data, path.read_bytes(), path.name, {"id": manifest[path.name]["id"]})
    e2e, cpu = time.perf_counter() - t, time.process_time() - cpu
    return {"files": len(pdfs), "pages": pages, "passages": passages, "spacy_load_s": round(spacy_load, 2),
            "stages_s": {k: round(v, 3) for k, v in stages.items()}, "seconds": round(e2e, 2),
            "pages_per_s": round(pages / e2e, 1), "passages_per_s": round(passages / e2e, 1),
            "cpu_s": round(cpu, 2), "pages_per_cpu_s": round(pages / cpu, 1),
            "pdf_bytes": sum(p.stat().st_size for p in pdfs), "index_bytes": folder_bytes(data.index)}


def corpus_files(corpus: Path, limit: int | None = None):
    """(filename, bytes, overrides) for the generated corpus, in manifest order."""
    entries = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))[:limit]
    for e in entries:
        yield e["file"], (corpus / e["file"]).read_bytes(), {k: e[k] for k in ("id", "title", "type", "region",
                                                                                 "date")}


def text_stages(corpus: Path, work: Path, sample: int = 10) -> dict:
    """Per-stage times on the first `sample` generated documents, in this process (one commit per document)."""
    from indexer.pipeline import prepare

    data = DataDir(work / "text-stages")
    shutil.rmtree(data.root, ignore_errors=True)
    ix = index.open_index(data.ensure())
    stages: dict[str, float] = {}
    words = 0
    for name, raw, overrides in corpus_files(corpus, sample):
        prepared = prepare(raw, name, overrides)
        words += sum(len(p.text.split()) for p in prepared.passages)
        for stage, seconds in prepared.timings.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
        t = time.perf_counter()
        index.replace_document(ix, prepared.meta, "0" * 64, prepared.passages)
        stages["index+commit"] = stages.get("index+commit", 0.0) + time.perf_counter() - t
    total = sum(stages.values())
    return {"documents": sample, "words": words, "stages_s": {k: round(v, 2) for k, v in stages.items()},
            "share": {k: round(v / total, 3) for k, v in stages.items()}}


def bulk_ingest(corpus: Path, data: DataDir, workers: int, batch: int, budget: float | None = None) -> dict:
    """The generated corpus through bulk.add_many (run it in its own process for its RSS).

    With a budget (seconds), no new file is started after it runs out: the scale reached is reported.
    """
    shutil.rmtree(data.root, ignore_errors=True)
    writes = {"seconds": 0.0, "batches": 0}
    original = bulk._write_batch

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            writes["seconds"] += time.perf_counter() - t
            writes["batches"] += 1
    bulk._write_batch = timed
    cpu0, t = os.times(), time.perf_counter()
    timeline: list[tuple[float, int]] = []

    def files():
        for item in corpus_files(corpus):
            if budget and time.perf_counter() - t > budget:
                return
            yield item

    def progress(_outcome) -> None:
        timeline.append((round(time.perf_counter() - t, 1), len(timeline) + 1))
    outcomes = bulk.add_many(data, files(), batch=batch, workers=workers, progress=progress)
    seconds, cpu1 = time.perf_counter() - t, os.times()
    timeline = timeline[batch - 1::batch] + timeline[-1:]  # (seconds, documents done) once per batch
    bulk._write_batch = original
    passages = sum(o.passages for o in outcomes)
    entries = json.loads((corpus / "manifest.json").read_text())[:len(outcomes)]
    raw = sum((corpus / e["file"]).stat().st_size for e in entries)
    words = sum(len((corpus / e["file"]).read_text(encoding="utf-8").split()) for e in entries)
    segments = segment_count(data)
    return {"documents": len(outcomes), "of": len(json.loads((corpus / "manifest.json").read_text())),
            "budget_s": budget, "timeline": timeline,
            "refused": sum(not o.ok for o in outcomes), "passages": passages,
            "words": words, "seconds": round(seconds, 1), "docs_per_s": round(len(outcomes) / seconds, 2),
            "passages_per_s": round(passages / seconds, 1), "words_per_s": round(words / seconds),
            "pages_per_s_equiv": round(words / 360 / seconds, 1),  # a PDF page of the shared corpus has ~360 words
            "index_write_s": round(writes["seconds"], 1), "batches": writes["batches"],
            "cpu_s": {"main": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 1),
                      "workers": round(cpu1.children_user + cpu1.children_system
                                       - cpu0.children_user - cpu0.children_system, 1)},
            "workers": workers, "batch": batch, "peak_rss_mb": rss_mb(), "raw_text_bytes": raw,
            "index_bytes": folder_bytes(data.index), "store_bytes": folder_bytes(data.originals)
            + folder_bytes(data.records), "segments": segments}


def index_composition(data: DataDir) -> dict:
    """MB per kind of index file in all segments: whoosh's `pst` postings, `trm` terms and `col` stored fields and
    columns (inside its compound .seg files); tantivy's `idx` postings, `pos` positions, `term`, `store`, `fast`."""
    folder = data.index.resolve()
    sizes: dict[str, int] = {}
    if index.built_by(data.index) == "whoosh":
        from whoosh import index as whoosh_index

        from kennisbank.index.whoosh_engine import INDEX_NAME

        ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
        for segment in ix._segments():
            storage = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
            for name in storage.list():
                if segment.is_compound() or name.startswith(f"{INDEX_NAME}_{segment.segid}"):
                    kind = name.rsplit(".", 1)[-1]
                    sizes[kind] = sizes.get(kind, 0) + storage.file_length(name)
    else:
        for f in folder.iterdir():
            if f.suffix in (".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm"):
                sizes[f.suffix[1:]] = sizes.get(f.suffix[1:], 0) + f.stat().st_size
    return {k: round(v / 2**20, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])}


def segment_count(data: DataDir) -> int:
    """How many segments the index has (whoosh .seg files, or tantivy segments by their id)."""
    folder = data.index.resolve()
    if index.built_by(data.index) == "whoosh":
        return len(list(folder.glob("*.seg"))) + len(list(folder.glob("*.pst")))
    return len({f.stem for f in folder.glob("*.idx")})


def incremental(data: DataDir, extra: Path) -> dict:
    """Add one new document to the built index (one commit, as a user does) and remove it again."""
    name, raw, overrides = next(corpus_files(extra))
    overrides["id"] = "bench-extra-document"
    t, cpu = time.perf_counter(), time.process_time()
    outcome = documents.add_bytes(data, raw, name, overrides)
    added, add_cpu = time.perf_counter() - t, time.process_time() - cpu
    t, cpu = time.perf_counter(), time.process_time()
    documents.remove(data, outcome.doc_id)
    removed, remove_cpu = time.perf_counter() - t, time.process_time() - cpu
    return {"add_s": round(added, 2), "remove_s": round(removed, 2), "add_cpu_s": round(add_cpu, 2),
            "remove_cpu_s": round(remove_cpu, 2), "passages": outcome.passages,
            "status": outcome.status}


def sample_queries(engine: Engine, n: int, seed: int = 11) -> list[tuple[str, str]]:
    """(kind, query): the dev queries plus n sampled from the indexed text (1-3 words, phrases, filters)."""
    from kennisbank.taxonomie import load as load_taxonomie

    rng = random.Random(seed)
    dev = [("dev", q["query"]) for q in json.loads((SHARED / "eval" / "dev_queries.json").read_text())]
    # in reading order, so both engines sample the same passages
    every = [p["text"] for p in sorted(engine.searcher().all_passages(),
                                       key=lambda p: (p["document_id"], p["position"]))]
    texts = rng.sample(every, min(400, len(every)))
    runs = [[w for w in re.findall(r"[^\W\d_]{4,}", t)] for t in texts]
    runs = [r for r in runs if len(r) >= 4]
    regios = [r.naam for r in load_taxonomie().regios]
    themas = [c.id for c in load_taxonomie().vraagstukken]

    def word(run: list[str]) -> str:
        return next((w for w in rng.sample(run, len(run)) if not analysis.is_stopword(w)), run[0]).lower()
    out = []
    plan = [("1 woord", 0.33), ("2 woorden", 0.2), ("3 woorden", 0.13), ("frase", 0.13), ("regio-filter", 0.1),
            ("type-filter", 0.05), ("thema-filter", 0.06)]
    for kind, share in plan:
        for _ in range(max(1, round(n * share))):
            run = rng.choice(runs)
            if kind.endswith("woord") or kind.endswith("woorden"):
                q = " ".join(word(run) for _ in range(int(kind[0])))
            elif kind == "frase":
                i = rng.randrange(len(run) - 1)
                q = f'"{run[i]} {run[i + 1]}"'
            elif kind == "regio-filter":
                q = f"{word(run)} regio:{rng.choice(regios)}"
            elif kind == "type-filter":
                q = f"{word(run)} type:{rng.choice(['projectplan', 'factsheet'])}"
            else:
                q = f"thema:{rng.choice(themas)}" + (f" {word(run)}" if rng.random() < 0.5 else "")
            out.append((kind, q))
    return dev + out


def search_latency(engine: Engine, queries: list[tuple[str, str]], warmup: int = 40) -> dict:
    """Engine.search (limit 10, snippets and facets) per query, after a warm-up pass over the first queries."""
    for _kind, q in queries[:warmup]:
        engine.search(q, limit=10)
    per_kind: dict[str, list[float]] = {}
    slow: list[tuple[float, str]] = []
    cpu: list[float] = []
    for kind, q in queries:
        t, c = time.perf_counter(), time.process_time()
        engine.search(q, limit=10)
        ms = (time.perf_counter() - t) * 1000
        cpu.append((time.process_time() - c) * 1000)
        per_kind.setdefault(kind, []).append(ms)
        slow.append((ms, q))
    everything = [ms for v in per_kind.values() for ms in v]
    return {"all": percentiles(everything), "cpu": percentiles(cpu),
            "per_kind": {k: percentiles(v) for k, v in per_kind.items()},
            "slowest": [(round(ms, 1), q) for ms, q in sorted(slow, reverse=True)[:8]]}


def comparison(engine: Engine) -> dict:
    """The regions x vraagstukken matrix and one side-by-side comparison (warm; best of 3)."""
    from kennisbank import vergelijk

    def best(fn) -> float:
        times = []
        for _ in range(3):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return round(min(times) * 1000, 1)
    return {"matrix_ms": best(lambda: vergelijk.matrix(engine)),
            "compare_ms": best(lambda: vergelijk.compare(engine, "complexe scheidingen"))}


def dev_quality(data: DataDir) -> dict:
    """The judge's scores on the 75 dev queries over the shared PDFs in data, and each query's top 10 (pids), so
    runs on different engines can be compared passage by passage."""
    from quality import evaluate, load_judge

    judge = load_judge()
    queries = json.loads((SHARED / "eval" / "dev_queries.json").read_text(encoding="utf-8"))
    engine = Engine(data)
    try:
        top: dict[str, list[str]] = {}

        def search(q: str) -> list[dict]:
            hits = engine.search(q, limit=10, facets=False)["hits"]
            top[q] = [f"{h['document_id']}:{h['position']}" for h in hits]
            return hits
        scores = evaluate(judge, queries, search)
    finally:
        engine.close()
    return {k: round(v, 4) for k, v in scores.items()} | {"top10": top}
