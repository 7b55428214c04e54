"""The API's own description (/api/openapi.json) and the taxonomy (/api/taxonomie)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from kennisbank.web import common, openapi

bp = Blueprint("api_docs", __name__)


@bp.get("/api/openapi.json")
def openapi_json():
    """The OpenAPI 3.0 document."""
    return jsonify(openapi.spec(request.script_root + "/"))


@bp.get("/api/taxonomie")
def taxonomie():
    """Regions, vraagstukken, basisprincipes and organisations as JSON."""
    return jsonify(common.taxonomie().as_dict())
