"""Tests for kennisbank.index.reading: what a searcher tells about the index it reads."""
from __future__ import annotations

from kennisbank import index


def test_doc_count_counts_live_passages_only(data, meta, passages):
    ix = index.open_index(data)
    with index.searcher(ix) as s:
        assert s.doc_count() == 0
    index.replace_document(ix, meta(), "a" * 64, passages("een", "twee", "drie"))
    index.replace_document(ix, meta("plan-b"), "b" * 64, passages("vier"))
    index.delete_document(ix, "plan-a")  # deleted passages stay in the segment until a merge; they do not count
    with index.searcher(ix) as s:
        assert s.doc_count() == 1 == len(list(s.all_passages()))
