"""What the views share: the app's state (data dir, engine, search cache), filters from the query string, and labels."""
from __future__ import annotations

import copy
import datetime as dt
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from flask import Flask, current_app, g, request, url_for
from werkzeug.datastructures import MultiDict

from kennisbank import index
from kennisbank.bronvermelding import bronvermelding
from kennisbank.config import DataDir
from kennisbank.index.fields import passage_id
from kennisbank.jobs import JobState
from kennisbank.search.engine import Engine
from kennisbank.store import Record, RecordStatus, Store
from kennisbank.web.limits import LoginLimiter

if TYPE_CHECKING:
    from kennisbank.worker import Worker

T = TypeVar("T")
EXTENSION = "kennisbank"  # the key of the AppState in app.extensions
FILTERS = ("regio", "thema", "principe", "organisatie", "type", "jaar", "werkend")
FILTER_LABELS = {"regio": "Proeftuin / regio", "thema": "Vraagstuk", "principe": "Basisprincipe",
                 "organisatie": "Organisatie", "type": "Documenttype", "jaar": "Jaar",
                 "werkend": "Werkend element"}
MAX_FILTER_VALUES = 10
MAX_VALUE_CHARS = 120
PAGE_SIZE = 10
MAX_PAGE = 50
CACHE_ENTRIES = 256  # searches a process keeps the answer of
CACHE_HITS = 5000  # and at most this many hits in all (a feed or CSV export holds 100-500)


class SearchCache:
    """The answers of recent searches in this process (least recently used out first); the key holds the index's
    state, so a commit or a switch of generation makes every older answer unreachable.

    >>> cache = SearchCache(entries=2)
    >>> for key in "abc":
    ...     _ = cache.answer(key, lambda: {"hits": [key]})
    >>> list(cache._answers), cache.answer("c", lambda: {"hits": []}), (cache.hits, cache.misses)
    (['b', 'c'], {'hits': ['c']}, (1, 3))
    """

    def __init__(self, entries: int = CACHE_ENTRIES, max_hits: int = CACHE_HITS):
        self.entries, self.max_hits = entries, max_hits
        self._answers: OrderedDict[Any, dict] = OrderedDict()
        self._lock = threading.Lock()
        self._held = 0  # hits held in all
        self.hits = self.misses = 0

    def answer(self, key: Any, compute: Callable[[], dict]) -> dict:
        """A copy of the answer kept for key, else compute() kept (a copy: callers may change what they get)."""
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None:
                self._answers.move_to_end(key)
                self.hits += 1
                return copy.deepcopy(kept)
            self.misses += 1
        answer = compute()  # outside the lock: other searches go on meanwhile
        with self._lock:
            if key not in self._answers:
                self._answers[key] = copy.deepcopy(answer)
                self._held += len(answer["hits"])
            while self._answers and (len(self._answers) > self.entries or self._held > self.max_hits):
                self._held -= len(self._answers.popitem(last=False)[1]["hits"])
        return answer


def index_state(data: DataDir) -> tuple:
    """What every commit and every switch of index generation changes: the active generation's folder and the name,
    size and time of each of its files (of any engine; new names at least)."""
    folder = os.path.realpath(data.index)
    try:
        with os.scandir(folder) as entries:
            files = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries)
    except OSError:  # no index (yet), or the generation went away meanwhile
        files = []
    return folder, tuple(files)


@dataclass
class AppState:
    """What one app shares between requests in this process; create_app makes it once."""

    data: DataDir
    engine: Engine
    lock: threading.RLock  # held while the engine is used: one index searcher is shared by all threads
    limiter: LoginLimiter
    worker: Worker | None = None  # the background job runner, when OCR_WORKER is on
    cache: SearchCache = field(default_factory=SearchCache)  # answers of repeated identical searches


def state(app: Flask | None = None) -> AppState:
    """The state of an app (by default the current one)."""
    return (app or current_app).extensions[EXTENSION]


def data_dir() -> DataDir:
    """The data dir of this app."""
    return state().data


def engine() -> Engine:
    """The one engine of this process."""
    return state().engine


def with_engine(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call fn(engine, ...) while holding the engine lock (one index searcher is shared by all threads)."""
    with state().lock:
        return fn(engine(), *args, **kwargs)


def search(text: str, limit: int, offset: int, filters: dict[str, list[str]], explain: bool = False,
           facets: bool = True) -> dict:
    """Engine.search under the lock, or the same search's answer from this process's cache while the index and the
    taxonomy are unchanged; each hit with its passage id and links (passage_links)."""
    key = (text, limit, offset, tuple((k, tuple(v)) for k, v in sorted(filters.items())), explain, facets,
           taxonomie().version, index_state(data_dir()))  # the state before the search: a commit meanwhile is seen
    answer = state().cache.answer(key, lambda: with_engine(
        lambda e: e.search(text, limit=limit, offset=offset, filters=filters, explain=explain, facets=facets)))
    for hit in answer["hits"]:
        hit.update(passage_links(hit["document_id"], hit["position"], hit["page"], external=True))
    return answer


def record(doc_id: str) -> Record | None:
    """A document's record, read once per request."""
    records = g.setdefault("records", {})
    if doc_id not in records:
        records[doc_id] = Store(data_dir()).get(doc_id)
    return records[doc_id]


def passage_links(doc_id: str, position: int, page: int, external: bool = False) -> dict[str, str]:
    """A passage's stable id, its place on Kennisbank's document page (url), its page with the passage marked
    (page_url: the page view of a PDF, else the document page with the passage marked) and the original at its page
    (source_url; for an original that is no PDF, the document page again)."""
    pid = passage_id(doc_id, position)
    url = url_for("documenten.document", doc_id=doc_id, _anchor=f"p{position}", _external=external)
    doc = record(doc_id)
    is_pdf = doc is not None and doc.kind == "pdf"
    source = url_for("documenten.origineel", doc_id=doc_id, _anchor=f"page={page}", _external=external) \
        if is_pdf else url
    marked = url_for("pagina.view", doc_id=doc_id, page=page, passage=pid, _external=external) if is_pdf else \
        url_for("documenten.document", doc_id=doc_id, passage=pid, _anchor=f"p{position}", _external=external)
    return {"passage_id": pid, "url": url, "page_url": marked, "source_url": source}


def passage_info(doc_id: str, position: int, page: int) -> dict[str, Any]:
    """What a page shows with a passage: its links (relative), whether the original is a PDF, and its
    bronvermelding (with the absolute permanent link)."""
    doc = record(doc_id)
    links = passage_links(doc_id, position, page)
    reference = "" if doc is None else bronvermelding(
        doc.title, doc.region, doc.type, doc.date, page, passage_links(doc_id, position, page, external=True)["url"],
        accessed=dt.date.today())
    return {**links, "is_pdf": doc is not None and doc.kind == "pdf", "bronvermelding": reference}


def has_index() -> bool:
    """True when documents have been indexed in this data dir."""
    return index.exists(data_dir())


def filters_from(args: MultiDict) -> dict[str, list[str]]:
    """The known filter arguments of a query string, trimmed and bounded.

    >>> filters_from(MultiDict([("regio", " Zeeland "), ("regio", ""), ("q", "x"), ("werkend", "ja")]))
    {'regio': ['Zeeland'], 'werkend': ['ja']}
    """
    out: dict[str, list[str]] = {}
    for name in FILTERS:
        values = [v.strip()[:MAX_VALUE_CHARS] for v in args.getlist(name) if v.strip()]
        if values:
            out[name] = list(dict.fromkeys(values))[:MAX_FILTER_VALUES]
    return out


def page_number(value: str | None) -> int | None:
    """A 1-based page number from the query string; None when it is not a sane one.

    >>> page_number(None), page_number("3"), page_number("0"), page_number("x"), page_number("999")
    (1, 3, None, None, None)
    """
    if value in (None, ""):
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        return None
    return int(value)


def taxonomie() -> Any:
    """The domain taxonomy in effect for this app's data dir (re-read when its layer changed)."""
    from kennisbank.taxonomie import load

    return load(data_dir())


def label(field: str, value: str) -> str:
    """The readable label of a facet value (taxonomy ids become their labels)."""
    if field in ("thema", "principe", "organisatie"):
        concept = taxonomie().concept_by_name(field, value)
        return concept.label if concept is not None else value
    return value


def url_with(endpoint: str, add: tuple[str, str] | None = None, drop: tuple[str, str] | None = None,
             **changes: Any) -> str:
    """The current page's URL with one filter value added or removed, or other arguments changed."""
    args = MultiDict(request.args)
    args.pop("pagina", None)
    if add and add[1] not in args.getlist(add[0]):
        args.add(*add)
    if drop:
        args.setlist(drop[0], [v for v in args.getlist(drop[0]) if v != drop[1]])
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args.setlist(key, [value] if isinstance(value, (str, int)) else list(value))
    pairs = [(k, v) for k, v in args.items(multi=True) if v != ""]
    return url_for(endpoint) + ("?" + urlencode(pairs) if pairs else "")


def heat_level(count: int, highest: int) -> int:
    """A shade from 0 (no passages) to 5 (the most), on a square-root scale so one big cell does not pale the rest.

    >>> [heat_level(n, 36) for n in (0, 1, 4, 9, 25, 36)]
    [0, 1, 2, 3, 4, 5]
    """
    if count <= 0 or highest <= 0:
        return 0
    return 1 + min(4, math.isqrt((81 * count) // (4 * highest)))  # 1 + floor(4.5 * sqrt(count / highest))


def unknown_region(name: str) -> bool:
    """True for a document region the taxonomy does not know (any more): shown as unknown."""
    return bool(name) and name != "landelijk" and taxonomie().regio_by_name(name) is None


def template_helpers() -> dict[str, Any]:
    """Names every template can use."""
    return {"label": label, "unknown_region": unknown_region, "url_with": url_with, "FILTER_LABELS": FILTER_LABELS,
            "heat_level": heat_level, "JobState": JobState,
            "RecordStatus": RecordStatus, "passage_info": passage_info}
