"""Tests for kennisbank.index.whoosh_engine.merging: a commit merges one tier of small segments, never all."""
from __future__ import annotations

from kennisbank import index
from kennisbank.index.whoosh_engine.merging import MERGE_FACTOR


def _sizes(ix) -> list[int]:
    return sorted(segment.doc_count_all() for segment in ix.ix._segments())


def test_small_segments_merge_in_tiers_and_a_big_one_stays(data, meta, passages):
    ix = index.open_index(data)
    with ix.writer() as w:  # one big segment first
        for n in range(12):
            w.add(meta(f"groot-{n}"), "a" * 64, passages(*(f"tekst {k} over de klantreis" for k in range(10))))
    big = _sizes(index.open_index(data))
    assert big == [120]
    for n in range(MERGE_FACTOR):
        index.replace_document(ix, meta(f"klein-{n}"), "b" * 64, passages("een passage"))
    # a commit looks at the segments already there: ten small ones wait for the next commit
    assert _sizes(index.open_index(data)) == [1] * MERGE_FACTOR + [120]
    index.replace_document(ix, meta("klein-laatste"), "c" * 64, passages("de elfde"))
    # the full tier merged into the segment this commit writes; the big segment was not rewritten
    assert _sizes(index.open_index(data)) == [MERGE_FACTOR + 1, 120]
    assert len(index.indexed_documents(index.open_index(data))) == 12 + MERGE_FACTOR + 1
