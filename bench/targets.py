"""The national-scale targets per engine (whoosh at ×100, tantivy at ×1000) and the table that says which are met.

Each figure comes from one `bench/run.py` results file; search latency is CPU time (what an idle machine would
show), the web and load figures are wall time on this shared 2-core machine.
"""
from __future__ import annotations

# engine -> (scale, {target name: limit}); "≤" limits unless the name says "≥"
TARGETS: dict[str, tuple[int, dict[str, float]]] = {
    "whoosh": (100, {"p50": 30, "p95": 100, "searches_per_s": 40, "p95_ingest": 300, "load_s": 180,
                     "index_ratio": 2.0, "rss_mb": 1024, "ndcg_gap": 0.01}),
    "tantivy": (1000, {"p50": 10, "p95": 50, "searches_per_s": 100, "p95_ingest": 150, "load_s": 900,
                       "index_ratio": 2.0, "rss_mb": 1536, "ndcg_gap": 0.01}),
}
LABELS = {
    "p50": "search p50, top 10 with snippets and facets (CPU ms)",
    "p95": "search p95 (CPU ms)",
    "searches_per_s": "searches/s over HTTP, 2 worker processes, 4 clients (≥)",
    "p95_ingest": "p95 while an ingest runs (ms)",
    "load_s": "full load (s)",
    "index_ratio": "index size / raw text",
    "rss_mb": "peak RSS, largest process (MB)",
    "ndcg_gap": "dev-set nDCG@10, engine vs engine (difference)",
}
AT_LEAST = {"searches_per_s"}


def measured(r: dict, other: dict | None) -> dict[str, float | None]:
    """The figures of one run that the targets name (None where the run did not measure it)."""
    ing, web, cpu = r["ingest"], r.get("web", {}), r["search"].get("cpu", {})
    complete = not ing.get("of") or ing["documents"] >= ing["of"]
    gap = None
    if r.get("quality") and other and other.get("quality"):
        gap = round(abs(r["quality"]["ndcg"] - other["quality"]["ndcg"]), 4)
    return {
        "p50": cpu.get("p50"),
        "p95": cpu.get("p95"),
        "searches_per_s": web.get("idle", {}).get("searches_per_s"),
        "p95_ingest": web.get("during_ingest", {}).get("latency_ms", {}).get("p95"),
        "load_s": ing["seconds"] if complete and not ing.get("reused") else None,
        "index_ratio": round(ing["index_bytes"] / ing["raw_text_bytes"], 2),
        "rss_mb": max(ing["peak_rss_mb"]["self"], ing["peak_rss_mb"]["children"]),
        "ndcg_gap": gap,
    }


def verdict(name: str, value: float | None, limit: float) -> str:
    """met / **not met** / not measured."""
    if value is None:
        return "not measured"
    ok = value >= limit if name in AT_LEAST else value <= limit
    return "met" if ok else "**not met**"


def overlap(a: dict, b: dict) -> tuple[int, int, int, float]:
    """On the dev queries both runs scored (the shared PDFs): queries with the same first hit, with the same top
    10 as a set, how many queries, and the share of top-10 passages in common."""
    ta, tb = a.get("quality", {}).get("top10", {}), b.get("quality", {}).get("top10", {})
    common = [q for q in ta if q in tb]
    shared = sum(len(set(ta[q]) & set(tb[q])) for q in common) / max(1, sum(len(ta[q]) for q in common))
    return (sum(ta[q][:1] == tb[q][:1] for q in common), sum(set(ta[q]) == set(tb[q]) for q in common),
            len(common), shared)


def engine(r: dict) -> str:
    """The engine a results file measured (files from before the engine interface measured whoosh)."""
    return r.get("engine", "whoosh")


def table(results: list[dict]) -> list[str]:
    """The targets table: for each engine its run at the target scale (the latest), the figure and the verdict."""
    latest: dict[tuple[int, str], dict] = {}
    for r in sorted(results, key=lambda r: r["date"]):
        latest[(r["scale"], engine(r))] = r
    runs = {e: latest.get((scale, e)) for e, (scale, _t) in TARGETS.items()}
    if not any(runs.values()):
        return []
    lines = ["## The engines against the national-scale targets", "",
             "| what | " + " | ".join(f"{e} ×{TARGETS[e][0]}: target | measured | verdict" for e in TARGETS) + " |",
             "| --- |" + " --- | --- | --- |" * len(TARGETS)]
    figures = {}
    for e, r in runs.items():
        other = next((o for k, o in runs.items() if k != e and o), None)
        if other is None:  # the other engine's run at any scale still scores the same dev set
            other = next((o for (_s, k), o in latest.items() if k != e), None)
        figures[e] = measured(r, other) if r else {}
    for name, label in LABELS.items():
        cells = []
        for e, (_scale, limits) in TARGETS.items():
            value = figures[e].get(name)
            sign = "≥" if name in AT_LEAST else "≤"
            cells += [f"{sign} {limits[name]:g}", "—" if value is None else f"{value:g}",
                      verdict(name, value, limits[name]) if runs[e] else "not run"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for e, r in runs.items():
        if r:
            lines.append(f"- {e} ×{r['scale']}: run of {r['date']}, `{r['command']}`"
                         + ("" if figures[e]["load_s"] is not None else
                            f"; the load did not finish: {r['ingest']['documents']} of "
                            f"{r['ingest'].get('of')} documents in {r['ingest']['seconds']} s"))
    scored = [r for r in runs.values() if r and r.get("quality")]
    if len(scored) == 2:
        first, same, total, shared = overlap(*scored)
        lines.append(f"- the 75 dev queries on the shared PDFs, whoosh against tantivy: the same first hit for {first} "
                     f"of {total}, the same top 10 (as a set) for {same}, {shared:.0%} of top-10 passages in common")
    return lines + [""]
