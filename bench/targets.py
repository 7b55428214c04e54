"""The targets of search in milliseconds (issue 27) per engine and scale, and the table that says which are met.

Each figure comes from one `bench/run.py` results file; search latency is CPU time (what an idle machine would
show), the web and load figures are wall time on this shared 2-core machine. Raw tantivy and SQLite FTS5 answer
the same query texts over the same passages in the same run (`peers`), so each run carries its own yardstick.
"""
from __future__ import annotations

# (engine, scale) -> {target name: limit}; "≤" limits unless the name says "≥"; None: reported, no limit
TARGETS: dict[tuple[str, int], dict[str, float | None]] = {
    ("tantivy", 100): {"p50": 10, "p95": 30, "searches_per_s": 80, "p95_ingest": 150, "index_ratio": 2.0,
                       "load_s": None},
    ("tantivy", 1000): {"p50": 15, "p95": 40, "searches_per_s": 60, "p95_ingest": 200, "index_ratio": 2.0,
                        "load_s": 900},
    ("whoosh", 100): {"p50": 50, "p95": 150, "searches_per_s": 20, "p95_ingest": 500, "index_ratio": None,
                      "load_s": 180},
}
LABELS = {
    "p50": "search p50, top 10 with snippets and facets (CPU ms)",
    "p95": "search p95 (CPU ms)",
    "searches_per_s": "searches/s over HTTP, 2 worker processes, 4 clients (≥)",
    "p95_ingest": "p95 over HTTP while an ingest runs (ms)",
    "index_ratio": "index size / raw text",
    "load_s": "full load (s)",
}
AT_LEAST = {"searches_per_s"}
PEERS = {"tantivy": "raw tantivy", "sqlite_fts5": "SQLite FTS5"}


def measured(r: dict) -> dict[str, float | None]:
    """The figures of one run that the targets name (None where the run did not measure it)."""
    ing, web, cpu = r["ingest"], r.get("web", {}), r["search"].get("cpu", {})
    complete = not ing.get("of") or ing["documents"] >= ing["of"]
    return {
        "p50": cpu.get("p50"),
        "p95": cpu.get("p95"),
        "searches_per_s": web.get("idle", {}).get("searches_per_s"),
        "p95_ingest": web.get("during_ingest", {}).get("latency_ms", {}).get("p95"),
        "index_ratio": round(ing["index_bytes"] / ing["raw_text_bytes"], 2),
        "load_s": ing["seconds"] if complete else None,
    }


def verdict(name: str, value: float | None, limit: float | None) -> str:
    """met / **not met** / reported / not measured."""
    if value is None:
        return "not measured"
    if limit is None:
        return "reported"
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
    """The targets table: for each engine and scale its latest run, the figure and the verdict, and the peers."""
    latest: dict[tuple[str, int], dict] = {}
    for r in sorted(results, key=lambda r: r["date"]):
        latest[(engine(r), r["scale"])] = r
    runs = {key: latest.get(key) for key in TARGETS}
    if not any(runs.values()):
        return []
    lines = ["## Search in milliseconds: the targets", "",
             "| what | " + " | ".join(f"{e} ×{scale}: target | measured | verdict" for e, scale in TARGETS) + " |",
             "| --- |" + " --- | --- | --- |" * len(TARGETS)]
    figures = {key: measured(r) if r else {} for key, r in runs.items()}
    for name, label in LABELS.items():
        cells = []
        for key, limits in TARGETS.items():
            value, limit = figures[key].get(name), limits[name]
            sign = "≥" if name in AT_LEAST else "≤"
            cells += ["report" if limit is None else f"{sign} {limit:g}", "—" if value is None else f"{value:g}",
                      verdict(name, value, limit) if runs[key] else "not run"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for peer, label in PEERS.items():
        cells = []
        for key in TARGETS:
            got = (runs[key] or {}).get("peers", {}).get(peer)
            cells += ["", f"{got['latency_ms']['p50']} / {got['latency_ms']['p95']} ms" if got else "—",
                      f"ours {got['ratio_p50']}× / {got['ratio_p95']}×" if got else ""]
        lines.append(f"| {label}, same passages and query texts: p50 / p95 (wall ms) | " + " | ".join(cells) + " |")
    lines.append("")
    for (e, scale), r in runs.items():
        if r:
            lines.append(f"- {e} ×{scale}: run of {r['date']}, `{r['command']}`"
                         + (" (the load was measured when this index was built)" if r["ingest"].get("reused") else "")
                         + (f"; load average {tuple(round(x, 1) for x in r['machine']['load_avg_start'])} at the "
                            f"start, {tuple(round(x, 1) for x in r['machine'].get('load_avg_end', ()))} at the end"))
    scored = [r for (e, scale), r in runs.items() if r and r.get("quality")]
    pair = next(((a, b) for a in scored for b in scored if engine(a) < engine(b)), None)
    if pair:
        first, same, total, shared = overlap(*pair)
        lines.append(f"- the 75 dev queries on the shared PDFs, {engine(pair[0])} against {engine(pair[1])}: the same "
                     f"first hit for {first} of {total}, the same top 10 (as a set) for {same}, {shared:.0%} of "
                     "top-10 passages in common")
    return lines + [""]
