"""What the views share: the per-process cache of search answers, and what makes it answer anew."""
from __future__ import annotations

from kennisbank import documents
from kennisbank.web.common import SearchCache, index_state, state

NIEUW = ("# Verslag leertafel Waddenkust\n\n" + "De leertafel Waddenkust bespreekt hoe de wijkteams en de "
         "gecertificeerde instelling samen met ouders een veiligheidsplan maken en bijhouden. " * 5)


def test_a_repeated_search_is_answered_from_the_cache_until_a_commit(small_app, small_data):
    client, cache = small_app.test_client(), state(small_app).cache
    first = client.get("/api/search?q=klantreis+gezin").get_json()
    again = client.get("/api/search?q=klantreis+gezin").get_json()
    assert first == again and first["hits"][0]["passage_id"].startswith("werkplan-zeeland:")
    assert (cache.hits, cache.misses) == (1, 1)
    client.get("/api/search?q=klantreis+gezin&limit=5")
    client.get("/api/search?q=klantreis+gezin&regio=Zeeland")
    assert (cache.hits, cache.misses) == (1, 3)  # another limit or filter is another search

    cached = client.get("/api/search?q=leertafel+Waddenkust").get_json()  # kept, as the next one would be
    assert "verslag-waddenkust" not in [hit["document_id"] for hit in cached["hits"]]
    before = index_state(small_data)
    assert documents.add_bytes(small_data, NIEUW.encode("utf-8"), "verslag-waddenkust.md").ok  # one commit
    assert index_state(small_data) != before
    after = client.get("/api/search?q=leertafel+Waddenkust").get_json()
    assert [hit["document_id"] for hit in after["hits"]][:1] == ["verslag-waddenkust"]
    assert client.get("/api/search?q=klantreis+gezin").get_json()["total"] == first["total"]
    assert (cache.hits, cache.misses) == (1, 6)


def test_the_cache_keeps_a_bounded_number_of_hits_and_hands_out_copies():
    cache = SearchCache(entries=10, max_hits=3)
    for key in "ab":
        cache.answer(key, lambda: {"hits": [{"n": 1}, {"n": 2}]})
    assert list(cache._answers) == ["b"]  # 4 hits would be more than 3: the oldest answer went
    mine = cache.answer("b", lambda: {"hits": []})
    mine["hits"][0]["n"] = 99  # what a view does with its answer stays with it
    assert cache.answer("b", lambda: {"hits": []})["hits"][0] == {"n": 1}
