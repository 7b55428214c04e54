"""The Atom feeds, read as XML and checked against the index: new documents, a search, evidence per region."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from kennisbank import documents, vergelijk
from kennisbank.search.engine import Engine
from kennisbank.store import Store

A = "{http://www.w3.org/2005/Atom}"
NEW_PLAN = """Werkplan Noord

Klantreis in de regio

Het lokale team in de regio Noord tekent met ouders de klantreis uit, van de eerste melding tot de afsluiting van
de hulp. Bij elke overdracht kijken wij waar gezinnen hun verhaal opnieuw moeten doen en hoe de wachttijd korter
kan. Wat wij leren over de klantreis bespreken wij elk kwartaal met de gecertificeerde instelling en de ouders.
"""


def read(client, url: str) -> ET.Element:
    """A feed, parsed: it must be Atom XML."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{A}feed" and root.findtext(f"{A}id").startswith("urn:kennisbank:feed:")
    return root


def entries(root: ET.Element) -> list[dict]:
    return [{"id": e.findtext(f"{A}id"), "title": e.findtext(f"{A}title"), "updated": e.findtext(f"{A}updated"),
             "link": e.find(f"{A}link[@rel='alternate']").get("href"), "summary": e.findtext(f"{A}summary"),
             "related": (e.find(f"{A}link[@rel='related']") if e.find(f"{A}link[@rel='related']") is not None
                         else {}).get("href"),
             "regions": [c.get("term") for c in e.findall(f"{A}category")]} for e in root.findall(f"{A}entry")]


def _records(client) -> dict[str, dict]:
    return {d["id"]: d for d in client.get("/api/documents").json["documents"]}


def test_new_documents_feed_lists_the_documents_newest_first(client):
    records = _records(client)
    found = entries(read(client, "/nieuw.atom"))
    expected = sorted(records.values(), key=lambda r: (r["added"], r["id"]), reverse=True)
    assert [e["id"] for e in found] == [f"urn:kennisbank:document:{r['id']}" for r in expected]
    for entry, record in zip(found, expected):
        assert (entry["title"], entry["updated"], entry["regions"]) == (record["title"], record["added"],
                                                                         [record["region"]])
        assert entry["link"] == f"http://localhost/document/{record['id']}"
        assert entry["summary"].startswith(f"{record['region']} · {record['type']} · ") and "<" not in entry["summary"]
    typed = entries(read(client, "/nieuw.atom?type=factsheet"))
    assert [e["id"] for e in typed] == ["urn:kennisbank:document:factsheet-proeftuinen"]


def test_search_feed_holds_the_search_hits_newest_documents_first_with_stable_ids(client):
    hits = client.get("/api/search?q=verklarende+analyse&limit=100").json["hits"]
    root = read(client, "/zoeken.atom?q=verklarende+analyse")
    found = entries(root)
    assert len(hits) < 50 and {e["id"] for e in found} == {f"urn:kennisbank:passage:{h['passage_id']}" for h in hits}
    records = _records(client)
    added = [e["updated"] for e in found]
    assert added == sorted(added, reverse=True)
    by_id = {f"urn:kennisbank:passage:{h['passage_id']}": h for h in hits}
    for entry in found:
        hit = by_id[entry["id"]]
        assert entry["title"] == hit["title"] and entry["updated"] == records[hit["document_id"]]["added"]
        assert entry["link"] == hit["url"] and entry["related"] == hit["source_url"]
        assert f"pagina {hit['page']}" in entry["summary"] and "<mark>" not in entry["summary"]
        assert entry["regions"] == (hit["regio"] or [hit["region"]])
    assert [e["id"] for e in entries(read(client, "/zoeken.atom?q=verklarende+analyse"))] == [e["id"] for e in found]
    assert "verklarende analyse" in root.findtext(f"{A}title")
    assert root.find(f"{A}link[@rel='alternate']").get("href") == "http://localhost/?q=verklarende+analyse"


def test_search_feed_takes_the_search_filters(client):
    found = entries(read(client, "/zoeken.atom?q=gezin&regio=Zuid-Holland+Zuid"))
    assert found and all(e["regions"] == ["Zuid-Holland Zuid"] for e in found)
    assert "regio: Zuid-Holland Zuid" in read(client, "/zoeken.atom?q=gezin&regio=Zuid-Holland+Zuid").findtext(
        f"{A}title")


def test_evidence_feed_lists_the_passages_that_count_per_region(client, app):
    found = entries(read(client, "/vergelijk.atom?thema=klantreis"))
    evidence = vergelijk.evidence(Engine(app.extensions["kennisbank"].data), "klantreis")["passages"]
    assert len(found) == min(50, len(evidence))
    regions = {f"urn:kennisbank:passage:{p['document_id']}:{p['position']}": p["regions"] for p in evidence}
    assert all(e["regions"] == regions[e["id"]] for e in found)
    zeeland = entries(read(client, "/vergelijk.atom?thema=klantreis&regio=Zeeland"))
    assert zeeland and all(e["regions"] == ["Zeeland"] and e["summary"].startswith("Zeeland · ") for e in zeeland)


@pytest.mark.parametrize("url, reason", [
    ("/zoeken.atom", "Geef een zoekvraag"), ("/vergelijk.atom", "Geef een vraagstuk mee"),
    ("/vergelijk.atom?thema=klantreis&regio=Atlantis", "onbekende regio"),
])
def test_feeds_without_what_they_follow_are_400_with_a_reason(client, url, reason):
    response = client.get(url)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_a_document_added_after_a_read_is_in_the_next_read(small_client, small_data):
    store = Store(small_data)
    first = store.get("werkplan-zeeland")
    first.added = "2024-01-01T09:00:00+00:00"  # yesterday, say: `added` counts whole seconds
    store.save(first)
    before_new = entries(read(small_client, "/nieuw.atom"))
    before_search = entries(read(small_client, "/zoeken.atom?q=klantreis"))
    assert [e["id"] for e in before_new] == ["urn:kennisbank:document:werkplan-zeeland"]
    assert before_search and all(":werkplan-zeeland:" in e["id"] for e in before_search)
    assert documents.add_bytes(small_data, NEW_PLAN.encode(), "noord.txt", {"id": "werkplan-noord"}).ok
    after_new = entries(read(small_client, "/nieuw.atom"))
    assert [e["id"] for e in after_new] == ["urn:kennisbank:document:werkplan-noord",
                                            "urn:kennisbank:document:werkplan-zeeland"]
    after_search = entries(read(small_client, "/zoeken.atom?q=klantreis"))
    assert after_search[0]["id"].startswith("urn:kennisbank:passage:werkplan-noord:")  # newest document first
    assert [e for e in after_search if e["id"] in {b["id"] for b in before_search}] == before_search  # ids stable


def test_titles_with_markup_stay_text_in_the_feed(small_client):
    title = entries(read(small_client, "/nieuw.atom"))[0]["title"]
    assert title == "Werkplan <script>alert(1)</script> Zeeland"


@pytest.mark.parametrize("page, feed", [
    ("/?q=klantreis&regio=Zuid-Holland+Zuid", "/zoeken.atom?q=klantreis&regio=Zuid-Holland+Zuid"),
    ("/?thema=klantreis", "/zoeken.atom?thema=klantreis"),
    ("/nieuw?type=projectplan", "/nieuw.atom?type=projectplan"),
    ("/vergelijk?thema=klantreis", "/vergelijk.atom?thema=klantreis"),
    ("/werkende-elementen?thema=klantreis", "/zoeken.atom?thema=klantreis&werkend=ja"),
])
def test_pages_name_their_feed_in_the_head_and_in_a_follow_link(client, page, feed):
    body = client.get(page).get_data(as_text=True)
    head = body.split("</head>")[0]
    alternate = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', head)
    follow = re.search(r'<a class="volg" id="volg" href="([^"]+)" type="application/atom\+xml">Volg \(Atom\)', body)
    assert html.unescape(alternate.group(1)) == html.unescape(follow.group(1)) == feed
    read(client, feed)
