"""Field filters (regio:, type:, jaar:, thema:, ...) as one whoosh filter query over the indexed passages."""
from __future__ import annotations

from whoosh import query as Q

from kennisbank.config import yes_no
from kennisbank.taxonomie import load as load_taxonomie


def filter_query(filters: dict[str, list[str]]) -> tuple[Q.Query | None, list[str]]:
    """Field filters as one query, with notes on values that are not known."""
    tax = load_taxonomie()
    parts, notes = [], []
    for name, values in filters.items():
        alts = []
        for value in values:
            if name == "regio":
                regio = tax.regio_by_name(value)
                if regio is None:
                    notes.append(f"onbekende regio '{value}'")
                alts.append(Q.Term("regio", regio.naam if regio else value))
            elif name in ("thema", "principe", "organisatie"):
                concept = tax.concept_by_name(name, value)
                alts.append(Q.Term(name, concept.id if concept else value.lower()))
            elif name == "werkend":
                alts.append(Q.Term("werkend", yes_no(value) is True))
            else:
                alts.append(Q.Term(name, value.lower() if name == "type" else value))
        parts.append(Q.Or(alts) if len(alts) > 1 else alts[0])
    if not parts:
        return None, notes
    return (Q.And(parts) if len(parts) > 1 else parts[0]), notes
