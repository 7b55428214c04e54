"""The OpenAPI 3.0 description of the JSON API, as a Python dict that the tests check against real answers."""
from __future__ import annotations

from typing import Any

from kennisbank.jobs import JobState, JobTask
from kennisbank.pagina import DEFAULT_WIDTH, WIDTHS
from kennisbank.search.facets import FACET_FIELDS
from kennisbank.search.similar import MAX_LIMIT as MAX_SIMILAR
from kennisbank.web.zoeken import CSV_FIELDS, MAX_API_LIMIT, MAX_API_OFFSET, MAX_CSV_ROWS

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
STRINGS = {"type": "array", "items": STR}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict:
    return {"type": "object", "properties": props, "required": list(props) if required is None else required,
            **extra}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "Fout, met de reden in 'error'")
EVIDENCE = _obj({"document_id": STR, "title": STR, "page": INT, "section": STR, "text": STR, "snippet": STR})
LINKS = {
    "passage_id": {"type": "string", "description": "Vaste id van de passage: '<document-id>:<positie>' "
                                                   "(voor /api/similar)"},
    "url": {"type": "string", "description": "De passage op de documentpagina van Kennisbank (anker p<positie>)"},
    "page_url": {"type": "string", "description": "De passage gemarkeerd op haar pagina (PDF: /document/<id>/pagina/"
                                                  "<n>?passage=<passage_id>); anders gemarkeerd op de documentpagina"},
    "source_url": {"type": "string", "description": "Het origineel op de pagina van de passage (PDF: "
                                                    ".../origineel#page=N); anders de passage op de documentpagina"},
}
BOX = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}
RECORD = {"id": STR, "title": STR, "type": STR, "region": STR, "date": STR, "sha256": STR, "kind": STR,
          "filename": STR, "pages": INT, "added": STR, "status": STR, "extra": {"type": "object"}}
SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": STR, "status": INT}),
    "Hit": _obj({"document_id": STR, "title": STR, "type": STR, "region": STR, "date": STR, "page": INT,
                 "section": STR, "text": STR,
                 "snippet": {"type": "string", "description": "HTML: tekst geëscaped, treffers in <mark>"},
                 "score": {"type": "number"}, "position": INT, "regio": STRINGS, "werkend": BOOL, "ocr": BOOL,
                 **LINKS, "explain": {"type": "object", "additionalProperties": STRINGS},
                 "tags": {"type": "object"}},
                required=["document_id", "title", "type", "region", "date", "page", "section", "text", "snippet",
                          "score", "position", "regio", "werkend", "ocr", *LINKS]),
    "Facets": _obj({name: {"type": "object", "additionalProperties": INT} for name in FACET_FIELDS}, required=[],
                   description="Per facet: waarde -> aantal passages (leeg zolang de index leeg is)"),
    "SearchResponse": _obj({"query": STR, "total": INT, "hits": {"type": "array", "items": _ref("Hit")},
                            "suggestion": {"type": "string", "nullable": True}, "facets": _ref("Facets"),
                            "notes": STRINGS}),
    "Record": _obj({**RECORD, "passages": INT}),
    "DocumentList": _obj({"documents": {"type": "array", "items": _ref("Record")}}),
    "Passage": _obj({"position": INT, "page": INT, "section": STR, "text": STR, "ocr": BOOL, "werkend": BOOL,
                     "labels": {"type": "object", "additionalProperties": STRINGS}, "tags": {"type": "object"}}),
    "Document": _obj({**RECORD, "passages": {"type": "array", "items": _ref("Passage")}},
                     description="Het record, met in 'passages' de passages zelf in plaats van hun aantal"),
    "Compare": _obj({"thema": STR, "vraagstuk": {"type": "string", "nullable": True}, "label": STR, "rule": STR,
                     "regions": {"type": "array", "items": _obj({
                         "region": STR, "addressed": BOOL, "score": {"type": "number"}, "passages": INT,
                         "evidence": {"type": "array", "items": EVIDENCE}})}}),
    "Matrix": _obj({"rule": STR, "regions": STRINGS,
                    "vraagstukken": {"type": "array", "items": _obj({"id": STR, "label": STR})},
                    "cells": {"type": "array", "items": _obj({"region": STR, "vraagstuk": STR, "passages": INT,
                                                               "addressed": BOOL})}}),
    "Job": _obj({"id": STR, "filename": STR, "sha256": STR, "kind": STR,
                 "overrides": {"type": "object", "additionalProperties": STR},
                 "state": {"type": "string", "enum": [state.value for state in JobState]},
                 "progress": {"type": "string", "description": "Voortgang in woorden, bijv. 'pagina 3 van 12' of "
                              "'document 2 van 5'"},
                 "done": INT, "total": {"type": "integer", "description": "Pagina's die OCR nodig hebben, of "
                                        "documenten waarvan de labels worden bijgewerkt"},
                 "doc_id": {"type": "string", "description": "Id dat het document krijgt; leeg als het mislukte"},
                 "message": {"type": "string", "description": "Uitkomst, of de reden waarom het mislukte"},
                 "created": STR, "updated": STR,
                 "task": {"type": "string", "enum": [task.value for task in JobTask],
                          "description": "Wat de taak doet: een bestand toevoegen, of de labels bijwerken na een "
                          "wijziging van de taxonomie"},
                 "wie": {"type": "string", "description": "Wie de taak startte (account, of cli:<gebruiker>); een "
                         "redacteur ziet alleen de eigen taken"}},
                description="Een achtergrondtaak: OCR van een geüploade scan, of labels bijwerken"),
    "SimilarPassage": _obj({"passage_id": LINKS["passage_id"], "document_id": STR, "title": STR, "type": STR,
                            "region": STR, "date": STR, "page": INT, "section": STR, "position": INT, "text": STR,
                            "regio": STRINGS, "url": LINKS["url"], "page_url": LINKS["page_url"],
                            "source_url": LINKS["source_url"],
                            "score": {"type": "number"},
                            "snippet": {"type": "string", "description": "HTML: tekst geëscaped, gedeelde "
                                                                         "kernwoorden in <mark>"}},
                           required=["passage_id", "document_id", "title", "type", "region", "date", "page",
                                     "section", "position", "text", "regio", "url", "page_url", "source_url"]),
    "Similar": _obj({"passage": _ref("SimilarPassage"),
                     "terms": {"type": "array", "items": STR,
                               "description": "De kernwoorden van de passage (indextermen), zwaarste eerst"},
                     "hits": {"type": "array", "items": _ref("SimilarPassage"),
                              "description": "Passages uit andere documenten, meest gelijkend eerst; passages "
                                             "met dezelfde tekst weggelaten"}}),
    "Markering": _obj({
        "document_id": STR, "page": {"type": "integer", "description": "De pagina van de hit"},
        "boxes": {"type": "array", "items": BOX, "description": "De regels van de passage op die pagina: [x0, y0, "
                  "x1, y1] als fracties van de pagina, oorsprong linksboven; leeg als ze niet te vinden is"},
        "pages": {"type": "array", "items": _obj({"page": INT, "boxes": {"type": "array", "items": BOX}}),
                  "description": "Elke pagina met regels van de passage (loopt ze door, dan twee), die van de hit "
                                 "eerst"},
        "coverage": {"type": "number", "description": "Deel van de letters van de passage dat is teruggevonden"},
        "reason": {"type": "string", "description": "Waarom er geen (of niet elk) kader is"},
        "page_url": {"type": "string", "description": "Alleen bij een origineel dat geen PDF is: de passage "
                                                      "gemarkeerd op de documentpagina"}},
        required=["document_id", "page", "boxes", "pages"]),
    "Taxonomie": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object"}},
                  "description": "Per groep (regio's, vraagstukken, basisprincipes, organisaties, ...) de items"},
}


def _query(name: str, schema: dict, description: str, required: bool = False, many: bool = False) -> dict:
    param = {"name": name, "in": "query", "required": required, "description": description,
             "schema": {"type": "array", "items": schema} if many else schema}
    if many:
        param.update(style="form", explode=True)
    return param


FILTER_PARAMS = [
    _query("regio", STR, "Proeftuin/regio (naam of alias); herhaalbaar", many=True),
    _query("type", STR, "Documenttype: projectplan, factsheet, landelijk kader, overig", many=True),
    _query("jaar", STR, "Jaar van het document", many=True),
    _query("thema", STR, "Vraagstuk (id of naam)", many=True),
    _query("principe", STR, "Basisprincipe (id of naam)", many=True),
    _query("organisatie", STR, "Organisatie (id, naam of afkorting)", many=True),
    _query("werkend", {"type": "string", "enum": ["ja", "nee"]}, "Alleen (geen) werkende elementen"),
]


def _feed(summary: str, operation: str, parameters: list[dict]) -> dict:
    """A GET that answers with an Atom feed (or a 400 page when what it follows is missing)."""
    return {"get": {"summary": summary, "operationId": operation, "parameters": parameters,
                    "responses": {"200": {"description": "Atom 1.0-feed, nieuwste documenten eerst",
                                          "content": {"application/atom+xml": {"schema": STR}}},
                                  "400": {"description": "Wat de feed volgt ontbreekt of is ongeldig (HTML-pagina)"}}}}


def feed_paths() -> dict:
    """The feeds and the export: not JSON, but read by other programs (feed readers, Outlook, Teams, Excel)."""
    return {
        "/nieuw.atom": _feed("Nieuwe documenten (zoals /nieuw)", "feedNieuw", FILTER_PARAMS),
        "/zoeken.atom": _feed("De passages van een zoekvraag, nieuwste documenten eerst", "feedZoeken",
                              [_query("q", STR, "Zoekvraag, zoals op de zoekpagina (of alleen filters)"),
                               *FILTER_PARAMS]),
        "/zoeken.csv": {"get": {
            "summary": "De hits van een zoekvraag als CSV voor Excel", "operationId": "exportZoeken",
            "parameters": [_query("q", STR, "Zoekvraag, zoals op de zoekpagina (of alleen filters)"),
                           _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_CSV_ROWS,
                                            "default": MAX_CSV_ROWS}, "Aantal hits"),
                           *FILTER_PARAMS],
            "responses": {"200": {"description": "UTF-8 met BOM, puntkomma's, decimale komma's; kolommen: "
                                                 + ", ".join(CSV_FIELDS),
                                  "content": {"text/csv": {"schema": STR}}},
                          "400": {"description": "Geen zoekvraag of filter, of een ongeldige limit (HTML-pagina)"}}}},
        "/vergelijk.atom": _feed("Nieuw bewijs voor één vraagstuk, per regio", "feedVergelijk",
                                 [_query("thema", STR, "Vraagstuk (id of naam) of vrije tekst", required=True),
                                  _query("regio", STR, "Alleen deze regio's; herhaalbaar", many=True)]),
    }


def page_paths() -> dict:
    """The pages of a PDF original: as an image, and as a page with a passage marked (HTML)."""
    path_params = [{"name": "doc_id", "in": "path", "required": True, "schema": STR},
                   {"name": "page", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]
    unreadable = {"description": "PDFium kan de PDF niet lezen: een melding met een link naar het origineel (HTML)"}
    missing = {"description": "Geen PDF, onbekend document of pagina buiten het document (HTML)"}
    return {
        "/document/{doc_id}/pagina/{page}.png": {"get": {
            "summary": "Een pagina als afbeelding; ETag is de hash van het origineel", "operationId": "paginaPng",
            "parameters": [*path_params, _query("breedte", {"type": "integer", "enum": list(WIDTHS),
                                                            "default": DEFAULT_WIDTH}, "Breedte in pixels")],
            "responses": {"200": {"description": "PNG", "content": {"image/png": {"schema": STR}}},
                          "304": {"description": "Ongewijzigd (If-None-Match)"},
                          "400": {"description": "Breedte niet uit de lijst (HTML)"}, "404": missing,
                          "422": unreadable}}},
        "/document/{doc_id}/pagina/{page}": {"get": {
            "summary": "Een pagina met de passage erop gemarkeerd, haar tekst ernaast", "operationId": "pagina",
            "parameters": [*path_params, _query("passage", STR, "Passage-id die gemarkeerd wordt")],
            "responses": {"200": {"description": "HTML-pagina", "content": {"text/html": {"schema": STR}}},
                          "404": missing, "422": unreadable}}},
    }


def spec(server_url: str = "/") -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Kennisbank kind- en gezinsbescherming", "version": "1.0.0",
                 "description": "Zoeken en vergelijken in documenten van de proeftuinen. De antwoorden onder /api/ "
                                "zijn JSON; fouten hebben daar de vorm {\"error\": reden, \"status\": code}. "
                                "De feeds (.atom) zijn Atom 1.0."},
        "servers": [{"url": server_url}],
        "paths": {
            "/api/search": {"get": {
                "summary": "Passages zoeken", "operationId": "search",
                "parameters": [_query("q", STR, "Zoekvraag (woorden, \"zinnen\", -uitsluiten, OR, veld:waarde)"),
                               _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_API_LIMIT,
                                                "default": 10}, "Aantal hits"),
                               _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_API_OFFSET,
                                                 "default": 0}, "Overslaan (voor paginering)"),
                               _query("explain", {"type": "string", "enum": ["1", "0"]},
                                      "Toon per hit welke woordvormen matchten"),
                               *FILTER_PARAMS],
                "responses": {"200": _json(_ref("SearchResponse"), "Zoekresultaat"),
                              "400": ERROR}}},
            "/api/documents": {"get": {
                "summary": "Alle documenten", "operationId": "documents",
                "responses": {"200": _json(_ref("DocumentList"), "Documentrecords")}}},
            "/api/documents/{doc_id}": {"get": {
                "summary": "Eén document met al zijn passages", "operationId": "document",
                "parameters": [{"name": "doc_id", "in": "path", "required": True, "schema": STR}],
                "responses": {"200": _json(_ref("Document"), "Document"), "404": ERROR}}},
            "/api/similar": {"get": {
                "summary": "Passages uit andere documenten die op één passage lijken", "operationId": "similar",
                "parameters": [_query("passage", STR, "Passage-id '<document-id>:<positie>' (passage_id van een "
                                                      "hit)", required=True),
                               _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_SIMILAR,
                                                "default": 10}, "Aantal passages")],
                "responses": {"200": _json(_ref("Similar"), "De passage en de passages die erop lijken"),
                              "400": ERROR, "404": ERROR}}},
            "/api/passage/{passage_id}/markering": {"get": {
                "summary": "Waar een passage op haar pagina staat: de kaders van haar regels",
                "operationId": "markering",
                "parameters": [{"name": "passage_id", "in": "path", "required": True, "schema": STR,
                                "description": "Passage-id '<document-id>:<positie>' (passage_id van een hit)"}],
                "responses": {"200": _json(_ref("Markering"), "De kaders, of een lege lijst met de reden"),
                              "400": ERROR, "404": ERROR}}},
            **page_paths(),
            "/api/compare": {"get": {
                "summary": "Eén vraagstuk of vrij thema over de regio's", "operationId": "compare",
                "parameters": [_query("thema", STR, "Vraagstuk (id of naam) of vrije tekst", required=True),
                               _query("regio", STR, "Alleen deze regio's; herhaalbaar", many=True)],
                "responses": {"200": _json(_ref("Compare"), "Vergelijking"), "400": ERROR, "503": ERROR}}},
            "/api/matrix": {"get": {
                "summary": "Regio's x vraagstukken: aantal passages per cel", "operationId": "matrix",
                "parameters": [_query("regio", STR, "Alleen deze regio's; herhaalbaar", many=True)],
                "responses": {"200": _json(_ref("Matrix"), "Matrix"), "400": ERROR, "503": ERROR}}},
            "/api/jobs/{id}": {"get": {
                "summary": "Voortgang van een achtergrondtaak (OCR van een scan); alleen voor de beheerder",
                "operationId": "job", "security": [{"sessie": []}],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": STR}],
                "responses": {"200": _json(_ref("Job"), "Taak"), "401": ERROR, "404": ERROR}}},
            "/api/taxonomie": {"get": {
                "summary": "De domeintaxonomie", "operationId": "taxonomie",
                "responses": {"200": _json(_ref("Taxonomie"), "Taxonomie")}}},
            "/api/openapi.json": {"get": {
                "summary": "Deze beschrijving", "operationId": "openapi",
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.0-document")}}},
            **feed_paths(),
        },
        "components": {"schemas": SCHEMAS, "securitySchemes": {"sessie": {
            "type": "apiKey", "in": "cookie", "name": "session",
            "description": "Sessiecookie na inloggen als beheerder op /beheer/inloggen"}}},
    }
