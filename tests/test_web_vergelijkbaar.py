"""Passages like this one on the web: the page of a passage, the page of a document, and /api/similar."""
from __future__ import annotations

import re

import pytest

PID = "uitvoeringsplan-zuid-holland-zuid:37"  # checked below to be the ZHZ passage on the integrale analyse


def test_api_similar_gives_other_documents_with_snippets_and_links(client):
    answer = client.get(f"/api/similar?passage={PID}&limit=5").json
    source = answer["passage"]
    assert source["passage_id"] == PID and "verklarende analyse" in source["text"]
    assert source["url"] == f"http://localhost/document/uitvoeringsplan-zuid-holland-zuid#p{source['position']}"
    assert len(answer["hits"]) == 5 and answer["terms"]
    for hit in answer["hits"]:
        assert hit["document_id"] != "uitvoeringsplan-zuid-holland-zuid" and "<mark>" in hit["snippet"]
        assert hit["passage_id"] == f"{hit['document_id']}:{hit['position']}"
        assert hit["source_url"].endswith(f"/document/{hit['document_id']}/origineel#page={hit['page']}")
    scores = [h["score"] for h in answer["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert client.get(f"/api/similar?passage={PID}").json["hits"][:5] == answer["hits"]  # limit 10 by default


def test_every_hit_of_a_search_can_be_followed_to_its_similar_passages(client):
    hits = client.get("/api/search?q=netwerkdossier&limit=5").json["hits"]
    for hit in hits:
        answer = client.get(f"/api/similar?passage={hit['passage_id']}&limit=3")
        assert answer.status_code == 200 and answer.json["passage"]["text"] == hit["text"]


@pytest.mark.parametrize("query, status, reason", [
    ("", 400, "geef een passage mee"), ("passage=factsheet-proeftuinen", 400, "Ongeldige passage-id"),
    ("passage=../x:1", 400, "Ongeldige passage-id"), ("passage=factsheet-proeftuinen:01", 400, "Ongeldige"),
    (f"passage={PID}&limit=0", 400, "limit moet tussen 1 en 50"),
    ("passage=factsheet-proeftuinen:9999", 404, "Er is geen passage met id 'factsheet-proeftuinen:9999'"),
    ("passage=bestaat-niet:0", 404, "Er is geen passage"),
])
def test_api_similar_says_what_is_wrong(client, query, status, reason):
    response = client.get(f"/api/similar?{query}")
    assert response.status_code == status and response.is_json and reason in response.json["error"]


def test_passage_page_shows_the_passage_and_the_similar_ones(client):
    page = client.get(f"/passage/{PID}/vergelijkbaar").get_data(as_text=True)
    assert "<h1>Passages zoals deze</h1>" in page and "verklarende analyse" in page
    api = client.get(f"/api/similar?passage={PID}").json
    links = re.findall(r'<h3 class="hit-titel"><a href="(/document/[a-z0-9-]+#p\d+)">', page)
    assert links == [f"/document/{h['document_id']}#p{h['position']}" for h in api["hits"]]
    assert f"{len(api['hits'])} vergelijkbare passages in andere documenten" in page


@pytest.mark.parametrize("url, status, reason", [
    ("/passage/geen-id/vergelijkbaar", 400, "Ongeldige passage-id"),
    ("/passage/factsheet-proeftuinen:9999/vergelijkbaar", 404, "Er is geen passage"),
    ("/document/bestaat-niet/vergelijkbaar", 404, "Er is geen document"),
])
def test_bad_or_unknown_ids_get_a_dutch_error_page(client, url, status, reason):
    response = client.get(url)
    assert response.status_code == status and reason in response.get_data(as_text=True)


def test_document_page_more_like_this_lists_other_documents(client):
    doc = "uitvoeringsplan-zuid-holland-zuid"
    page = client.get(f"/document/{doc}/vergelijkbaar").get_data(as_text=True)
    assert "<h1>Meer zoals dit document</h1>" in page
    links = re.findall(r'<h3 class="hit-titel"><a href="/document/([a-z0-9-]+)#p\d+">', page)
    assert links and doc not in links


def test_an_empty_data_dir_has_no_passages_to_compare(tmp_path, make_app):
    from kennisbank.config import DataDir

    client = make_app(DataDir(tmp_path / "leeg").ensure()).test_client()
    assert client.get("/api/similar?passage=a:0").status_code == 404
    assert client.get("/passage/a:0/vergelijkbaar").status_code == 404
