"""The document page, the download of originals, the document API, and escaping of document text."""
from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest

SHARED_PDF = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"
DOC = "factsheet-proeftuinen"


def test_document_page_shows_metadata_toc_passages_and_actions(client):
    api = client.get(f"/api/documents/{DOC}").json
    page = client.get(f"/document/{DOC}").get_data(as_text=True)
    assert f"<h1>{api['title']}</h1>" in page
    assert "<dt>Type</dt><dd>factsheet</dd>" in page and "<dt>Datum</dt><dd>2023-03-29</dd>" in page
    anchors = re.findall(r'<div class="passage[^"]*" id="p(\d+)"', page)
    assert [int(a) for a in anchors] == [p["position"] for p in api["passages"]]
    toc = re.search(r'<nav class="inhoudsopgave".*?</nav>', page, re.S).group(0)
    assert all(f'id="p{target}"' in page for target in re.findall(r'href="#p(\d+)"', toc))
    assert f'href="/document/{DOC}/download"' in page
    more = re.search(r'<a id="meer-zoals-dit" href="([^"]+)"', page).group(1)
    assert more == f"/document/{DOC}/vergelijkbaar" and client.get(more).status_code == 200


def test_every_hit_link_lands_on_an_anchor(client):
    hits = client.get("/api/search?q=rechtsbescherming&limit=20").json["hits"]
    pages: dict[str, str] = {}
    for hit in hits:
        doc = hit["document_id"]
        pages.setdefault(doc, client.get(f"/document/{doc}").get_data(as_text=True))
        assert f'id="p{hit["position"]}"' in pages[doc]


def test_document_tags_link_to_filtered_searches(client):
    page = client.get(f"/document/{DOC}").get_data(as_text=True)
    tags = re.search(r'<section class="tags".*?</section>', page, re.S).group(0)
    assert re.search(r'href="/\?thema=[a-z0-9-]+"', tags) and re.search(r'href="/\?regio=', tags)


def test_download_is_the_original_as_attachment(client):
    response = client.get(f"/document/{DOC}/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={DOC}.pdf"
    original = (SHARED_PDF / f"{DOC}.pdf").read_bytes()
    assert hashlib.sha256(response.data).digest() == hashlib.sha256(original).digest()


def test_text_download_is_a_plain_text_attachment(small_client):
    response = small_client.get("/document/werkplan-zeeland/download")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == "attachment; filename=werkplan-zeeland.txt"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert b"<script>alert(1)</script>" in response.data  # the original, byte for byte, but never rendered


@pytest.mark.parametrize("url", ["/document/bestaat-niet", "/document/..%2F..%2Fetc%2Fpasswd",
                                 "/document/bestaat-niet/download", "/document/BESTAAT", "/document/a%00b"])
def test_unknown_documents_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and "Niet gevonden" in response.get_data(as_text=True)


def test_api_documents_lists_every_record(client):
    documents = client.get("/api/documents").json["documents"]
    assert len(documents) == 5 and DOC in {d["id"] for d in documents}
    assert all(d["status"] == "indexed" and d["passages"] > 0 for d in documents)


def test_api_document_has_passages_and_404_for_unknown(client):
    doc = client.get(f"/api/documents/{DOC}").json
    assert doc["id"] == DOC and doc["passages"]
    assert {"position", "page", "section", "text", "labels"} <= set(doc["passages"][0])
    missing = client.get("/api/documents/bestaat-niet")
    assert missing.status_code == 404 and "bestaat-niet" in missing.json["error"]


def test_script_in_document_text_and_title_is_shown_as_text(small_client):
    page = small_client.get("/document/werkplan-zeeland").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for url in ("/?q=klantreis", "/?q=alert", "/werkende-elementen", "/vergelijk?thema=klantreis"):
        html = small_client.get(url).get_data(as_text=True)
        assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/kennisbank.js" defer>'], url
    results = small_client.get("/?q=alert").get_data(as_text=True)
    assert "&lt;script&gt;" in results
    reference = re.search(r'<p class="bron-tekst">([^<]*)</p>', results).group(1)  # the title is in it, escaped
    assert reference.startswith("Werkplan &lt;script&gt;alert(1)&lt;/script&gt; Zeeland. Zeeland, ")
    doc = json.loads(small_client.get("/api/documents/werkplan-zeeland").get_data(as_text=True))
    assert any("<script>alert(1)</script>" in p["text"] for p in doc["passages"])  # JSON keeps the real text


def test_original_pdf_is_shown_inline_in_a_sandbox(client):
    response = client.get(f"/document/{DOC}/origineel")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f"inline; filename={DOC}.pdf"
    csp = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]
    assert csp[0] == "sandbox" and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    original = (SHARED_PDF / f"{DOC}.pdf").read_bytes()
    assert hashlib.sha256(response.data).digest() == hashlib.sha256(original).digest()


def test_document_page_links_each_passage_to_its_marked_page(client):
    api = client.get(f"/api/documents/{DOC}").json
    page = client.get(f"/document/{DOC}").get_data(as_text=True)
    assert f'id="origineel" href="/document/{DOC}/origineel"' in page
    links = re.findall(rf'href="/document/{DOC}/pagina/(\d+)\?passage={DOC}:(\d+)" class="origineel"', page)
    assert [(int(n), int(pos)) for n, pos in links] == [(p["page"], p["position"]) for p in api["passages"]]


def test_original_text_is_shown_as_plain_text(small_client):
    response = small_client.get("/document/werkplan-zeeland/origineel")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == "inline; filename=werkplan-zeeland.txt"
    assert response.headers["Content-Security-Policy"].startswith("sandbox;")
    assert b"<script>alert(1)</script>" in response.data  # the text itself, shown as text, never run
    page = small_client.get("/document/werkplan-zeeland").get_data(as_text=True)
    assert "#page=" not in page  # only a PDF has pages to open at


def test_original_word_document_is_shown_as_the_text_read_from_it(small_data, make_app):
    from docx import Document

    from kennisbank import documents

    word = Document()
    word.add_heading("Werkplan Friesland", 1)
    word.add_paragraph("Het lokale team in Friesland tekent met ouders de klantreis uit, van de melding tot de "
                       "afsluiting van de hulp, en kijkt waar gezinnen hun verhaal opnieuw moeten doen. " * 3)
    buffer = io.BytesIO()
    word.save(buffer)
    assert documents.add_bytes(small_data, buffer.getvalue(), "werkplan.docx", {"id": "werkplan-friesland"}).ok
    response = make_app(small_data).test_client().get("/document/werkplan-friesland/origineel")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "kijkt waar gezinnen hun verhaal opnieuw moeten doen" in text and "PK\x03\x04" not in text


@pytest.mark.parametrize("url", ["/document/bestaat-niet/origineel", "/document/..%2F..%2Fsecret_key/origineel"])
def test_unknown_originals_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and "Niet gevonden" in response.get_data(as_text=True)
