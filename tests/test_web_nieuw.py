"""The /nieuw page: documents by date added with their vraagstukken, the search page's filters, 25 a page."""
from __future__ import annotations

import html
import re

import pytest

from kennisbank import documents
from kennisbank.config import DataDir
from kennisbank.store import Store


def _listed(page: str) -> list[str]:
    return re.findall(r'<li class="nieuw-document" id="doc-([a-z0-9-]+)">', page)


def test_lists_every_document_newest_added_first_with_its_metadata(client):
    page = client.get("/nieuw").get_data(as_text=True)
    records = client.get("/api/documents").json["documents"]
    newest_first = [r["id"] for r in sorted(records, key=lambda r: (r["added"], r["id"]), reverse=True)]
    assert _listed(page) == newest_first and len(newest_first) == 5
    assert "<h2 id=\"resultaten-kop\">5 documenten</h2>" in page
    block = re.search(r'<li class="nieuw-document" id="doc-factsheet-proeftuinen">.*?</li>', page, re.S).group(0)
    assert "<dd>factsheet</dd>" in block and "<dd>landelijk</dd>" in block and "<dd>2023-03-29</dd>" in block
    assert re.search(r'Vraagstukken:\s*<a href="/\?thema=[a-z0-9-]+" class="label">', block)
    assert 'aria-current="page">Nieuw</a>' in page


def test_a_facet_filters_the_list_like_the_search_page(client):
    page = client.get("/nieuw").get_data(as_text=True)
    link = html.unescape(re.search(r'<a href="(/nieuw\?regio=Zuid-Holland\+Zuid)">', page).group(1))
    filtered = client.get(link).get_data(as_text=True)
    assert "uitvoeringsplan-zuid-holland-zuid" in _listed(filtered)
    searched = {h["document_id"] for h in client.get("/api/search?regio=Zuid-Holland+Zuid&limit=100").json["hits"]}
    assert set(_listed(filtered)) == searched  # the documents a search with this filter finds
    assert 'class="chip"' in filtered and "Proeftuin / regio: Zuid-Holland Zuid" in filtered
    typed = client.get("/nieuw?type=factsheet").get_data(as_text=True)
    assert _listed(typed) == ["factsheet-proeftuinen"]
    assert "onbekende regio" in client.get("/nieuw?regio=Atlantis").get_data(as_text=True)


def test_pages_of_25(small_data, make_app):
    text = ("Werkplan {n}\n\nAanpak\n\nHet lokale team tekent met ouders in proeftuin {n} de klantreis uit, van de "
            "eerste melding tot de afsluiting van de hulp, en kijkt waar gezinnen hun verhaal opnieuw moeten doen "
            "en waar de wachttijd oploopt voor ouders en kinderen in de regio.\n")
    store = Store(small_data)
    for n in range(26):
        assert documents.add_bytes(small_data, text.format(n=n).encode(), f"w{n}.txt", {"id": f"werkplan-{n:02d}"}).ok
        record = store.get(f"werkplan-{n:02d}")
        record.added = f"2024-01-{n + 1:02d}T10:00:00+00:00"
        store.save(record)
    client = make_app(small_data).test_client()
    first = client.get("/nieuw").get_data(as_text=True)
    assert len(_listed(first)) == 25 and _listed(first)[:2] == ["werkplan-zeeland", "werkplan-25"]  # 27 in all
    assert 'href="/nieuw?pagina=2"' in first
    second = client.get("/nieuw?pagina=2").get_data(as_text=True)
    assert _listed(second) == ["werkplan-01", "werkplan-00"]
    assert '<ol class="nieuw-lijst" id="nieuw-lijst" start="26">' in second


@pytest.mark.parametrize("pagina", ["0", "x", "51"])
def test_a_bad_page_number_is_400(client, pagina):
    response = client.get(f"/nieuw?pagina={pagina}")
    assert response.status_code == 400 and "paginanummer" in response.get_data(as_text=True)


def test_an_empty_data_dir_says_so(tmp_path, make_app):
    page = make_app(DataDir(tmp_path / "leeg").ensure()).test_client().get("/nieuw").get_data(as_text=True)
    assert "De kennisbank is nog leeg." in page and "0 documenten" in page
