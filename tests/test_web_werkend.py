"""Werkende elementen: only passages flagged werkend, with thema and regio filters."""
from __future__ import annotations

import html
import re


def test_lists_only_werkende_elementen(client):
    page = client.get("/werkende-elementen").get_data(as_text=True)
    api = client.get("/api/search?werkend=ja&limit=10").json
    assert api["total"] > 0
    assert f"<h2 id=\"resultaten-kop\">{api['total']} werkend" in page
    assert page.count('<li class="hit"') == len(api["hits"])
    assert page.count("label-werkend") == len(api["hits"])
    assert 'id="facet-werkend"' not in page  # every passage here is werkend; no point in that facet


def test_thema_facet_filters_within_werkend(client):
    page = client.get("/werkende-elementen").get_data(as_text=True)
    facet = re.search(r'id="facet-thema".*?</div>', page, re.S).group(0)
    href = html.unescape(re.search(r'<a href="([^"]+)"', facet).group(1))
    assert href.startswith("/werkende-elementen?thema=")
    thema = href.split("thema=")[1]
    filtered = client.get(href).get_data(as_text=True)
    api = client.get(f"/api/search?werkend=ja&thema={thema}&limit=10").json
    assert api["total"] > 0 and f"{api['total']} werkend" in filtered
    assert 'class="chip"' in filtered


def test_regio_filter_and_query_words(client):
    all_total = client.get("/api/search?werkend=ja").json["total"]
    api = client.get("/api/search?werkend=ja&regio=Zuid-Holland+Zuid").json
    page = client.get("/werkende-elementen?regio=Zuid-Holland+Zuid").get_data(as_text=True)
    assert f"{api['total']} werkend" in page and api["total"] < all_total
    searched = client.get("/werkende-elementen?q=gezin").get_data(as_text=True)
    assert 'value="gezin"' in searched


def test_bad_page_number_is_400(client):
    assert client.get("/werkende-elementen?pagina=nul").status_code == 400
