"""Pagina: one page of a PDF original as an image, a page view with a passage marked on it, and the marking's API."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from kennisbank.index.fields import parse_passage_id
from kennisbank.pagina import DEFAULT_WIDTH, WIDTHS, origineel, pdfium
from kennisbank.pagina.markering import Markering
from kennisbank.store import Record
from kennisbank.web import common
from kennisbank.web.documenten import stored_original

bp = Blueprint("pagina", __name__)
IMAGE_CACHE_CONTROL = "public, no-cache"  # kept by the browser, checked against the ETag (a replaced original)


def _pdf(doc_id: str, page: int) -> tuple[Record, origineel.Pdf]:
    """A document's PDF original and the check that it has this page; 404 in plain Dutch otherwise."""
    store, record = stored_original(doc_id)
    if record.kind != "pdf":
        abort(404, description=f"'{record.title}' is geen PDF en heeft geen pagina's om te tonen; de passages "
                               "staan op de documentpagina.")
    pdf = origineel.open_pdf(store.original_path(record), record.sha256)
    if not 1 <= page <= pdf.pages:
        abort(404, description=f"'{record.title}' heeft geen pagina {page}: het document telt {pdf.pages} "
                               f"pagina{'' if pdf.pages == 1 else chr(39) + 's'}.")
    return record, pdf


@bp.get("/document/<doc_id>/pagina/<int:page>.png")
def image(doc_id: str, page: int):
    """Page `page` as PNG at a width from WIDTHS (?breedte=); ETag is the original's hash."""
    width = request.args.get("breedte", str(DEFAULT_WIDTH))
    if not width.isdigit() or int(width) not in WIDTHS:
        abort(400, description=f"Ongeldige breedte '{width[:20]}': kies uit {', '.join(map(str, WIDTHS))}.")
    try:
        record, pdf = _pdf(doc_id, page)
        content = origineel.page_png(common.data_dir(), pdf, page, int(width))
    except pdfium.UnreadablePdfError as exc:
        return _unreadable(doc_id, page, exc)
    response = Response(content, mimetype="image/png")
    response.set_etag(record.sha256)
    response.headers["Cache-Control"] = IMAGE_CACHE_CONTROL
    return response.make_conditional(request)


@bp.get("/document/<doc_id>/pagina/<int:page>")
def view(doc_id: str, page: int):
    """The page as an image with the passage (?passage=) marked over it, its text beside it, and page navigation."""
    try:
        record, pdf = _pdf(doc_id, page)
        ratio = origineel.page_ratio(pdf, page)
    except pdfium.UnreadablePdfError as exc:
        return _unreadable(doc_id, page, exc)
    passage, marked = None, None
    if pid := request.args.get("passage", "").strip():
        passage, marked = _passage_on(pid, doc_id, record, pdf)
    return render_template("pagina/pagina.html", doc=record, page=page, pages=pdf.pages, ratio=ratio,
                           widths=WIDTHS, default_width=DEFAULT_WIDTH, passage=passage, marked=marked,
                           boxes=marked.boxes(page) if marked else [])


def _passage_on(pid: str, doc_id: str, record: Record, pdf: origineel.Pdf) -> tuple[dict, Markering]:
    """A passage of this document and its marking; 404 when the id names no passage of it."""
    passage = _passage(pid)
    if passage["document_id"] != doc_id:
        abort(404, description=f"Passage '{pid}' hoort niet bij '{record.title}'.")
    return passage, _marking(pdf, passage)


def _marking(pdf: origineel.Pdf, passage: dict) -> Markering:
    """Where a stored passage stands in its document's PDF."""
    return origineel.passage_markering(pdf, passage["document_id"], passage["page"], passage["text"],
                                       common.data_dir().ocr_cache)


def _passage(pid: str) -> dict:
    """The stored fields of a passage; 404 (400 for a malformed id) in plain Dutch otherwise."""
    if parse_passage_id(pid) is None:
        abort(400, description=f"Ongeldige passage-id '{pid[:130]}': verwacht '<document-id>:<positie>'.")
    found = common.with_engine(lambda e: e.searcher().passage(pid)) if common.has_index() else None
    if found is None:
        abort(404, description=f"Er is geen passage met id '{pid[:130]}'.")
    return dict(found)


@bp.get("/api/passage/<pid>/markering")
def api_markering(pid: str):
    """Where a passage stands on its page(s): boxes as fractions of the page, origin top left; or why not."""
    passage = _passage(pid)
    doc_id = passage["document_id"]
    store, record = stored_original(doc_id)
    if record.kind != "pdf":
        return jsonify(Markering(doc_id, passage["page"], reason="het origineel is geen PDF; de passage staat "
                                 "gemarkeerd op de documentpagina").as_json()
                       | {"page_url": common.passage_links(doc_id, passage["position"], passage["page"])["page_url"]})
    try:
        marked = _marking(origineel.open_pdf(store.original_path(record), record.sha256), passage)
    except pdfium.UnreadablePdfError as exc:
        marked = Markering(doc_id, passage["page"], reason=str(exc))
    return jsonify(marked.as_json())


def _unreadable(doc_id: str, page: int, exc: Exception):
    """A PDF PDFium cannot read: say so and offer the original itself (never a 500)."""
    return render_template("pagina/onleesbaar.html", reason=str(exc), page=page,
                           original=url_for("documenten.origineel", doc_id=doc_id, _anchor=f"page={page}"),
                           download=url_for("documenten.download", doc_id=doc_id)), 422
