"""How whoosh merges segments at a commit: by tiers of size, so one added document never rewrites the index.

whoosh's own policy (MERGE_SMALL) may merge every segment but the largest at once; on a large index a single
add then spends minutes in a merge. Here segments are grouped by the order of magnitude of their passages, and
a tier is merged only when it holds MERGE_FACTOR segments; each passage is rewritten about once per tier it
climbs. As Lucene's maxMergedSegment, a merge never grows a segment beyond MAX_MERGE passages (it takes a full
tier's smallest segments up to that), so the work of one commit is bounded whatever the index's size: segments
that large are only rewritten when `reindex` builds a new generation.
"""
from __future__ import annotations

import math
from typing import Any

MERGE_FACTOR = 10
MAX_MERGE = 10_000  # passages: the largest segment a commit's merge writes (~30 s of whoosh CPU at most)


def tier(passages: int) -> int:
    """The size tier of a segment: the order of magnitude of its number of passages.

    >>> [tier(n) for n in (0, 1, 9, 10, 99, 100, 45_000)]
    [0, 0, 0, 1, 1, 2, 4]
    """
    return int(math.log10(passages)) if passages > 0 else 0


def to_merge(sizes: list[int], factor: int = MERGE_FACTOR, cap: int = MAX_MERGE) -> list[int]:
    """The segments (by index in sizes, their passages) that one commit merges.

    >>> to_merge([1] * 10 + [120])  # a full tier of small segments merges; the big one stays
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    >>> to_merge([1] * 9 + [120])  # a tier that is not full waits
    []
    >>> to_merge([3_400] * 10)  # a full tier over the cap: its smallest segments, up to the cap
    [0, 1]
    >>> to_merge([9_000] * 10)  # no two fit under the cap: nothing
    []
    """
    tiers: dict[int, list[int]] = {}
    for i, size in enumerate(sizes):
        tiers.setdefault(tier(size), []).append(i)
    chosen: list[int] = []
    for members in tiers.values():
        if len(members) < factor:
            continue
        group, total = [], 0
        for i in sorted(members, key=lambda i: sizes[i]):
            if total + sizes[i] > cap:
                break
            group.append(i)
            total += sizes[i]
        if len(group) > 1:
            chosen.extend(group)
    return sorted(chosen)


def merge_tiers(writer: Any, segments: list[Any]) -> list[Any]:
    """whoosh's mergetype hook: merge what to_merge picks into the segment this commit writes; return the rest."""
    from whoosh.reading import SegmentReader

    chosen = set(to_merge([segment.doc_count_all() for segment in segments]))
    for i in sorted(chosen):
        reader = SegmentReader(writer.storage, writer.schema, segments[i])
        writer.add_reader(reader)
        reader.close()
    return [segment for i, segment in enumerate(segments) if i not in chosen]
