"""Field filters (regio:, type:, jaar:, thema:, ...) as one index query, from a table of filter -> field."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kennisbank.config import yes_no
from kennisbank.index.query import And, Node, Or, Term
from kennisbank.taxonomie import load as load_taxonomie


@dataclass(frozen=True)
class FieldFilter:
    """How a filter's value becomes an index term: the field, and the value as the index holds it (plus a note
    when the value is not known)."""

    field: str
    value: Callable[[str], tuple[object, str | None]]


def _regio(value: str) -> tuple[object, str | None]:
    regio = load_taxonomie().regio_by_name(value)
    return (regio.naam, None) if regio else (value, f"onbekende regio '{value}'")


def _concept(kind: str) -> Callable[[str], tuple[object, str | None]]:
    def value_of(value: str) -> tuple[object, str | None]:
        concept = load_taxonomie().concept_by_name(kind, value)
        return (concept.id if concept else value.lower()), None
    return value_of


def _yes(value: str) -> tuple[object, str | None]:
    return yes_no(value) is True, None


def _as_is(value: str) -> tuple[object, str | None]:
    return value, None


FILTERS = {
    "regio": FieldFilter("passage_regio", _regio),
    "thema": FieldFilter("thema", _concept("thema")),
    "principe": FieldFilter("principe", _concept("principe")),
    "organisatie": FieldFilter("organisatie", _concept("organisatie")),
    "werkend": FieldFilter("werkend", _yes),
    "type": FieldFilter("type", lambda value: (value.lower(), None)),
    "jaar": FieldFilter("jaar", _as_is),
    "document_id": FieldFilter("document_id", _as_is),
}


def filter_query(filters: dict[str, list[str]]) -> tuple[Node | None, list[str]]:
    """Field filters as one query (values of one filter: any; different filters: all), with notes on values
    that are not known."""
    parts, notes = [], []
    for name, values in filters.items():
        spec = FILTERS[name]
        alts = []
        for value in values:
            term, note = spec.value(value)
            if note:
                notes.append(note)
            alts.append(Term(spec.field, term))
        parts.append(Or(alts) if len(alts) > 1 else alts[0])
    if not parts:
        return None, notes
    return (And(parts) if len(parts) > 1 else parts[0]), notes
