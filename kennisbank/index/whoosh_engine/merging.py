"""How whoosh merges segments at a commit: by tiers of size, so one added document never rewrites the index.

whoosh's own policy (MERGE_SMALL) may merge every segment but the largest at once; on a large index a single
add then spends minutes in a merge. Here segments are grouped by the order of magnitude of their passages, and
a tier is merged into one segment only when it holds MERGE_FACTOR segments: a commit rewrites at most one tier's
worth (ten segments of similar size), and each passage is rewritten about once per tier it climbs.
"""
from __future__ import annotations

import math
from typing import Any

MERGE_FACTOR = 10


def tier(passages: int) -> int:
    """The size tier of a segment: the order of magnitude of its number of passages.

    >>> [tier(n) for n in (0, 1, 9, 10, 99, 100, 45_000)]
    [0, 0, 0, 1, 1, 2, 4]
    """
    return int(math.log10(passages)) if passages > 0 else 0


def merge_tiers(writer: Any, segments: list[Any]) -> list[Any]:
    """whoosh's mergetype hook: merge each tier that holds MERGE_FACTOR segments; return the segments kept."""
    from whoosh.reading import SegmentReader

    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        tiers.setdefault(tier(segment.doc_count_all()), []).append(segment)
    kept = []
    for segments_of_tier in tiers.values():
        if len(segments_of_tier) < MERGE_FACTOR:
            kept.extend(segments_of_tier)
            continue
        for segment in segments_of_tier:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return kept
