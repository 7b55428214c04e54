"""Tests for kennisbank.filters: field filters become one whoosh query, unknown values are named."""
from __future__ import annotations

from whoosh import query as Q

from kennisbank.filters import filter_query


def test_filter_query_names_unknown_regions():
    q, notes = filter_query({"regio": ["Zeeland", "Narnia"], "type": ["Factsheet"]})
    assert notes == ["onbekende regio 'Narnia'"]
    assert Q.Term("type", "factsheet") in list(q.children()) and filter_query({}) == (None, [])


def test_names_from_the_taxonomy_become_their_ids():
    q, notes = filter_query({"thema": ["Verklarende (integrale) analyse"], "werkend": ["ja"]})
    assert notes == [] and set(q.children()) == {Q.Term("thema", "verklarende-analyse"), Q.Term("werkend", True)}


def test_several_values_of_one_filter_are_alternatives():
    q, _ = filter_query({"jaar": ["2022", "2023"]})
    assert q == Q.Or([Q.Term("jaar", "2022"), Q.Term("jaar", "2023")])
