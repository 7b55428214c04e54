"""WhooshSearcher: what it keeps between searches must stay what whoosh says."""
from __future__ import annotations

from kennisbank.documents import add_bytes
from kennisbank.search.engine import Engine


def test_document_frequencies_are_whooshs_and_follow_a_commit(small_data):
    engine = Engine(small_data)
    s = engine.searcher()
    before = s.doc_frequency("text", "kwartelnest")
    assert before == s.doc_frequency("text", "kwartelnest") == s.raw.doc_frequency("text", "kwartelnest") == 0
    assert s.doc_frequency("text", "proeftuin") == s.raw.doc_frequency("text", "proeftuin")
    text = "Werkplan Kwartelnest\n\nHet kwartelnest is de plek waar het lokale team het gezin ontmoet.\n"
    assert add_bytes(small_data, text.encode("utf-8"), "kwartelnest.txt", {}).ok
    fresh = engine.searcher()  # a commit since: a new searcher, with nothing kept from the old one
    assert fresh is not s
    assert fresh.doc_frequency("text", "kwartelnest") == fresh.raw.doc_frequency("text", "kwartelnest") == 1
    engine.close()
