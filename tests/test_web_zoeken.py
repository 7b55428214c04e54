"""The search page and /api/search on the shared corpus."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

SEARCH_KEYS = {"query", "total", "hits", "suggestion", "facets", "notes"}
HIT_KEYS = {"document_id", "title", "type", "region", "date", "page", "section", "text", "snippet", "score",
            "position", "regio", "werkend", "ocr", "passage_id", "url", "page_url", "source_url"}


def _links(page: str, css_class: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a href="([^"]+)"[^>]*class="{css_class}"', page)]


def test_home_has_one_labelled_search_box(client):
    page = client.get("/").get_data(as_text=True)
    assert page.count('type="search"') == 1
    assert '<label for="zoekformulier-q">' in page and 'role="search"' in page
    assert 'id="hits"' not in page


def test_query_shows_hits_with_marked_snippets_and_passage_links(client):
    response = client.get("/?q=klantreis")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="klantreis"' in page  # the query stays in the box (and in the URL)
    assert "<mark>" in page
    links = re.findall(r'<h3 class="hit-titel"><a href="(/document/[a-z0-9-]+#p\d+)">', page)
    answer = client.get("/api/search?q=klantreis").json
    assert answer["total"] > 0 and len(links) == min(10, answer["total"])
    assert f"{answer['total']} passages gevonden" in page
    assert links[0] == f"/document/{answer['hits'][0]['document_id']}#p{answer['hits'][0]['position']}"


def test_facet_link_filters_and_chip_removes_the_filter(client):
    page = client.get("/?q=gezinsgericht").get_data(as_text=True)
    facet = re.search(r'<div class="facet" id="facet-regio".*?</div>', page, re.S).group(0)
    href = html.unescape(re.search(r'<a href="([^"]+)"', facet).group(1))
    region = parse_qs(urlsplit(href).query)["regio"][0]
    assert parse_qs(urlsplit(href).query)["q"] == ["gezinsgericht"]
    filtered = client.get(href).get_data(as_text=True)
    assert 'class="chip"' in filtered and f"Proeftuin / regio: {html.escape(region)}" in filtered
    api = client.get("/api/search", query_string={"q": "gezinsgericht", "regio": region, "limit": 100}).json
    assert api["hits"] and all(region in h["regio"] for h in api["hits"])
    assert f"{api['total']} passage" in filtered
    remove = _links(filtered, "chip-verwijder")
    assert remove == ["/?q=gezinsgericht"]


def test_thema_facet_shows_labels_not_ids(client):
    page = client.get("/?q=klantreis").get_data(as_text=True)
    facet = re.search(r'id="facet-thema".*?</div>', page, re.S).group(0)
    assert "thema=klantreis" in facet and ">Klantreis<" in facet


def test_misspelling_offers_a_did_you_mean_link(client):
    page = client.get("/?q=klantrijs").get_data(as_text=True)
    assert 'id="suggestie"' in page
    assert 'href="/?q=klantreis">klantreis</a>' in page


def test_pagination_moves_through_hits(client):
    first = client.get("/?q=gezin").get_data(as_text=True)
    assert 'id="paginering"' in first and 'href="/?q=gezin&amp;pagina=2"' in first
    second = client.get("/?q=gezin&pagina=2").get_data(as_text=True)
    assert '<ol class="hits" id="hits" start="11">' in second
    assert 'id="hit-11"' in second and 'id="hit-11"' not in first
    hits = lambda p: re.findall(r'<h3 class="hit-titel"><a href="([^"]+)"', p)  # noqa: E731
    assert hits(first) != hits(second)


@pytest.mark.parametrize("pagina", ["0", "abc", "51", "-1"])
def test_bad_page_number_is_400_with_reason(client, pagina):
    response = client.get(f"/?q=gezin&pagina={pagina}")
    assert response.status_code == 400 and "paginanummer" in response.get_data(as_text=True)


def test_unknown_filter_value_is_noted_not_an_error(client):
    page = client.get("/?q=gezin&regio=Atlantis").get_data(as_text=True)
    assert "onbekende regio" in page and "Atlantis" in page


def test_api_search_has_the_engine_shape(client):
    answer = client.get("/api/search?q=verklarende+analyse&limit=3").json
    assert set(answer) == SEARCH_KEYS
    assert len(answer["hits"]) == 3 and all(set(h) == HIT_KEYS for h in answer["hits"])
    assert set(answer["facets"]) >= {"type", "region", "jaar", "regio", "principe", "thema", "organisatie", "werkend"}


def test_api_search_offset_pages_and_filters_apply(client):
    first = client.get("/api/search?q=gezin&limit=5").json["hits"]
    second = client.get("/api/search?q=gezin&limit=5&offset=5").json["hits"]
    assert [(h["document_id"], h["position"]) for h in first] != [(h["document_id"], h["position"]) for h in second]
    typed = client.get("/api/search?q=gezin&type=factsheet&limit=50").json
    assert typed["hits"] and {h["type"] for h in typed["hits"]} == {"factsheet"}
    werkend = client.get("/api/search?werkend=ja&limit=50").json
    assert werkend["total"] > 0 and all(h["werkend"] for h in werkend["hits"])


def test_api_search_explain_adds_matched_forms(client):
    hit = client.get("/api/search?q=gezinnen&limit=1&explain=1").json["hits"][0]
    assert "explain" in hit and hit["explain"]


@pytest.mark.parametrize("query, reason", [
    ("limit=0", "limit moet tussen 1 en 100"), ("limit=101", "limit moet tussen 1 en 100"),
    ("limit=tien", "limit moet een geheel getal"), ("offset=-1", "offset moet tussen"),
    ("offset=x", "offset moet een geheel getal"),
])
def test_api_search_bad_limit_or_offset_is_400_with_reason(client, query, reason):
    response = client.get(f"/api/search?q=gezin&{query}")
    assert response.status_code == 400 and response.is_json
    assert reason in response.json["error"]


def test_api_hits_carry_their_passage_id_and_links(client):
    hits = client.get("/api/search?q=verklarende+analyse&limit=20").json["hits"]
    assert hits
    for hit in hits:
        doc, position, page = hit["document_id"], hit["position"], hit["page"]
        assert hit["passage_id"] == f"{doc}:{position}"
        assert hit["url"] == f"http://localhost/document/{doc}#p{position}"
        assert hit["source_url"] == f"http://localhost/document/{doc}/origineel#page={page}"  # the shared PDFs
        assert hit["page_url"] == f"http://localhost/document/{doc}/pagina/{page}?passage={doc}:{position}"
        for link in ("url", "page_url", "source_url"):
            assert client.get(hit[link]).status_code == 200, link


def test_a_hit_of_a_text_original_links_to_the_document_page_passage(small_client):
    hit = small_client.get("/api/search?q=klantreis&limit=1").json["hits"][0]
    assert hit["source_url"] == hit["url"] == f"http://localhost/document/werkplan-zeeland#p{hit['position']}"
    assert hit["page_url"] == (f"http://localhost/document/werkplan-zeeland?passage=werkplan-zeeland:{hit['position']}"
                               f"#p{hit['position']}")


def _hit_blocks(page: str) -> list[str]:
    return re.findall(r'<li class="hit" id="hit-\d+">.*?</li>\n', page, re.S)


def test_each_hit_opens_its_page_finds_similar_and_cites(client):
    from kennisbank.bronvermelding import bronvermelding

    page = client.get("/?q=verklarende+analyse").get_data(as_text=True)
    api = client.get("/api/search?q=verklarende+analyse").json["hits"]
    blocks = _hit_blocks(page)
    assert len(blocks) == len(api) == 10
    records = {d["id"]: d for d in client.get("/api/documents").json["documents"]}
    for block, hit in zip(blocks, api):
        doc, position, page_no = hit["document_id"], hit["position"], hit["page"]
        assert (f'<a class="origineel" href="/document/{doc}/pagina/{page_no}?passage={doc}:{position}">'
                f'Origineel, pagina {page_no}</a>') in block
        assert f'<a class="vergelijkbaar" href="/passage/{doc}:{position}/vergelijkbaar">' in block
        reference = html.unescape(re.search(r'<p class="bron-tekst">([^<]+)</p>', block).group(1))
        record = records[doc]
        expected = bronvermelding(record["title"], record["region"], record["type"], record["date"], page_no,
                                  f"http://localhost/document/{doc}#p{position}")
        assert reference.startswith(expected + " (geraadpleegd op ")  # the one format, with today's date
        assert '<details class="bron"' in block and "<summary>Bronvermelding</summary>" in block


def test_a_text_original_has_no_page_to_open_but_its_text(small_client):
    page = small_client.get("/?q=klantreis").get_data(as_text=True)
    [block] = _hit_blocks(page)[:1]
    assert re.search(r'<a class="in-tekst" href="/document/werkplan-zeeland\?passage=werkplan-zeeland:\d+#p\d+"', block)
    assert 'class="origineel"' not in block and 'class="vergelijkbaar"' in block and 'class="bron-tekst"' in block


def _csv_rows(response) -> list[dict]:
    import csv
    import io

    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # the byte order mark that makes Excel read UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_export_has_the_fields_of_the_json_hits(client):
    from kennisbank.web.atom import plain

    response = client.get("/zoeken.csv?q=verklarende+analyse&regio=Zuid-Holland+Zuid")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="zoeken-verklarende-analyse.csv"'
    rows = _csv_rows(response)
    hits = client.get("/api/search?q=verklarende+analyse&regio=Zuid-Holland+Zuid&limit=100").json["hits"]
    assert len(rows) == len(hits) > 0
    assert set(rows[0]) == set(hits[0]) - {"explain", "tags"}  # every field of a JSON hit
    for row, hit in zip(rows, hits):
        assert row["passage_id"] == hit["passage_id"] and row["source_url"] == hit["source_url"]
        assert row["page"] == str(hit["page"]) and row["regio"] == ", ".join(hit["regio"])
        assert row["score"] == f"{hit['score']:g}".replace(".", ",") and row["werkend"] in ("ja", "nee")
        assert row["snippet"] == plain(hit["snippet"]) and "<mark>" not in row["snippet"]
        assert row["text"].lstrip("'") == hit["text"]


def test_csv_cells_never_start_a_formula(small_data, make_app):
    from kennisbank import documents

    text = ("Werkplan\n\nAanpak\n\n@SUM(1+1) en -2+3: het lokale team tekent met ouders de klantreis uit, van de "
            "eerste melding tot de afsluiting van de hulp, en kijkt waar gezinnen hun verhaal opnieuw moeten doen.\n")
    overrides = {"id": "formule", "title": '=HYPERLINK("https://example.org/x";"klik")', "region": "Zeeland"}
    assert documents.add_bytes(small_data, text.encode(), "formule.txt", overrides).ok
    rows = _csv_rows(make_app(small_data).test_client().get("/zoeken.csv?q=klantreis&regio=Zeeland"))
    row = next(r for r in rows if r["document_id"] == "formule")
    assert row["title"] == '\'=HYPERLINK("https://example.org/x";"klik")'  # shown as text, never run
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


@pytest.mark.parametrize("query, reason", [("", "Geef een zoekvraag"),
                                           ("q=gezin&limit=501", "limit moet tussen 1 en 500")])
def test_csv_export_without_a_search_or_with_a_bad_limit_is_400(client, query, reason):
    response = client.get(f"/zoeken.csv?{query}")
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_result_page_links_its_csv_export(client):
    page = client.get("/?q=klantreis&regio=Zuid-Holland+Zuid").get_data(as_text=True)
    link = html.unescape(re.search(r'<a href="([^"]+)" id="csv-export">Exporteer als CSV</a>', page).group(1))
    assert link == "/zoeken.csv?q=klantreis&regio=Zuid-Holland+Zuid" and client.get(link).status_code == 200
