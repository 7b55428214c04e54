"""Volgen: Atom feeds of new documents, of a search and of the evidence on one vraagstuk, for any feed reader.

Every entry has a stable id (urn:kennisbank:passage:<passage id> or urn:kennisbank:document:<id>), the document
title, its region, the date it was added, a plain-text snippet and a link to the passage; entries of the
newest documents come first. No account is needed, as for every other page that only reads.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, request, url_for

from kennisbank import vergelijk
from kennisbank.bronvermelding import dutch_date
from kennisbank.index.fields import passage_id
from kennisbank.nieuw import nieuwste
from kennisbank.search import highlight
from kennisbank.web import atom, common
from kennisbank.web.vergelijken import arguments

bp = Blueprint("volgen", __name__)
FEED_SIZE = 50  # entries in a feed
SEARCH_POOL = 100  # the best passages of a search; of these, those of the newest documents come first


@bp.get("/nieuw.atom")
def nieuw_atom():
    """New documents, newest first, with the filters of /nieuw."""
    filters = common.filters_from(request.args)
    listing = common.with_engine(nieuwste, filters, 0, FEED_SIZE)
    entries = [_document_entry(doc) for doc in listing["documents"]]
    return _answer("Nieuw in de kennisbank", filters, "nieuw.overzicht", entries)


@bp.get("/zoeken.atom")
def zoeken_atom():
    """The passages of a search (same syntax and filters as the search page), newest documents first."""
    q = request.args.get("q", "").strip()
    filters = common.filters_from(request.args)
    if not q and not filters:
        abort(400, description="Geef een zoekvraag (q=…) of een filter mee, zoals op de zoekpagina; "
                               "bijvoorbeeld /zoeken.atom?q=verklarende+analyse.")
    answer = common.search(q, SEARCH_POOL, 0, filters, facets=False)
    entries = [_passage_entry(hit, hit["snippet"], hit["regio"]) for hit in answer["hits"]]
    return _answer(f"Passages voor ‘{q}’" if q else "Passages", filters, "zoeken.index", entries)


@bp.get("/vergelijk.atom")
def vergelijk_atom():
    """New evidence for one vraagstuk (or free-text thema), per region: the passages that count for a region."""
    thema, regions = arguments()
    if not thema:
        abort(400, description="Geef een vraagstuk mee, bijvoorbeeld /vergelijk.atom?thema=klantreis.")
    result = {"label": thema, "passages": []}
    if common.has_index():
        try:
            result = common.with_engine(vergelijk.evidence, thema, regions or None)
        except ValueError as exc:
            abort(400, description=str(exc))
    entries = [_passage_entry(p, p["snippet"], p["regions"]) for p in result["passages"]]
    return _answer(f"Bewijs per regio: {result['label']}", {"regio": regions} if regions else {},
                   "vergelijken.vergelijk_page", entries)


def _answer(title: str, filters: dict[str, list[str]], page_endpoint: str,
            found: list[atom.Entry | None]) -> Response:
    """The feed of these entries (newest documents first, at most FEED_SIZE) as application/atom+xml."""
    entries = sorted((e for e in found if e), key=lambda e: e.updated, reverse=True)[:FEED_SIZE]  # stable sort
    shown = [f"{common.FILTER_LABELS.get(k, k).lower()}: {', '.join(common.label(k, v) for v in vs)}"
             for k, vs in filters.items()]
    feed = atom.Feed(id=_feed_id(), title=f"Kennisbank – {title}" + (f" ({'; '.join(shown)})" if shown else ""),
                     self_url=request.url, page_url=request.host_url.rstrip("/") + common.url_with(page_endpoint),
                     subtitle="Kennisbank kind- en gezinsbescherming; nieuwste documenten eerst", entries=entries)
    return Response(atom.render(feed), mimetype=atom.MEDIA_TYPE)


def _feed_id() -> str:
    """The feed's stable id: its path and arguments (sorted, without the page), not the host it was asked from."""
    args = sorted((k, v) for k, v in request.args.items(multi=True) if k != "pagina" and v.strip())
    return "urn:kennisbank:feed:" + quote(request.path + ("?" + urlencode(args) if args else ""), safe="")


def _passage_entry(passage: dict, snippet: str, regions: list[str]) -> atom.Entry | None:
    """A passage as an entry, dated by when its document was added."""
    doc = common.record(passage["document_id"])
    if doc is None:  # removed since the search
        return None
    links = common.passage_links(passage["document_id"], passage["position"], passage["page"], external=True)
    where = regions or [doc.region]
    summary = (f"{', '.join(where)} · {doc.type} · {dutch_date(doc.date)} · pagina {passage['page']}\n"
               f"{atom.plain(snippet)}")
    return atom.Entry(id=f"urn:kennisbank:passage:{links['passage_id']}", title=doc.title, updated=doc.added,
                      link=links["url"], summary=summary, categories=where,
                      related=links["source_url"] if links["source_url"] != links["url"] else "")


def _document_entry(doc: dict) -> atom.Entry:
    """A new document as an entry: its metadata, main vraagstukken and the start of its text."""
    opening = common.with_engine(lambda e: e.searcher().passage(passage_id(doc["id"], 0))) or {"text": ""}
    themes = ", ".join(v["label"] for v in doc["vraagstukken"])
    summary = (f"{doc['region'] or 'regio onbekend'} · {doc['type']} · {dutch_date(doc['date'])}"
               + (f" · vraagstukken: {themes}" if themes else "")
               + f"\n{atom.plain(highlight.snippet(opening['text'], []))}")
    return atom.Entry(id=f"urn:kennisbank:document:{doc['id']}", title=doc["title"], updated=doc["added"],
                      link=url_for("documenten.document", doc_id=doc["id"], _external=True), summary=summary,
                      categories=[doc["region"]] if doc["region"] else [],
                      related=url_for("documenten.origineel", doc_id=doc["id"], _external=True)
                      if doc["kind"] == "pdf" else "")
