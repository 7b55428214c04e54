"""Vergelijken: heat map, side-by-side views, CSV export and the compare/matrix API on the shared corpus."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

from kennisbank.taxonomie import load


def test_matrix_page_is_a_heat_map_that_matches_the_api(client):
    page = client.get("/vergelijk").get_data(as_text=True)
    api = client.get("/api/matrix").json
    table = re.search(r'<table class="heatmap".*?</table>', page, re.S).group(0)
    headers = [html.unescape(h) for h in re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', table)]
    assert headers == api["regions"] == [r.naam for r in load().regios]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)
    assert len(rows) == len(api["vraagstukken"])
    cells = re.findall(r'<td class="heat heat-(\d)"><a href="/vergelijk\?thema=([a-z0-9-]+)"[^>]*>(\d+)</a></td>',
                       table)
    assert len(cells) == len(api["cells"])
    by_cell = {(c["vraagstuk"], c["passages"]) for c in api["cells"]}
    assert {(vid, int(n)) for _, vid, n in cells} == by_cell
    assert all((level == "0") == (n == "0") for level, _, n in cells)
    assert any(level == "5" for level, _, _ in cells)  # the largest cell has the darkest shade
    assert 'id="csv-export"' in page


def test_one_vraagstuk_side_by_side_with_regions_without_evidence(client):
    page = client.get("/vergelijk?thema=klantreis").get_data(as_text=True)
    api = client.get("/api/compare?thema=klantreis").json
    cards = re.findall(r'<article class="kaart regio-kaart (opgepakt|niet-opgepakt)"', page)
    assert len(cards) == len(api["regions"]) == len(load().regios)
    assert cards.count("opgepakt") == sum(r["addressed"] for r in api["regions"]) > 0
    assert "niet-opgepakt" in cards and "Geen passages gevonden die bij deze regio horen." in page
    assert "<mark>" in page and api["label"] in html.unescape(page)


def test_free_text_thema_is_compared_too(client):
    page = client.get("/vergelijk?thema=wachttijd+gezinnen").get_data(as_text=True)
    assert "(vrij thema)" in page and page.count("regio-kaart") == len(load().regios)


def test_chosen_regions_side_by_side_across_all_vraagstukken(client):
    page = client.get("/vergelijk?regio=Centraal+Gelderland&regio=Zuid-Holland+Zuid").get_data(as_text=True)
    table = re.search(r'<table class="naast-elkaar".*?</table>', page, re.S).group(0)
    columns = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert columns == ["Vraagstuk", "Centraal Gelderland", "Zuid-Holland Zuid"]
    assert table.count('<th scope="row">') == len(load().vraagstukken)
    matrix = client.get("/api/matrix?regio=Centraal+Gelderland&regio=Zuid-Holland+Zuid").json
    assert table.count('class="opgepakt"') == sum(c["addressed"] for c in matrix["cells"]) > 0
    assert 'class="snippet"' in table and "<mark>" in table


@pytest.mark.parametrize("query, reason", [
    ("regio=Zeeland&regio=Utrecht&regio=Friesland&regio=Flevoland&regio=FoodValley", "Kies 2 tot 4"),
    ("regio=Atlantis&regio=Zeeland", "onbekende regio"),
    ("thema=klantreis&regio=Atlantis", "onbekende regio"),
])
def test_bad_region_choices_are_400_with_reason(client, query, reason):
    response = client.get(f"/vergelijk?{query}")
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_matrix_csv_download(client):
    response = client.get("/vergelijk.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="vergelijking-matrix.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "regio" and len(rows) == 1 + len(load().regios)
    assert len(rows[0]) == 1 + len(load().vraagstukken)


def test_thema_csv_download(client):
    response = client.get("/vergelijk.csv?thema=klantreis")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.headers["Content-Disposition"] == 'attachment; filename="vergelijking-klantreis.csv"'
    assert rows[0][:3] == ["regio", "opgepakt", "passages"] and {r[1] for r in rows[1:]} == {"ja", "nee"}


def test_api_compare_shape_and_errors(client):
    answer = client.get("/api/compare?thema=klantreis&regio=Centraal+Gelderland&regio=Zeeland").json
    assert answer["vraagstuk"] == "klantreis"
    assert [r["region"] for r in answer["regions"]] == ["Centraal Gelderland", "Zeeland"]
    assert {"region", "addressed", "score", "passages", "evidence"} == set(answer["regions"][0])
    missing = client.get("/api/compare")
    assert missing.status_code == 400 and "thema" in missing.json["error"]
    unknown = client.get("/api/compare?thema=klantreis&regio=Atlantis")
    assert unknown.status_code == 400 and "onbekende regio" in unknown.json["error"]


def test_api_matrix_has_a_cell_per_region_and_vraagstuk(client):
    m = client.get("/api/matrix").json
    assert len(m["cells"]) == len(m["regions"]) * len(m["vraagstukken"]) and m["rule"]
    assert client.get("/api/matrix?regio=Atlantis").status_code == 400


def test_evidence_opens_its_page_and_can_be_cited(client):
    page = client.get("/vergelijk?thema=klantreis").get_data(as_text=True)
    api = client.get("/api/compare?thema=klantreis").json
    evidence = [e for r in api["regions"] for e in r["evidence"]]
    links = re.findall(r'<a class="origineel" href="/document/([a-z0-9-]+)/pagina/(\d+)\?passage=[\w-]+:\d+">', page)
    assert links == [(e["document_id"], str(e["page"])) for e in evidence]
    assert page.count('class="bron-tekst"') == len(evidence)


def test_side_by_side_cells_open_the_page_of_their_passage(client):
    regions = ["Centraal Gelderland", "Zuid-Holland Zuid"]
    page = client.get("/vergelijk", query_string=[("regio", r) for r in regions]).get_data(as_text=True)
    cells = re.findall(r'<td class="opgepakt">.*?</td>', page, re.S)
    assert cells
    for cell in cells:
        doc, page_no = re.search(r'class="origineel" href="/document/([a-z0-9-]+)/pagina/(\d+)\?', cell).groups()
        title_link = re.search(rf'<a href="/document/{doc}#p\d+">[^<]+, p. (\d+)</a>', cell)
        assert title_link.group(1) == page_no
