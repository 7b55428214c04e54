"""The OpenAPI document: well formed, every path answers, and real answers match the documented schemas."""
from __future__ import annotations

import re
from typing import Any

import pytest

TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "boolean": bool}
EXAMPLES = {"doc_id": "factsheet-proeftuinen", "page": "5", "passage_id": "factsheet-proeftuinen:12"}
QUERIES = {"/api/search": "q=klantreis&limit=3&explain=1", "/api/compare": "thema=klantreis",
           "/api/similar": "passage=factsheet-proeftuinen:12&limit=3", "/zoeken.atom": "q=klantreis",
           "/zoeken.csv": "q=klantreis", "/vergelijk.atom": "thema=klantreis"}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def conforms(spec: dict, schema: dict, value: Any, where: str = "$") -> list[str]:
    """Where value breaks the (subset of) JSON Schema used in the spec; empty when it conforms."""
    schema = _resolve(spec, schema)
    if "allOf" in schema:
        return [p for part in schema["allOf"] for p in conforms(spec, part, value, where)]
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null"]
    kind = schema.get("type")
    if kind and (not isinstance(value, TYPES[kind]) or (kind in ("integer", "number") and isinstance(value, bool))):
        return [f"{where}: {type(value).__name__} is geen {kind}"]
    problems = []
    if kind == "object":
        problems += [f"{where}: {key} ontbreekt" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in schema.get("properties", {}):
                problems += conforms(spec, schema["properties"][key], item, f"{where}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                problems += conforms(spec, schema["additionalProperties"], item, f"{where}.{key}")
    if kind == "array":
        for i, item in enumerate(value[:50]):
            problems += conforms(spec, schema.get("items", {}), item, f"{where}[{i}]")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} niet in {schema['enum']}")
    return problems


@pytest.fixture(scope="module")
def spec(app_module_client):
    return app_module_client.get("/api/openapi.json").json


@pytest.fixture(scope="module")
def app_module_client(shared_data, password_hash):
    from kennisbank.web import create_app

    return create_app({"TESTING": True, "DATA_DIR": str(shared_data.root), "SECRET_KEY": "s" * 40}).test_client()


def test_spec_is_openapi_3_with_resolvable_refs(spec):
    assert spec["openapi"].startswith("3.0.") and spec["info"]["title"] and spec["paths"]
    text = repr(spec)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in spec["components"]["schemas"], name
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert method == "get" and op["operationId"] and "200" in op["responses"], path
            declared = set(re.findall(r"{(\w+)}", path))
            assert declared == {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}, path


def test_every_documented_path_answers_as_documented(spec, app_module_client):
    for path, item in spec["paths"].items():
        if item["get"].get("security"):  # for the beheerder: checked with a login in test_web_ocr.py
            assert app_module_client.get(path).status_code == 401, path
            continue
        url = re.sub(r"{(\w+)}", lambda m: EXAMPLES[m.group(1)], path)
        if path in QUERIES:
            url += "?" + QUERIES[path]
        response = app_module_client.get(url)
        [(media_type, content)] = item["get"]["responses"]["200"]["content"].items()
        assert response.status_code == 200 and response.mimetype == media_type, (url, response.status_code)
        if media_type == "application/json":
            assert conforms(spec, content["schema"], response.json) == [], url


def test_search_answer_has_the_documented_keys(spec, app_module_client):
    answer = app_module_client.get("/api/search?q=gezin&limit=2").json
    documented = _resolve(spec, {"$ref": "#/components/schemas/SearchResponse"})
    assert set(answer) == set(documented["properties"]) == set(documented["required"])
    hit = _resolve(spec, {"$ref": "#/components/schemas/Hit"})
    assert set(answer["hits"][0]) == set(hit["required"])


@pytest.mark.parametrize("url, status", [("/api/search?limit=0", 400), ("/api/documents/bestaat-niet", 404),
                                         ("/api/compare", 400), ("/api/matrix?regio=Atlantis", 400),
                                         ("/api/similar?passage=x", 400), ("/api/similar?passage=x:1", 404),
                                         ("/api/passage/x/markering", 400), ("/api/passage/x:1/markering", 404)])
def test_documented_errors_have_the_error_shape(spec, app_module_client, url, status):
    response = app_module_client.get(url)
    assert response.status_code == status
    path = re.sub(r"^/api/passage/[^/]+/", "/api/passage/{passage_id}/", url.split("?")[0])
    path = path.replace("bestaat-niet", "{doc_id}")
    assert str(status) in spec["paths"][path]["get"]["responses"]
    assert conforms(spec, {"$ref": "#/components/schemas/Error"}, response.json) == []


def test_the_validator_itself_catches_a_wrong_answer(spec):
    schema = {"$ref": "#/components/schemas/SearchResponse"}
    assert conforms(spec, schema, {"query": "x", "total": "veel", "hits": [], "facets": {}, "notes": []}) == [
        "$: suggestion ontbreekt", "$.total: str is geen integer"]


def test_taxonomie_endpoint(app_module_client):
    tax = app_module_client.get("/api/taxonomie").json
    assert {"regios", "vraagstukken", "basisprincipes", "organisaties"} <= set(tax)
    assert any(v["id"] == "klantreis" for v in tax["vraagstukken"])
