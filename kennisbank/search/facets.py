"""Facets: how many of the matching passages have each value of a field, as people read the values."""
from __future__ import annotations

from typing import Any

# facet name (as the answer names it) -> the index field it counts
FACET_FIELDS = {"type": "type", "region": "document_regio", "jaar": "jaar", "regio": "passage_regio",
                "principe": "principe", "thema": "thema", "organisatie": "organisatie", "werkend": "werkend"}


def facet_counts(counted: dict[str, dict[Any, int]]) -> dict[str, dict[str, int]]:
    """Value -> count per facet, largest first, from the counts per index field."""
    out: dict[str, dict[str, int]] = {}
    for name, field in FACET_FIELDS.items():
        groups = counted[field]
        counts: dict[str, int] = {}
        for key, n in groups.items():
            if key not in (None, "", b""):
                label = facet_label(key)  # True and "t" are both "ja": counted together
                counts[label] = counts.get(label, 0) + n
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def facet_label(key: Any) -> str:
    """A facet value as people read it (the index gives booleans as True/'t' and False/'f').

    >>> facet_label(True), facet_label("f"), facet_label("Zeeland")
    ('ja', 'nee', 'Zeeland')
    """
    if key in (True, "t", b"t"):
        return "ja"
    if key in (False, "f", b"f"):
        return "nee"
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)
