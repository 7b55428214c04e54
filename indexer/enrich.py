"""Enrich: tag passages with basisprincipes, vraagstukken, organisaties and regio's (spaCy matchers).

A passage *belongs to* a region (its document's, or the proeftuin whose section it stands in) and separately
*mentions* regions; belonging drives the comparison, mentions are only facets.
"""
from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from typing import Any

from indexer.model import Metadata, Passage, Tag
from kennisbank.analysis import fold, stem
from kennisbank.taxonomie import load as load_taxonomie
from kennisbank.taxonomie import per_version

log = logging.getLogger(__name__)

KINDS = ("principes", "themas", "organisaties", "genoemd")
_BROKEN_PLUS = re.compile(r"(\w)\+\s+\+")
MAX_GAP = 3  # articles, "van", brackets, quotes a phrase may have between words ("versterken van de lokale teams")
_SKIPPABLE = set("()[]'\"‘’“”-")
_LINK_WORDS = {"de", "het", "een", "van", "te", "der", "den", "'t"}
_USE = threading.Lock()  # one spaCy pipeline per process, shared by web upload threads and the OCR worker


def _stem_norm(nlp: Any) -> Any:
    """A pipeline component that puts the folded Dutch stem of each token in NORM."""

    def component(doc: Any) -> Any:
        for token in doc:
            token.norm_ = stem(fold(token.text)) if token.is_alpha else fold(token.lower_)
        return doc
    return component


@lru_cache(maxsize=1)
def _nlp() -> Any:
    """The spaCy pipeline (tokenizer, sentences, lookup lemmas, stems in NORM), once per process."""
    import spacy
    from spacy.language import Language
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("nl")
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[A-Za-zÀ-ÿ])[-/](?=[A-Za-zÀ-ÿ])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    if not Language.has_factory("kb_stem_norm"):
        Language.factory("kb_stem_norm")(lambda nlp, name: _stem_norm(nlp))
    nlp.add_pipe("kb_stem_norm")
    nlp.initialize()
    return nlp


@per_version(maxsize=2)
def pipeline() -> tuple[Any, dict[str, Any]]:
    """The spaCy pipeline and its matchers, once per taxonomy version: a PhraseMatcher per attribute (NORM = stems,
    LEMMA = lookup lemmas) and GAPS, the phrases by their words for matches with articles or brackets between them."""
    from spacy.matcher import PhraseMatcher

    nlp = _nlp()
    matchers: dict[str, Any] = {"NORM": PhraseMatcher(nlp.vocab, attr="NORM"),
                                "LEMMA": PhraseMatcher(nlp.vocab, attr="LEMMA")}
    loose = _Phrases()
    for key, phrases in _patterns().items():
        docs = list(nlp.pipe(phrases))
        for matcher in ("NORM", "LEMMA"):
            matchers[matcher].add(key, docs)
        for doc in docs:
            if len(words := _content_norms(doc)) >= 2:
                loose.add(words, key)
    matchers["GAPS"] = loose
    return nlp, matchers


def _content_norms(doc: Any) -> tuple[str, ...]:
    """The stems of a phrase's words without articles, "van", "te" and marks (its other words stay)."""
    return tuple(t.norm_ for t in doc if not _skippable(t))


def _skippable(token: Any) -> bool:
    """An article, "van", "te", bracket, quote or hyphen: what may stand between a phrase's words."""
    return token.text in _SKIPPABLE or token.lower_ in _LINK_WORDS


class _Phrases(dict):
    """Reduced phrase -> match keys, with every beginning of a phrase (to stop reading early)."""

    def __init__(self) -> None:
        super().__init__()
        self.prefixes: set[tuple[str, ...]] = set()

    def add(self, words: tuple[str, ...], key: str) -> None:
        """Register one phrase's reduced words under a match key."""
        self.setdefault(words, set()).add(key)
        self.prefixes.update(words[:n] for n in range(1, len(words)))


def _gapped_spans(doc: Any, phrases: _Phrases) -> list[tuple[str, Any]]:
    """(match key, span) for phrases whose words stand in order with at most MAX_GAP skippable tokens between
    each two: "het versterken van de lokale teams" for "versterken lokale teams", and "lokale (wijk)teams"
    too, where a word in brackets glued to the next word is an optional part of it. Other words between
    ("zonder", "over") are not skipped: "volwassenen zonder kinderen" never matches "volwassenen en kinderen"."""
    words = [t.i for t in doc if not _skippable(t) and not _optional_prefix(t)]
    norms = [doc[i].norm_ for i in words]
    found = []
    for start in range(len(words)):
        if (norms[start],) not in phrases.prefixes:
            continue
        for end in range(start + 1, len(words)):
            if words[end] - words[end - 1] - 1 > MAX_GAP:
                break
            run = tuple(norms[start:end + 1])
            for key in phrases.get(run, ()):
                found.append((key, doc[words[start]:words[end] + 1]))
            if run not in phrases.prefixes:
                break
    return found


def _optional_prefix(token: Any) -> bool:
    """A word in brackets glued to the next word: the "wijk" of "(wijk)teams"."""
    doc = token.doc
    return (0 < token.i < len(doc) - 2 and doc[token.i - 1].text == "(" and doc[token.i + 1].text == ")"
            and not doc[token.i + 1].whitespace_ and doc[token.i + 2].is_alpha)


def _variants(term: str) -> set[str]:
    """A term as written, with hyphens as spaces and hyphens dropped (volwassenen-GGZ ~ volwassenen GGZ)."""
    out = {term, term.replace("-", " ")}
    if re.search(r"\w-\w", term):
        out.add(term.replace("-", ""))
    return {_BROKEN_PLUS.sub(r"\1++", v) for v in out if v.strip()}


def _patterns() -> dict[str, list[str]]:
    """Match key 'kind|id' -> the phrases that signal it, from the taxonomy."""
    tax = load_taxonomie()
    out: dict[str, list[str]] = {}
    groups = {"principes": tax.basisprincipes, "themas": tax.vraagstukken, "organisaties": tax.organisaties}
    for kind, concepts in groups.items():
        for c in concepts:
            phrases = {c.label, *c.termen, *c.afkortingen}
            out[f"{kind}|{c.id}"] = sorted({v for p in phrases for v in _variants(p)})
    for r in tax.regios:
        names = {r.naam, *r.aliassen, *r.projectnamen}
        out[f"genoemd|{r.naam}"] = sorted({v for n in names for v in _variants(n)})
    out["werkend|werkend"] = sorted({v for p in tax.werkende_elementen for v in _variants(p)})
    return out


def _labels() -> dict[str, str]:
    """Match key -> human label."""
    tax = load_taxonomie()
    labels = {f"principes|{c.id}": c.label for c in tax.basisprincipes}
    labels.update({f"themas|{c.id}": c.label for c in tax.vraagstukken})
    labels.update({f"organisaties|{c.id}": c.label for c in tax.organisaties})
    labels.update({f"genoemd|{r.naam}": r.naam for r in tax.regios})
    return labels


def tag_text(texts: list[str]) -> list[dict[str, dict[str, list[str]]]]:
    """For each text: kind -> id -> the matched surface strings."""
    with _USE:
        return _tag(texts, *pipeline())


def _tag(texts: list[str], nlp: Any, matchers: dict[str, Any]) -> list[dict[str, dict[str, list[str]]]]:
    """tag_text with the pipeline in hand."""
    results = []
    for doc in nlp.pipe(_BROKEN_PLUS.sub(r"\1++", t) for t in texts):
        found: dict[str, dict[str, list[str]]] = {}
        spans = [(span.label_, span) for name in ("NORM", "LEMMA") for span in matchers[name](doc, as_spans=True)]
        spans.extend(_gapped_spans(doc, matchers["GAPS"]))
        for label, span in spans:
            kind, _, ident = label.partition("|")
            surfaces = found.setdefault(kind, {}).setdefault(ident, [])
            if span.text not in surfaces:
                surfaces.append(span.text)
        results.append(found)
    return results


def owner_region(meta: Metadata, section: tuple[str, ...]) -> list[str]:
    """The region(s) a passage belongs to.

    In a document of one region: that region. In a multi-region document (a factsheet, or no single region):
    the regions named by the innermost heading that names any ("Proeftuin Zeeland: ...", "Stand van zaken
    Utrecht", a joint "Utrecht / Utrecht-West" section); passages outside such sections, and every passage
    of a landelijk kader, belong to no region.
    """
    tax = load_taxonomie()
    own = tax.regio_by_name(meta.region) if meta.region and meta.region != "landelijk" else None
    if meta.type == "landelijk kader":
        return []
    if own is not None and meta.type not in ("factsheet",):
        return [own.naam]
    for heading in reversed(section):
        regios = regions_in_heading(heading)
        if regios:
            return list(regios)
    return [own.naam] if own else []


@per_version(maxsize=4096)
def regions_in_heading(heading: str) -> tuple[str, ...]:
    """The regions a heading names by name, alias or project name; longest names win (Utrecht-West over Utrecht).

    >>> regions_in_heading("Specifieke opdracht voor proeftuin Utrecht en Utrecht-West")
    ('Utrecht', 'Utrecht-West')
    """
    tax = load_taxonomie()
    folded = " " + re.sub(r"[^0-9a-z+]+", " ", fold(heading)) + " "
    names = sorted(((" " + re.sub(r"[^0-9a-z+]+", " ", fold(n)).strip() + " ", r.naam)
                    for r in tax.regios for n in (r.naam, *r.aliassen, *r.projectnamen)), key=lambda x: -len(x[0]))
    found: list[str] = []
    for key, naam in names:
        if key.strip() and key in folded:
            folded = folded.replace(key, " | ")
            if naam not in found:
                found.append(naam)
    return tuple(sorted(found))


def enrich_passages(passages: list[Passage], meta: Metadata) -> list[Passage]:
    """Fill every passage's tags, owner region and werkende-elementen signals in place."""
    labels = _labels()
    texts = [f"{' . '.join(p.section)} .\n{p.text}" for p in passages]
    for passage, found in zip(passages, tag_text(texts)):
        passage.regio = owner_region(meta, passage.section)
        for kind in KINDS:
            tags = [Tag(ident, labels.get(f"{kind}|{ident}", ident), surfaces)
                    for ident, surfaces in sorted(found.get(kind, {}).items())]
            setattr(passage, kind, tags)
        passage.werkend = sorted({s for v in found.get("werkend", {}).values() for s in v})
    return passages
