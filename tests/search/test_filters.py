"""Tests for kennisbank.search.filters: field filters become one index query, unknown values are named."""
from __future__ import annotations

from kennisbank.index.query import Or, Term
from kennisbank.search.filters import filter_query


def test_filter_query_names_unknown_regions():
    q, notes = filter_query({"regio": ["Zeeland", "Narnia"], "type": ["Factsheet"]})
    assert notes == ["onbekende regio 'Narnia'"]
    assert Term("type", "factsheet") in q.parts and filter_query({}) == (None, [])


def test_names_from_the_taxonomy_become_their_ids():
    q, notes = filter_query({"thema": ["Verklarende (integrale) analyse"], "werkend": ["ja"]})
    assert notes == [] and set(q.parts) == {Term("thema", "verklarende-analyse"), Term("werkend", True)}


def test_several_values_of_one_filter_are_alternatives():
    q, _ = filter_query({"jaar": ["2022", "2023"]})
    assert q == Or([Term("jaar", "2022"), Term("jaar", "2023")])
