"""Vergelijkbaar: the passages of other documents most like one passage or one document, as pages and as JSON."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from kennisbank.index.fields import parse_passage_id
from kennisbank.search import similar
from kennisbank.web import common
from kennisbank.web.zoeken import bounded_int

bp = Blueprint("vergelijkbaar", __name__)
PAGE_LIMIT = 10
EXAMPLE = "factsheet-proeftuinen:12"


def find(pid: str, limit: int) -> tuple[dict | None, tuple[int, str]]:
    """The passages like passage `pid`, or None with the status and reason why not."""
    if parse_passage_id(pid) is None:
        return None, (400, f"Ongeldige passage-id '{pid[:130]}': verwacht '<document-id>:<positie>', "
                           f"bijvoorbeeld '{EXAMPLE}'.")
    answer = common.with_engine(lambda e: similar.similar_passages(e.searcher(), pid, limit)) \
        if common.has_index() else None
    if answer is None:
        return None, (404, f"Er is geen passage met id '{pid}'. Zoek de passage opnieuw op; na het vervangen van "
                           "een document kan de nummering veranderd zijn.")
    return answer, (200, "")


@bp.get("/passage/<pid>/vergelijkbaar")
def passage(pid: str):
    """The passage itself and the passages of other documents most like it, with snippets."""
    answer, (status, reason) = find(pid, PAGE_LIMIT)
    if answer is None:
        abort(status, description=reason)
    return render_template("vergelijkbaar/vergelijkbaar.html", answer=answer, source=answer["passage"])


@bp.get("/document/<doc_id>/vergelijkbaar")
def document(doc_id: str):
    """The passages of other documents most like a whole document ("Meer zoals dit")."""
    answer = common.with_engine(lambda e: similar.similar_to_document(e.searcher(), doc_id, PAGE_LIMIT)) \
        if common.has_index() and common.record(doc_id) is not None else None
    if answer is None:
        abort(404, description=f"Er is geen document met id '{doc_id[:120]}'.")
    return render_template("vergelijkbaar/vergelijkbaar.html", answer=answer, source=None)


@bp.get("/api/similar")
def api_similar():
    """The passages like one passage as JSON; 400 for a missing or malformed id or a bad limit, 404 for an unknown
    passage."""
    pid = request.args.get("passage", "").strip()
    limit, problem = bounded_int(request.args.get("limit"), "limit", 10, 1, similar.MAX_LIMIT)
    if not pid or problem:
        abort(400, description=problem or f"geef een passage mee, bijv. /api/similar?passage={EXAMPLE}")
    answer, (status, reason) = find(pid, limit)
    if answer is None:
        abort(status, description=reason)
    for passage in (answer["passage"], *answer["hits"]):
        passage.update(common.passage_links(passage["document_id"], passage["position"], passage["page"],
                                            external=True))
    return jsonify(answer)
