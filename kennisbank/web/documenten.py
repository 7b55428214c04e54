"""Documenten: one document with its passages, its original (shown inline or downloaded), and the document API."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file, session

from kennisbank.browse import document_passages
from kennisbank.index.fields import parse_passage_id
from kennisbank.store import Record, Store
from kennisbank.web import common, taken

bp = Blueprint("documenten", __name__)
MIMETYPES = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "markdown": "text/markdown", "text": "text/plain"}  # Flask adds "; charset=utf-8" to text types
TAG_KINDS = ("thema", "principe", "organisatie")
# An original shown in the browser runs nothing and reaches nothing: a sandbox without allow-* flags (no scripts,
# forms, popups or plug-in content of its own, an opaque origin) and no sources for anything it might load.
ORIGINAL_CSP = ("sandbox; default-src 'none'; img-src 'self' data:; style-src 'self'; object-src 'none'; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@bp.get("/document/<doc_id>")
def document(doc_id: str):
    """Metadata, tags, table of contents and every passage with an anchor p<position>, the one of ?passage= marked;
    progress while OCR runs."""
    data = common.data_dir()
    doc = document_passages(data, doc_id)
    if doc is None:
        job = taken.processing(data, doc_id)
        if job is not None:
            return taken.processing_page(job)
        reason = taken.failure(data, doc_id) if session.get("beheerder") else None
        abort(404, description=f"Er is geen document met id '{doc_id[:120]}'."
                               + (f" Verwerken van de scan mislukte: {reason}" if reason else ""))
    marked = parse_passage_id(request.args.get("passage", ""))
    return render_template("documenten/document.html", doc=doc, toc=table_of_contents(doc["passages"]),
                           tags=tag_counts(doc["passages"]), regios=region_counts(doc["passages"]),
                           marked=marked[1] if marked and marked[0] == doc_id else None)


@bp.get("/document/<doc_id>/download")
def download(doc_id: str):
    """The original file as an attachment, named by its id."""
    store, record = stored_original(doc_id)
    return send_file(store.original_path(record), mimetype=MIMETYPES.get(record.kind, "application/octet-stream"),
                     as_attachment=True, download_name=f"{record.id}{record.extension}", max_age=0)


@bp.get("/document/<doc_id>/origineel")
def origineel(doc_id: str):
    """The original shown in the browser (a PDF opens at #page=N), sandboxed; other kinds as plain text."""
    store, record = stored_original(doc_id)
    if record.kind == "pdf":
        response = send_file(store.original_path(record), mimetype="application/pdf", as_attachment=False,
                             download_name=f"{record.id}.pdf", max_age=0)
    else:
        response = Response(original_text(store, record), mimetype="text/plain")
        response.headers["Content-Disposition"] = f"inline; filename={record.id}.txt"
    response.headers["Content-Security-Policy"] = ORIGINAL_CSP
    return response


def stored_original(doc_id: str) -> tuple[Store, Record]:
    """The store and the record of a document whose original is there; 404 otherwise."""
    store = Store(common.data_dir())
    record = store.get(doc_id)
    if record is None:
        abort(404, description=f"Er is geen document met id '{doc_id[:120]}'.")
    if not store.original_path(record).is_file():
        abort(404, description="Het originele bestand van dit document ontbreekt; vraag de beheerder om het "
                               "opnieuw toe te voegen.")
    return store, record


def original_text(store: Store, record: Record) -> str:
    """An original that is no PDF as text: text and Markdown as written, Word as the text Kennisbank read from it."""
    from indexer.extract import decode_text  # the pipeline loads only when a text original is shown

    if record.kind in ("text", "markdown"):
        return decode_text(store.read_original(record))
    doc = document_passages(store.data, record.id) or {"passages": []}
    return (f"{record.title}\n(de tekst die Kennisbank uit {record.filename} las; het origineel is te downloaden)"
            "\n\n" + "\n\n".join(p["text"] for p in doc["passages"]) + "\n")


@bp.get("/api/documents")
def api_documents():
    """All document records."""
    return jsonify({"documents": [asdict(r) for r in Store(common.data_dir()).all()]})


@bp.get("/api/documents/<doc_id>")
def api_document(doc_id: str):
    """One record with all its passages; 404 for an unknown id."""
    doc = document_passages(common.data_dir(), doc_id)
    if doc is None:
        abort(404, description=f"geen document met id '{doc_id[:120]}'")
    return jsonify(doc)


def table_of_contents(passages: list[dict]) -> list[dict]:
    """Every heading once (parents too), in reading order, with its depth and the first passage under it.

    >>> [(t["title"], t["depth"], t["position"]) for t in table_of_contents([
    ...     {"section": "", "position": 0}, {"section": "A › B", "position": 1},
    ...     {"section": "A › B", "position": 2}, {"section": "A › C", "position": 3}])]
    [('A', 1, 1), ('B', 2, 1), ('C', 2, 3)]
    """
    seen: set[tuple[str, ...]] = set()
    toc = []
    for p in passages:
        parts = tuple(x for x in p["section"].split(" › ") if x) if p["section"] else ()
        for depth in range(1, len(parts) + 1):
            if parts[:depth] not in seen:
                seen.add(parts[:depth])
                toc.append({"title": parts[depth - 1], "path": " › ".join(parts[:depth]),
                            "depth": min(depth, 4), "position": p["position"]})
    return toc


def tag_counts(passages: list[dict]) -> dict[str, dict[str, tuple[str, int]]]:
    """Per tag kind: id -> (label, number of passages), most frequent first.

    >>> tag_counts([{"tags": {"thema": [{"id": "a", "label": "A"}]}}, {"tags": {"thema": [{"id": "a", "label": "A"}]}}])
    {'thema': {'a': ('A', 2)}, 'principe': {}, 'organisatie': {}}
    """
    out: dict[str, dict[str, tuple[str, int]]] = {}
    for kind in TAG_KINDS:
        counts: Counter = Counter()
        labels: dict[str, str] = {}
        for p in passages:
            for tag in p.get("tags", {}).get(kind, []):
                counts[tag["id"]] += 1
                labels[tag["id"]] = tag.get("label") or tag["id"]
        out[kind] = {k: (labels[k], n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}
    return out


def region_counts(passages: list[dict]) -> dict[str, int]:
    """Region -> number of passages that belong to it."""
    counts: Counter = Counter(r for p in passages for r in p.get("labels", {}).get("regio", []))
    return dict(counts.most_common())
