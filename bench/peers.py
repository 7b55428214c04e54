"""Peers on the very same passages: SQLite FTS5 (unicode61 remove_diacritics 2) and tantivy (Dutch stemmer).

Each peer gets every passage's text, is timed for building its index (including the commit) and answers the
same query texts (words OR'ed, quoted phrases kept, filters dropped) with the top 10 and a snippet each.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import time
from pathlib import Path

_FILTER = re.compile(r"\b\w+:(\"[^\"]*\"|\S+)")
_PHRASE = re.compile(r'"([^"]+)"')


def _parts(query: str) -> tuple[list[str], list[str]]:
    """Words and phrases of a query, with field filters dropped.

    >>> _parts('gezin "lokale teams" regio:Zeeland')
    (['gezin'], ['lokale teams'])
    """
    query = _FILTER.sub(" ", query)
    phrases = _PHRASE.findall(query)
    words = re.findall(r"\w+", _PHRASE.sub(" ", query))
    return words, phrases


def fts5(rows: list[tuple[str, str]], folder: Path) -> tuple[float, int, object]:
    """Build an FTS5 table in a file; return (seconds, bytes on disk, search function)."""
    path = folder / "fts5.sqlite"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path, check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE p USING fts5(pid UNINDEXED, text, "
               "tokenize='unicode61 remove_diacritics 2')")
    with db:
        db.executemany("INSERT INTO p VALUES (?, ?)", rows)
    seconds = time.perf_counter() - started
    sql = ("SELECT pid, snippet(p, 1, '<mark>', '</mark>', '…', 40) FROM p WHERE p MATCH ? "
           "ORDER BY bm25(p) LIMIT 10")

    def search(query: str) -> list:
        words, phrases = _parts(query)
        terms = [f'"{w}"' for w in words] + ['"' + p.replace('"', "") + '"' for p in phrases]
        return db.execute(sql, (" OR ".join(terms),)).fetchall() if terms else []
    return seconds, path.stat().st_size, search


def tantivy_index(rows: list[tuple[str, str]], folder: Path) -> tuple[float, int, object]:
    """Build a tantivy index (simple tokenizer, lowercase, ASCII folding, Dutch stemmer); same return as fts5."""
    import tantivy

    target = folder / "tantivy"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    started = time.perf_counter()
    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.ascii_fold()).filter(tantivy.Filter.stemmer("dutch")).build())
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("pid", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", stored=True, tokenizer_name="nl", index_option="position")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(target))
    index.register_tokenizer("nl", analyzer)
    writer = index.writer(heap_size=200_000_000, num_threads=2)
    for pid, text in rows:
        writer.add_document(tantivy.Document(pid=pid, text=text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    searcher = index.searcher()

    def search(query: str) -> list:
        words, phrases = _parts(query)
        terms = [w for w in words] + ['"' + p.replace('"', "") + '"' for p in phrases]
        if not terms:
            return []
        q = index.parse_query_lenient(" OR ".join(terms), ["text"])[0]
        snippets = tantivy.SnippetGenerator.create(searcher, q, schema, "text")
        out = []
        for _score, address in searcher.search(q, 10).hits:
            doc = searcher.doc(address)
            out.append((doc["pid"][0], snippets.snippet_from_doc(doc).to_html()))
        return out
    return seconds, size, search


def latencies(search, queries: list[str], warmup: int = 20) -> list[float]:
    """Milliseconds per query after a warm-up over the first queries."""
    for q in queries[:warmup]:
        search(q)
    out = []
    for q in queries:
        started = time.perf_counter()
        search(q)
        out.append((time.perf_counter() - started) * 1000)
    return out
