"""The domain taxonomy as data: basisprincipes, vraagstukken, organisaties, afkortingen, regio's, werkende elementen.

The knowledge lives in the TOML files beside this module (one kind per file), the defaults, and in a data dir's
own `taxonomie/` folder in the same format (its additions, changes and removals; see `layers`). This module
loads them into frozen dataclasses and answers look-ups; `load()` gives the taxonomy in effect, and caches of
what is derived from it are keyed on its `version` (`per_version`, in `current`). Names are compared after
`normaliseer` (case, diacritics, hyphens and surrounding punctuation do not count).
"""
from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kennisbank.analysis import fold, stem
from kennisbank.taxonomie import layers
from kennisbank.taxonomie.layers import TaxonomieError

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent  # the package layer: the defaults
__all__ = ["TaxonomieError", "Concept", "Regio", "Taxonomie", "load", "build", "using", "use", "per_version",
           "with_data_layer", "restore", "normaliseer"]

_CONCEPT_FILES = ("basisprincipes", "vraagstukken", "organisaties", "afkortingen")
_CONCEPT_KEYS = {"id", "label", "termen", "afkortingen", "exacte_afkortingen", "bronnen"}
_REGIO_KEYS = {"id", "naam", "aliassen", "projectnamen", "gemeenten", "landelijk"}
_KIND_NAMES = {  # how callers may name a kind -> attribute
    **{k: "vraagstukken" for k in ("thema", "themas", "vraagstuk", "vraagstukken")},
    **{k: "basisprincipes" for k in ("principe", "principes", "basisprincipe", "basisprincipes")},
    **{k: "organisaties" for k in ("organisatie", "organisaties")},
    **{k: "afkortingen" for k in ("afkorting", "afkortingen")},
}
_REGIO_PREFIXES = ("regio ", "proeftuin ", "toekomsttuin ")
_DASHES = re.compile(r"[-‐‑‒–—_]+")
_EDGE = " \t\n'\"‘’“”.,;:!?"
_NON_WORD = re.compile(r"[^\w+&']+")


@dataclass(frozen=True)
class Concept:
    """One entry of a kind: its id, label, the terms that signal it and its abbreviations.

    `exacte_afkortingen` are abbreviations that are also ordinary Dutch words (OM ~ 'om'); they only
    count in exactly that spelling, so matchers and query expansion leave them out by default.
    """

    id: str
    label: str
    termen: tuple[str, ...] = ()
    afkortingen: tuple[str, ...] = ()
    exacte_afkortingen: tuple[str, ...] = ()


@dataclass(frozen=True)
class Regio:
    """A region or proeftuin: canonical `naam` (the key everywhere), other names, project names, gemeenten."""

    id: str
    naam: str
    aliassen: tuple[str, ...] = ()
    projectnamen: tuple[str, ...] = ()
    gemeenten: tuple[str, ...] = ()
    landelijk: bool = False


def normaliseer(text: str) -> str:
    """Folded (analysis.fold), hyphens as spaces, single spaces, no surrounding quotes or punctuation.

    >>> normaliseer("  Gelderland- Zuid "), normaliseer("Fryslân"), normaliseer("GI’s"), normaliseer("'MDA++'")
    ('gelderland zuid', 'fryslan', "gi's", 'mda++')
    """
    text = fold(text).replace("’", "'").replace("‘", "'")
    return " ".join(_DASHES.sub(" ", text).split()).strip(_EDGE)


def _woorden(text: str) -> str:
    """The normalised text as words only (punctuation other than + & ' becomes space)."""
    return " ".join(w for w in (w.strip("'") for w in _NON_WORD.sub(" ", normaliseer(text)).split()) if w)


def _stammen(text: str) -> str:
    """Every word of the text by its stem (analysis.stem), so that plural and inflected forms meet.

    >>> _stammen("Complexe scheidingen") == _stammen("complexe scheiding")
    True
    """
    return " ".join(stem(w) for w in _woorden(text).split())


@dataclass
class _Index:
    """Look-up tables of one kind: normalised form -> id (None when two ids claim it), and all forms."""

    exact: dict[str, str | None] = field(default_factory=dict)
    stam: dict[str, str | None] = field(default_factory=dict)
    forms: list[tuple[str, str, str]] = field(default_factory=list)  # (words, stems, id)

    def add(self, form: str, ident: str) -> None:
        """Register one written form of a concept."""
        for table, key in ((self.exact, normaliseer(form)), (self.stam, _stammen(form))):
            if key:
                table[key] = ident if table.get(key, ident) == ident else None
        if words := _woorden(form):
            self.forms.append((words, _stammen(form), ident))


@dataclass(frozen=True)
class Taxonomie:
    """Everything the taxonomy knows, with look-ups by name."""

    basisprincipes: tuple[Concept, ...]
    vraagstukken: tuple[Concept, ...]
    organisaties: tuple[Concept, ...]
    afkortingen: tuple[Concept, ...]
    regios: tuple[Regio, ...]
    werkende_elementen: tuple[str, ...]
    _indexes: dict[str, _Index] = field(default_factory=dict, repr=False, compare=False)
    _expansions: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    _exact: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    version: str = ""  # a hash of the files of both layers (layers.version)

    def concepts(self, kind: str) -> tuple[Concept, ...]:
        """The concepts of a kind ('vraagstuk', 'thema', 'principe', 'organisatie', 'afkorting', plurals too)."""
        if kind.lower() not in _KIND_NAMES:
            raise ValueError(f"onbekende soort '{kind}'")
        return getattr(self, _KIND_NAMES[kind.lower()])

    def concept_by_name(self, kind: str, text: str) -> Concept | None:
        """The concept of a kind named by `text`: id, label, term or abbreviation; else the longest one it contains."""
        concepts = self.concepts(kind)
        index, by_id = self._indexes[_KIND_NAMES[kind.lower()]], {c.id: c for c in concepts}
        if exact := [c for c in concepts if text.strip() in c.exacte_afkortingen]:
            return exact[0]
        for table, key in ((index.exact, normaliseer(text)), (index.stam, _stammen(text))):
            if table.get(key):
                return by_id[table[key]]
        words, stems = f" {_woorden(text)} ", f" {_stammen(text)} "
        hits = [(len(w), ident) for w, s, ident in index.forms if f" {w} " in words or f" {s} " in stems]
        longest = max((n for n, _ in hits), default=0)
        winners = {ident for n, ident in hits if n == longest}
        return by_id[winners.pop()] if len(winners) == 1 else None

    def entry(self, kind: str, name: str) -> Concept | Regio | None:
        """The entry of a kind ('regio' too) that has this name, id, alias or term, exactly (no longest-contained
        guess, unlike concept_by_name): what a change of the taxonomy may touch."""
        if kind == "regio":
            return self.regio_by_name(name)
        attr = _KIND_NAMES[kind.lower()]
        index = self._indexes[attr]
        ident = index.exact.get(normaliseer(name)) or index.stam.get(_stammen(name))
        return next((c for c in getattr(self, attr) if c.id == ident), None)

    def vraagstuk_by_name(self, text: str) -> Concept | None:
        """The vraagstuk named by `text` (id, label, term or abbreviation; case, diacritics, hyphens do not count).

        >>> t = load()
        >>> [t.vraagstuk_by_name(x).id for x in ("Complexe scheidingen", "MDA++", "doelgroep 0-100")]
        ['complexe-scheidingen', 'mda', 'doelgroep-0-100']
        """
        return self.concept_by_name("vraagstuk", text)

    def regio_by_name(self, name: str) -> Regio | None:
        """The region whose naam, alias or id is `name` (also after 'regio '/'proeftuin '), else by project name.

        >>> t = load()
        >>> [t.regio_by_name(n).naam for n in ("Gelderland Zuid", "utrecht west", "Utrecht")]
        ['Gelderland-Zuid', 'Utrecht-West', 'Utrecht']
        >>> t.regio_by_name("Gelderland") is None
        True
        """
        key = normaliseer(name)
        index = self._indexes["regios"]
        for prefix in ("", *_REGIO_PREFIXES):
            if key.startswith(prefix) and (ident := index.exact.get(key[len(prefix):])):
                return next(r for r in self.regios if r.id == ident)
        ident = self._indexes["projectnamen"].exact.get(key)
        return next(r for r in self.regios if r.id == ident) if ident else None

    def expansions(self, abbreviation: str) -> list[str]:
        """The other forms of an abbreviation or long form (organisations and afkortingen), [] when unknown.

        >>> t = load()
        >>> t.expansions("OTS"), "RvdK" in t.expansions("raad voor de kinderbescherming")
        (['ondertoezichtstelling', 'onder toezicht stelling', "OTS'en"], True)
        >>> t.expansions("om"), t.expansions("OM")
        ([], ['Openbaar Ministerie'])
        """
        if abbreviation.strip() in self._exact:
            return list(self._exact[abbreviation.strip()])
        return list(self._expansions.get(normaliseer(abbreviation), []))

    def abbreviation_map(self) -> dict[str, list[str]]:
        """Normalised abbreviation or long form -> its other forms as written, both directions.

        Only organisations and afkortingen that have an abbreviation take part; `exacte_afkortingen`
        (also ordinary words) are left out on both sides so that expanding a lowercased query stays safe.
        """
        return {k: list(v) for k, v in self._expansions.items()}

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        """All kinds as plain JSON-ready dicts (werkende elementen as {'label': term})."""
        out: dict[str, list[dict[str, Any]]] = {}
        for attr in (*_CONCEPT_FILES, "regios"):
            out[attr] = [{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(x).items()}
                         for x in getattr(self, attr)]
        out["werkende_elementen"] = [{"label": t} for t in self.werkende_elementen]
        return out


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """A list-of-strings field as a tuple, checked."""
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomieError(f"{where}: '{key}' moet een lijst van niet-lege teksten zijn")
    return tuple(v.strip() for v in value)


def _entries(package: Path, layer: Path | None, attr: str, allowed: set[str]) -> list[tuple[dict[str, Any], str]]:
    """The merged entries of one kind, with unknown keys, missing and repeated ids refused."""
    name, table = layers.FILES[attr]
    found = layers.entries(package, layer, name, table)
    seen: set[str] = set()
    for n, (entry, where) in enumerate(found):
        if not isinstance(entry, dict):
            raise TaxonomieError(f"{where} #{n + 1}: geen tabel")
        if unknown := set(entry) - allowed:
            raise TaxonomieError(f"{where} #{n + 1}: onbekende velden {sorted(unknown)}")
        if not isinstance(entry.get("id"), str) or not entry["id"]:
            raise TaxonomieError(f"{where} #{n + 1}: 'id' ontbreekt")
        if entry["id"] in seen:
            raise TaxonomieError(f"{where}: id '{entry['id']}' staat er twee keer in")
        seen.add(entry["id"])
    return found


def _concepts(package: Path, layer: Path | None, attr: str) -> tuple[Concept, ...]:
    """The concepts of one kind."""
    out = []
    for entry, where in _entries(package, layer, attr, _CONCEPT_KEYS):
        where = f"{where} {entry['id']}"
        if not isinstance(entry.get("label"), str) or not entry["label"].strip():
            raise TaxonomieError(f"{where}: 'label' ontbreekt")
        out.append(Concept(entry["id"], entry["label"].strip(), _strings(entry, "termen", where),
                           _strings(entry, "afkortingen", where), _strings(entry, "exacte_afkortingen", where)))
    return tuple(out)


def _regios(package: Path, layer: Path | None) -> tuple[Regio, ...]:
    """The regions."""
    out = []
    for entry, where in _entries(package, layer, "regios", _REGIO_KEYS):
        where = f"{where} {entry['id']}"
        if not isinstance(entry.get("naam"), str) or not entry["naam"].strip() \
                or not isinstance(entry.get("landelijk"), bool):
            raise TaxonomieError(f"{where}: 'naam' en 'landelijk' (true/false) zijn verplicht")
        out.append(Regio(entry["id"], entry["naam"].strip(), _strings(entry, "aliassen", where),
                         _strings(entry, "projectnamen", where), _strings(entry, "gemeenten", where),
                         entry["landelijk"]))
    return tuple(out)


def _expansion_tables(concepts: tuple[Concept, ...]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(normalised form -> other forms) for concepts with abbreviations, and exact abbreviation -> long forms."""
    table: dict[str, list[str]] = {}
    exact: dict[str, list[str]] = {}
    for c in concepts:
        long_forms = list(dict.fromkeys([c.label, *c.termen]))
        for short in c.exacte_afkortingen:
            exact[short] = long_forms
        for form in (long_forms + list(c.afkortingen)) if c.afkortingen else []:
            key = normaliseer(form)
            others = [*long_forms, *c.afkortingen] if form in c.afkortingen else [*c.afkortingen, *long_forms]
            existing = table.setdefault(key, [])
            seen = {key, *map(normaliseer, existing)}
            for other in others:
                if normaliseer(other) not in seen:
                    existing.append(other)
                    seen.add(normaliseer(other))
    return table, exact


def build(package: Path, layer: Path | None = None) -> Taxonomie:
    """The taxonomy of a package folder with a layer folder applied, read and checked now (TaxonomieError)."""
    kinds = {attr: _concepts(package, layer, attr) for attr in _CONCEPT_FILES}
    regios = _regios(package, layer)
    terms, where = layers.werkende_termen(package, layer)
    werkend = _strings({"termen": terms}, "termen", where)
    indexes: dict[str, _Index] = {}
    for attr, concepts in kinds.items():
        index = indexes[attr] = _Index()
        for c in concepts:
            for form in (c.id, c.label, *c.termen, *c.afkortingen):
                index.add(form, c.id)
    indexes["regios"], indexes["projectnamen"] = _Index(), _Index()
    for r in regios:
        for form in (r.id, r.naam, *r.aliassen):
            indexes["regios"].add(form, r.id)
        for form in r.projectnamen:
            indexes["projectnamen"].add(form, r.id)
    expansions, exact = _expansion_tables(kinds["organisaties"] + kinds["afkortingen"])
    tax = Taxonomie(**kinds, regios=regios, werkende_elementen=werkend, _indexes=indexes,
                    _expansions=expansions, _exact=exact, version=layers.version(package, layer))
    log.debug("taxonomie %s geladen: %d vraagstukken, %d organisaties, %d afkortingen, %d regio's", tax.version,
              len(tax.vraagstukken), len(tax.organisaties), len(tax.afkortingen), len(tax.regios))
    return tax


def regio_by_name(name: str) -> Regio | None:
    """`load().regio_by_name(name)`."""
    return load().regio_by_name(name)


def vraagstuk_by_name(text: str) -> Concept | None:
    """`load().vraagstuk_by_name(text)`."""
    return load().vraagstuk_by_name(text)


def expansions(abbreviation: str) -> list[str]:
    """`load().expansions(abbreviation)`."""
    return load().expansions(abbreviation)


def abbreviation_map() -> dict[str, list[str]]:
    """`load().abbreviation_map()`."""
    return load().abbreviation_map()


from kennisbank.taxonomie.current import load, per_version, restore, use, using, with_data_layer  # noqa: E402 (uses build)
