"""Pages of PDF originals on the web: the image route and its cache, the page view, the marking API, bad input."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from kennisbank.config import DataDir
from kennisbank.pagina import WIDTHS, cache
from kennisbank.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

DOC = "plan-van-aanpak-toekomsttuin-centraal-gelderland"
PDF = SHARED / "pdf" / f"{DOC}.pdf"


def _with_pdf(root) -> DataDir:
    """A data dir of our own holding one shared PDF (its page images are written there)."""
    from kennisbank.documents import add_path

    data = DataDir(root).ensure()
    outcome = add_path(data, PDF, {"region": "Centraal Gelderland"})
    assert outcome.ok, outcome.message
    return data


@pytest.fixture(scope="module")
def pdf_data(tmp_path_factory) -> DataDir:
    return _with_pdf(tmp_path_factory.mktemp("pagina"))


@pytest.fixture
def pdf_client(make_app, pdf_data):
    return make_app(pdf_data).test_client()


def test_a_page_renders_as_png_at_each_width_and_is_cached(pdf_client, pdf_data):
    sha = Store(pdf_data).get(DOC).sha256
    for width in WIDTHS:
        response = pdf_client.get(f"/document/{DOC}/pagina/2.png?breedte={width}")
        assert response.status_code == 200 and response.mimetype == "image/png"
        image = Image.open(io.BytesIO(response.data))
        assert image.width == width and image.height > width  # a portrait A4 page
        assert response.headers["ETag"] == f'"{sha}"' and "no-cache" in response.headers["Cache-Control"]
        assert cache.image_path(pdf_data.page_images, sha, 2, width).read_bytes() == response.data
    again = pdf_client.get(f"/document/{DOC}/pagina/2.png?breedte=800", headers={"If-None-Match": f'"{sha}"'})
    assert again.status_code == 304 and not again.data


def test_the_default_width_is_one_of_the_set(pdf_client):
    image = Image.open(io.BytesIO(pdf_client.get(f"/document/{DOC}/pagina/1.png").data))
    assert image.width in WIDTHS


@pytest.mark.parametrize("url, status, words", [
    (f"/document/{DOC}/pagina/2.png?breedte=801", 400, "Ongeldige breedte"),
    (f"/document/{DOC}/pagina/2.png?breedte=groot", 400, "Ongeldige breedte"),
    (f"/document/{DOC}/pagina/999.png", 404, "heeft geen pagina 999"),
    (f"/document/{DOC}/pagina/0.png", 404, "heeft geen pagina 0"),
    (f"/document/{DOC}/pagina/999", 404, "heeft geen pagina 999"),
    ("/document/bestaat-niet/pagina/1.png", 404, "Er is geen document"),
    (f"/document/{DOC}/pagina/1?passage=ander-document:1", 404, "Er is geen passage"),
    (f"/document/{DOC}/pagina/1?passage=../x", 400, "Ongeldige passage-id"),
])
def test_bad_input_is_refused_in_plain_dutch(pdf_client, url, status, words):
    response = pdf_client.get(url)
    assert response.status_code == status and words in response.get_data(as_text=True)


def test_a_text_original_has_no_pages(small_client):
    response = small_client.get("/document/werkplan-zeeland/pagina/1.png")
    assert response.status_code == 404 and "is geen PDF" in response.get_data(as_text=True)
    answer = small_client.get("/api/passage/werkplan-zeeland:0/markering")
    assert answer.status_code == 200 and answer.json["boxes"] == [] and "geen PDF" in answer.json["reason"]
    assert answer.json["page_url"] == "/document/werkplan-zeeland?passage=werkplan-zeeland:0#p0"


def test_a_text_original_marks_the_passage_in_the_document_text(small_client):
    page = small_client.get("/document/werkplan-zeeland?passage=werkplan-zeeland:1").get_data(as_text=True)
    assert page.count('<mark id="markering">') == 1
    assert re.search(r'class="passage[^"]* gemarkeerd" id="p1"', page)


def test_a_pdf_pdfium_cannot_read_gives_a_message_and_the_original(make_app, tmp_path):
    data = _with_pdf(tmp_path / "data")
    store = Store(data)
    store.original_path(store.get(DOC)).write_bytes((SHARED / "kapot" / "geen-pdf.pdf").read_bytes())
    client = make_app(data).test_client()
    for url in (f"/document/{DOC}/pagina/1.png", f"/document/{DOC}/pagina/1"):
        response = client.get(url)
        assert response.status_code == 422, url
        text = response.get_data(as_text=True)
        assert "PDFium kan" in text and f'href="/document/{DOC}/origineel#page=1"' in text
    answer = client.get(f"/api/passage/{DOC}:0/markering")
    assert answer.status_code == 200 and answer.json["boxes"] == [] and "PDFium" in answer.json["reason"]


def test_the_marking_api_gives_boxes_as_fractions_of_the_hit_page(client):
    hit = client.get("/api/search?q=verklarende+analyse&limit=1").json["hits"][0]
    answer = client.get(f"/api/passage/{hit['passage_id']}/markering").json
    assert answer["document_id"] == hit["document_id"] and answer["page"] == hit["page"]
    assert answer["boxes"] and answer["pages"][0] == {"page": hit["page"], "boxes": answer["boxes"]}
    for x0, y0, x1, y1 in answer["boxes"]:
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    assert client.get("/api/passage/bestaat-niet:1/markering").status_code == 404
    assert client.get("/api/passage/x:01/markering").status_code == 400


def test_the_page_view_draws_the_boxes_without_inline_style_or_script(client):
    hit = client.get("/api/search?q=verklarende+analyse&limit=1").json["hits"][0]
    doc, page_no, pid = hit["document_id"], hit["page"], hit["passage_id"]
    response = client.get(hit["page_url"])
    page = response.get_data(as_text=True)
    boxes = client.get(f"/api/passage/{pid}/markering").json["boxes"]
    assert response.status_code == 200 and page.count("<rect ") == len(boxes) > 0
    assert f'src="/document/{doc}/pagina/{page_no}.png?breedte=800"' in page
    assert f'href="/document/{doc}/pagina/{page_no}.png?breedte={max(WIDTHS)}" id="vergroot"' in page
    assert "style=" not in page and "<script>" not in page and "script-src 'self'" in response.headers[
        "Content-Security-Policy"]
    assert f'href="/document/{doc}/origineel#page={page_no}">Open het hele origineel' in page
    assert "<summary>Bronvermelding</summary>" in page and 'id="passage-tekst"' in page
    assert hit["text"].split()[3] in page
    for rel, n in (("prev", page_no - 1), ("next", page_no + 1)):
        if 1 <= n:
            assert f'href="/document/{doc}/pagina/{n}?passage={pid}" rel="{rel}"' in page


def test_the_page_view_without_the_passage_on_it_says_so(client):
    hit = client.get("/api/search?q=verklarende+analyse&limit=1").json["hits"][0]
    other = hit["page"] + 2
    page = client.get(f"/document/{hit['document_id']}/pagina/{other}?passage={hit['passage_id']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<rect " not in text and 'id="geen-markering"' in text
    assert f'/pagina/{hit["page"]}?passage={hit["passage_id"]}">Naar pagina {hit["page"]}' in text


def test_the_cache_stays_within_its_limit_dropping_the_least_recently_used(tmp_path):
    folder = tmp_path / "paginas"
    rendered = []

    def render(n: int):
        def make() -> bytes:
            rendered.append(n)
            return bytes(1000)
        return make
    for n in range(1, 6):
        cache.cached(folder, "abc", n, 800, render(n), limit=10_000)
        os.utime(cache.image_path(folder, "abc", n, 800), (n, n))  # page n used at time n
    cache.cached(folder, "abc", 1, 800, render(1), limit=10_000)  # from the cache, and now the newest
    assert rendered == [1, 2, 3, 4, 5]
    assert cache.trim(folder, limit=3000) == 3  # 5000 bytes: down to 80 % of 3000
    assert sorted(p.name for p in folder.glob("*.png")) == ["abc-1-800.png", "abc-5-800.png"]
