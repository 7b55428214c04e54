"""Render bench/RESULTS.md from bench/out/results-x*.json and the hand-written findings in bench/notes.md."""
from __future__ import annotations

import json
import re
from pathlib import Path

import targets


def _idle_pages_per_s(ing: dict) -> float:
    """Bulk-load pages/s that the CPU time allows on an idle 2-core machine (main process and workers overlap)."""
    cpu = ing["cpu_s"]
    seconds = max(cpu["main"], (cpu["main"] + cpu["workers"]) / 2)
    return round(ing["words"] / 360 / seconds, 1)


def _targets(r: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured wall time on the shared machine, CPU-time figure (~ an idle machine), met by CPU)."""
    s, cpu, ing, web = r["search"]["all"], r["search"].get("cpu", {}), r["ingest"], r.get("web", {})
    rss = max(ing["peak_rss_mb"]["self"], ing["peak_rss_mb"]["children"])
    ratio = ing["index_bytes"] / ing["raw_text_bytes"]
    idle_pages = _idle_pages_per_s(ing)
    rows = [
        ("search p95 ≤ 100 ms (snippets + facets)", f"{s['p95']} ms", f"{cpu.get('p95')} ms",
         cpu.get("p95", 1e9) <= 100),
        ("search p50 ≤ 30 ms", f"{s['p50']} ms", f"{cpu.get('p50')} ms", cpu.get("p50", 1e9) <= 30),
        ("comparison matrix ≤ 1 s (warm)", f"{r['comparison']['matrix_ms']} ms", "",
         r["comparison"]["matrix_ms"] <= 1000),
        ("ingest ≥ 30 pages/s with enrichment (the 5 PDFs, end to end)", f"{r['pdf']['pages_per_s']} pages/s",
         f"{r['pdf'].get('pages_per_cpu_s')} pages per CPU second", r["pdf"].get("pages_per_cpu_s", 0) >= 30),
        ("ingest ≥ 30 pages/s, bulk text (page = 360 words)", f"{ing['pages_per_s_equiv']} pages/s",
         f"{idle_pages} pages/s", idle_pages >= 30),
        ("peak RSS ≤ 1.5 GB (bulk load, largest process)", f"{rss} MB", "", rss <= 1536),
        ("index ≤ 2× raw text", f"{ratio:.2f}×", "", ratio <= 2),
        ("add one document ≤ 3 s", f"{r['incremental']['add_s']} s", f"{r['incremental'].get('add_cpu_s')} s",
         r["incremental"].get("add_cpu_s", r["incremental"]["add_s"]) <= 3),
    ]
    if web:
        idle, busy = web["idle"], web["during_ingest"]
        per, processes = idle.get("server_cpu_ms_per_request"), web.get("server_workers", 1)
        capacity = round(1000 * processes / per, 1) if per else None
        rows += [("≥ 100 searches/s with 2 workers", f"{idle['searches_per_s']}/s",
                  f"{per} ms CPU per request → ≤ {capacity}/s ({processes} process(es), one interpreter lock each)",
                  (capacity or 0) >= 100),
                 ("p95 ≤ 300 ms during ingest", f"{busy['latency_ms']['p95']} ms", "",
                  busy["latency_ms"]["p95"] <= 300)]
    return rows


def _scale_section(r: dict) -> list[str]:
    """All numbers of one scale and engine."""
    ing, pdf, s, m = r["ingest"], r["pdf"], r["search"], r["machine"]
    quality = r.get("quality")
    lines = [f"## ×{r['scale']}, {targets.engine(r)}", "",
             f"- date {r['date']}; command `{r['command']}`; total {r['seconds_total']} s",
             f"- machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}; "
             f"load average at start {tuple(round(x, 2) for x in m['load_avg_start'])}, at end "
             f"{tuple(round(x, 2) for x in m['load_avg_end'])} (other sessions share this machine)",
             f"- corpus: {ing['documents']} documents, {ing['passages']} passages, {ing['words']:,} words, "
             f"{ing['raw_text_bytes'] / 2**20:.1f} MB text"
             + (f" — **the bulk load stopped at its budget of {ing['budget_s']:.0f} s: {ing['documents']} of "
                f"{ing['of']} documents (×{ing['documents'] / 5:.0f} reached)**"
                if ing.get("of") and ing["documents"] < ing["of"] else ""),
             *([f"- dev set (75 queries, the shared PDFs, this engine): nDCG@10 {quality['ndcg']}, MRR@10 "
                f"{quality['mrr']}, recall@10 {quality['recall']}"] if quality else []), "",
             "| what | figure |", "| --- | --- |",
             f"| PDF ingest, end to end (add_bytes, commit per document) | {pdf['pages']} pages / {pdf['passages']} "
             f"passages in {pdf['seconds']} s = **{pdf['pages_per_s']} pages/s**, {pdf['passages_per_s']} "
             f"passages/s (spaCy load {pdf['spacy_load_s']} s before) |",
             f"| PDF stages (s) | {_kv(pdf['stages_s'])} |",
             f"| text stages, first {r['text_stages']['documents']} documents (share) | "
             f"{_kv(r['text_stages']['share'])} |",
             f"| bulk load (add_many, {ing['workers']} pipeline processes, {ing['batch']} documents per commit) | "
             f"{ing['seconds']} s: {ing['docs_per_s']} documents/s, **{ing['passages_per_s']} passages/s**, "
             f"{ing['words_per_s']:,} words/s (≈ {ing['pages_per_s_equiv']} pages/s); index writing "
             f"{ing['index_write_s']} s of it; CPU main {ing['cpu_s']['main']} s, workers {ing['cpu_s']['workers']} s"
             f"{' (reused index)' if ing.get('reused') else ''} |",
             f"| bulk load progress (seconds, documents) | {ing.get('timeline', [])} |",
             f"| peak RSS | bulk-load process {ing['peak_rss_mb']['self']} MB, largest worker "
             f"{ing['peak_rss_mb']['children']} MB |",
             f"| index size | {ing['index_bytes'] / 2**20:.1f} MB = "
             f"**{ing['index_bytes'] / ing['raw_text_bytes']:.2f}× "
             f"raw text** ({ing['segments']} segment files; MB per kind: {ing.get('composition_mb')}); "
             f"store (originals + records) "
             f"{ing['store_bytes'] / 2**20:.1f} MB |",
             f"| add one document / remove it | **{r['incremental']['add_s']} s** "
             f"({r['incremental']['passages']} passages) / **{r['incremental']['remove_s']} s** |",
             f"| search, {s['all']['n']} queries, limit 10, snippets + facets | p50 **{s['all']['p50']} ms**, p95 "
             f"**{s['all']['p95']} ms**, p99 {s['all']['p99']} ms, mean {s['all']['mean']} ms, "
             f"max {s['all']['max']} ms; "
             f"CPU time p50 {s.get('cpu', {}).get('p50')} ms, p95 {s.get('cpu', {}).get('p95')} ms |"]
    for kind, p in s["per_kind"].items():
        lines.append(f"| — {kind} ({p['n']}) | p50 {p['p50']} ms, p95 {p['p95']} ms, max {p['max']} ms |")
    lines.append(f"| slowest queries | {'; '.join(f'`{q}` {ms} ms' for ms, q in s['slowest'][:5])} |")
    lines.append(f"| comparison matrix / compare one thema | **{r['comparison']['matrix_ms']} ms** / "
                 f"{r['comparison']['compare_ms']} ms |")
    for name, peer in r.get("peers", {}).items():
        if isinstance(peer, dict):
            lines.append(f"| peer {name} | index {peer['index_s']} s ({peer['index_bytes'] / 2**20:.1f} MB), p50 "
                         f"{peer['latency_ms']['p50']} ms, p95 {peer['latency_ms']['p95']} ms → ours is "
                         f"{peer['ratio_index_time']}× its index time, {peer['ratio_p50']}× its p50, "
                         f"{peer['ratio_p95']}× its p95 |")
    for phase, label in (("idle", "web, no ingest"), ("during_ingest", "web, ingest running")):
        w = r.get("web", {}).get(phase)
        if w:
            extra = (f"; {w['ingested']} documents ingested meanwhile, still running at end: "
                     f"{w['ingest_still_running_at_end']}") if phase == "during_ingest" else ""
            server = (f"{r['web']['server_workers']} worker processes × {r['web']['server_threads']} threads"
                      if "server_workers" in r["web"] else f"{r['web'].get('server_threads', 2)} server threads")
            lines.append(f"| {label} ({w['clients']} clients, {server}) | **{w['searches_per_s']} "
                         f"searches/s**, p50 {w['latency_ms']['p50']} ms, p95 **{w['latency_ms']['p95']} ms**, "
                         f"errors {w['errors']} of {w['requests']}{extra} |")
    lines += ["", "| earlier target (national scale, 2026-12-03) | measured (wall, shared machine) | CPU time (≈ idle "
              "machine) | verdict |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {t} | {v} | {c} | {'met' if ok else '**not met**'} |" for t, v, c, ok in _targets(r)]
    return lines + [""]


def _kv(d: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items())


def render(out: Path, target: Path, notes: Path) -> None:
    """Write RESULTS.md: the findings, the engines against the targets, then every run, largest scale first."""
    results = [json.loads(p.read_text()) for p in out.glob("results-x*.json")]
    lines = ["# Benchmark results", "",
             "Written by `bench/run.py` (numbers) from `bench/out/results-x*.json`, with the findings of "
             "`bench/notes.md`. Re-run: `.venv/bin/python bench/run.py [--engine tantivy] --scale 10` "
             "(or 100, 1000).", ""]
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").strip(), ""]
    lines += targets.table(results)
    sections = _earlier_sections(target)  # runs of another day (their results files are gone)
    sections.update({(r["scale"], targets.engine(r)): _scale_section(r) for r in results})
    for key in sorted(sections, key=lambda k: (-k[0], k[1])):
        lines += sections[key]
    target.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def _earlier_sections(target: Path) -> dict[tuple[int, str], list[str]]:
    """The "## ×N[, engine]" sections of an existing RESULTS.md, by scale and engine (whoosh when not named)."""
    if not target.exists():
        return {}
    sections: dict[tuple[int, str], list[str]] = {}
    key = None
    for line in target.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            found = re.fullmatch(r"## ×(\d+)(?:, (\w+))?", line.strip())
            key = (int(found[1]), found[2] or "whoosh") if found else None
            if key:
                sections[key] = []
        if key is not None:
            sections[key].append(line)
    return sections
