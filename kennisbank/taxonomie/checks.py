"""The rules a change of the taxonomy must pass, each refusal naming the entry and the problem in plain words;
and which documents still use an entry."""
from __future__ import annotations

import re
from typing import Any

from kennisbank.taxonomie import Taxonomie, TaxonomieError, _stammen, _woorden, normaliseer

NAME_FIELDS = {  # kind -> (attribute, the fields that hold its names)
    "regio": ("regios", ("naam", "aliassen", "projectnamen", "gemeenten")),
    "vraagstuk": ("vraagstukken", ("label", "termen", "afkortingen")),
    "organisatie": ("organisaties", ("label", "termen", "afkortingen", "exacte_afkortingen")),
}
PROPOSAL = re.compile(r"\b(?:[Pp]roeftuin|[Rr]egio|[Tt]oekomsttuin)\s+((?:[A-Z][\w'-]+)(?:[ -](?:[A-Z][\w'-]+))*)")
NOT_A_NAME = {"de", "het", "een", "en", "in", "van", "voor", "is", "wordt", "deze", "die", "dit", "zijn"}


def names(entry: Any) -> list[str]:
    """Every name of an entry (a dict or a Concept/Regio): name, id, aliases, project names, terms, abbreviations."""
    fields = ("id", "naam", "label", "aliassen", "projectnamen", "gemeenten", "termen", "afkortingen",
              "exacte_afkortingen")
    out: list[str] = []
    for field in fields:
        value = entry.get(field) if isinstance(entry, dict) else getattr(entry, field, None)
        out.extend([value] if isinstance(value, str) else list(value or ()))
    return [v for v in out if v]


def title(entry: Any) -> str:
    """The name an entry is shown by."""
    if isinstance(entry, dict):
        return entry.get("naam") or entry.get("label") or ""
    return getattr(entry, "naam", None) or entry.label


def check_entry(tax: Taxonomie, kind: str, entry: dict[str, Any]) -> None:
    """Refuse (TaxonomieError) an entry without a name or terms, with a name of another entry, or an ambiguous
    alias; the taxonomy is not changed by a refusal."""
    attr, fields = NAME_FIELDS[kind]
    shown = title(entry)
    if not shown or not shown.strip():
        raise TaxonomieError(f"een {kind} heeft een naam nodig")
    if kind == "vraagstuk" and not entry.get("termen"):
        raise TaxonomieError(f"vraagstuk '{shown}' heeft geen termen: geef er minstens één, waaraan een passage "
                             "herkend wordt dat ze over dit vraagstuk gaat")
    others = [x for x in getattr(tax, attr) if x.id != entry["id"]]
    if kind == "organisatie":
        others += list(tax.afkortingen)  # an abbreviation or long form has one source
    owners = {key: x for x in others for form in names(x) for key in (normaliseer(form), _stammen(form)) if key}
    for field in (*fields, "id"):
        for form in [entry[field]] if isinstance(entry.get(field), str) else entry.get(field, []):
            other = owners.get(normaliseer(form)) or owners.get(_stammen(form))
            if other is None and kind == "regio" and (found := tax.regio_by_name(form)) and found.id != entry["id"]:
                other = found
            if other is not None:
                raise TaxonomieError(f"'{form}' hoort al bij {title(other)}; kies een andere naam of wijzig "
                                     f"{title(other)}")
    if kind == "regio":
        _check_aliases(entry, [x for x in others])


def _check_aliases(entry: dict[str, Any], others: list[Any]) -> None:
    """Refuse an alias that is part of another region's name ('Brabant' of 'Hart van Brabant')."""
    for alias in entry.get("aliassen", []):
        words = f" {_woorden(alias)} "
        hits = sorted({r.naam for r in others for form in (r.naam, *r.aliassen, *r.projectnamen)
                       if words.strip() and words in f" {_woorden(form)} "})
        if hits:
            raise TaxonomieError(f"de alias '{alias}' is dubbelzinnig: het is ook (een deel van) de naam van "
                                 f"{' en '.join(hits)}; kies een alias die alleen deze regio aanduidt")


def usage(data: Any, tax: Taxonomie, kind: str, entry: Any) -> list[str]:
    """The ids of the documents that use an entry: a region as their own (record) or owner of passages, a
    vraagstuk or organisatie as a tag of their passages."""
    from kennisbank import index
    from kennisbank.index.query import Term
    from kennisbank.store import Store

    used: set[str] = set()
    if kind == "regio":
        used |= {r.id for r in Store(data).all()
                 if r.region and (own := tax.regio_by_name(r.region)) is not None and own.id == entry.id}
        term = Term("passage_regio", entry.naam)
    else:
        term = Term("thema" if kind == "vraagstuk" else "organisatie", entry.id)
    if index.exists(data):
        with index.searcher(index.open_index(data, create=False)) as s:
            used |= {hit["document_id"] for hit in s.search(term, limit=None, scored=False)}
    return sorted(used)


def unknown_regions(tax: Taxonomie, text: str) -> list[str]:
    """Region names a text gives after 'proeftuin', 'regio' or 'toekomsttuin' that the taxonomy does not know.

    >>> from kennisbank.taxonomie import load
    >>> unknown_regions(load(), "De proeftuin Haaglanden en regio Noord-Limburg; proeftuin Zeeland. In de regio.")
    ['Haaglanden', 'Noord-Limburg']
    """
    found: list[str] = []
    for match in PROPOSAL.finditer(text):
        name = match.group(1).strip(" -'")
        if normaliseer(name.split()[0]) in NOT_A_NAME or tax.regio_by_name(name) is not None:
            continue
        if tax.entry("regio", name) is None and name not in found:
            found.append(name)
    return found
