"""Enrich stage on the real corpus, in process: extract, clean, structure, metadata (manifest), enrich; real spaCy."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer import clean, enrich, extract, metadata, structure
from indexer.model import Metadata, Passage

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
DEMO = ROOT / "corpus"
needs_shared = pytest.mark.skipif(not (SHARED / "pdf").is_dir(), reason="gedeeld corpus ontbreekt")


def _enriched(path: Path) -> tuple[Metadata, list[Passage]]:
    """One file through every stage up to enrich, with the manifest's metadata as the beheerder gives it."""
    extracted = extract.extract(path.read_bytes(), path.name)
    passages = structure.build_passages(clean.clean_pages(extracted.pages, extracted.kind))
    overrides = metadata.read_manifest(path.parent.resolve()).get(path.resolve(), {})
    meta = metadata.infer(extracted.pages, path.name, overrides)
    return meta, enrich.enrich_passages(passages, meta)


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[Metadata, list[Passage]]]:
    """The shared factsheet (PDF and Markdown), the ZHZ plan (PDF) and the demo landelijk kader and evaluation."""
    paths = [DEMO / "landelijk-kader-basisprincipes.md", DEMO / "tussenevaluatie-gelderland-zuid.pdf"]
    if (SHARED / "pdf").is_dir():
        paths += [SHARED / "pdf" / "factsheet-proeftuinen.pdf", SHARED / "documenten" / "factsheet-proeftuinen.md",
                  SHARED / "pdf" / "uitvoeringsplan-zuid-holland-zuid.pdf"]
    return {path.name: _enriched(path) for path in paths}


def _squash(text: str) -> str:
    """Lowercase without whitespace or hyphens, to find a matched span back in the passage it came from."""
    return re.sub(r"[\s\-]+", "", text.lower())


def _ids(tags) -> set[str]:
    return {t.id for t in tags}


@needs_shared
@pytest.mark.parametrize("name", ["factsheet-proeftuinen.pdf", "factsheet-proeftuinen.md"])
def test_zeelands_specific_assignment_belongs_to_zeeland_and_is_about_the_research_format(corpus, name):
    meta, passages = corpus[name]
    assert meta.type == "factsheet" and meta.region == "landelijk"
    opdracht = [p for p in passages if "Specifieke opdracht voor proeftuin Zeeland" in p.headings]
    assert len(opdracht) == 1
    passage = opdracht[0]
    assert passage.regio == ["Zeeland"]
    tag = next(t for t in passage.themas if t.id == "onderzoeksformat-feitenonderzoek")
    assert tag.label and tag.matched
    assert all(_squash(m) in _squash(passage.text) for m in tag.matched), tag.matched  # the "why"


@needs_shared
def test_zhz_theme_4_passages_are_about_adult_mental_health_and_belong_to_zhz(corpus):
    meta, passages = corpus["uitvoeringsplan-zuid-holland-zuid.pdf"]
    assert (meta.type, meta.region) == ("projectplan", "Zuid-Holland Zuid")
    thema4 = [p for p in passages if "Thema 4: Verbinding Volwassen GGZ" in p.section]
    assert len(thema4) >= 3
    assert all(p.regio == ["Zuid-Holland Zuid"] for p in thema4)
    assert all("volwassenen-ggz" in _ids(p.themas) for p in thema4)
    in_body = [p for p in thema4 if any(_squash(m) in _squash("\n".join(p.text.split("\n")[len(p.headings):]))
                                        for t in p.themas if t.id == "volwassenen-ggz" for m in t.matched)]
    assert in_body, "de term staat ook in de tekst zelf, niet alleen in de kop"
    # a passage that names other regions keeps them as mentions only
    elsewhere = [p for p in passages if {"Flevoland", "Friesland"} & _ids(p.genoemd)]
    assert elsewhere and all(p.regio == ["Zuid-Holland Zuid"] for p in elsewhere)


@needs_shared
@pytest.mark.parametrize("name", ["factsheet-proeftuinen.pdf", "factsheet-proeftuinen.md"])
def test_a_proeftuin_section_that_mentions_another_region_does_not_belong_to_it(corpus, name):
    _, passages = corpus[name]
    hart = [p for p in passages if p.section and p.section[0] == "Proeftuin Hart van Brabant"]
    mentioning = [p for p in hart if "West-Brabant West" in _ids(p.genoemd)]
    assert mentioning, "de sectie van Hart van Brabant noemt West-Brabant West"
    for p in mentioning:
        assert p.regio == ["Hart van Brabant"]
        assert "West-Brabant West" not in p.regio
        why = next(t for t in p.genoemd if t.id == "West-Brabant West").matched
        assert any(_squash(m) in _squash(p.text) for m in why)
    for p in passages:  # every proeftuin passage belongs to (some of) the regions of its own proeftuin heading
        if p.section and p.section[0].startswith("Proeftuin"):
            own = set(enrich.regions_in_heading(p.section[0]))
            assert p.regio and set(p.regio) <= own, (p.section, p.regio)
        else:
            assert p.regio == [], (p.section, p.regio)  # introduction, general questions, the appendix


@needs_shared
def test_joint_utrecht_section_belongs_to_both_until_a_subsection_names_one(corpus):
    _, passages = corpus["factsheet-proeftuinen.pdf"]
    joint = [p for p in passages if " / " in p.section[0]]
    assert {tuple(p.regio) for p in joint} >= {("Utrecht", "Utrecht-West"), ("Utrecht-West",)}
    assert all(p.regio == ["Utrecht-West"] for p in joint if p.section[-1] == "Stand van zaken Utrecht-West")


def test_passages_of_a_landelijk_kader_belong_to_no_region(corpus):
    meta, passages = corpus["landelijk-kader-basisprincipes.md"]
    assert meta.type == "landelijk kader"
    assert passages and all(p.regio == [] for p in passages)
    gezinsgericht = next(p for p in passages if p.section[-1] == "2.1 Gezinsgericht")
    assert "gezinsgericht" in _ids(gezinsgericht.principes)
    assert enrich.owner_region(meta, ("Proeftuin Zeeland",)) == []  # even under a proeftuin heading


def test_owner_region_of_a_single_region_document_ignores_headings():
    plan = Metadata(id="plan", title="Plan", type="projectplan", region="Zeeland")
    assert enrich.owner_region(plan, ("Samenwerking met Proeftuin Flevoland",)) == ["Zeeland"]
    factsheet = Metadata(id="fs", title="Factsheet", type="factsheet", region="landelijk")
    assert enrich.owner_region(factsheet, ("Inleiding",)) == []
    assert enrich.owner_region(factsheet, ("Proeftuin Flevoland", "Stand van zaken")) == ["Flevoland"]


def test_werkende_elementen_signals_are_flagged_where_they_occur(corpus):
    _, passages = corpus["tussenevaluatie-gelderland-zuid.pdf"]
    werkend = [p for p in passages if p.werkend]
    assert werkend and len(werkend) < len(passages)  # flagged where a signal is, not everywhere
    section = [p for p in passages if p.section[-1] == "3. Werkende elementen"]
    assert section and section[0].werkend
    for p in werkend:
        assert all(_squash(s) in _squash(" ".join(p.section) + p.text) for s in p.werkend), p.werkend


@needs_shared
def test_every_tag_carries_the_text_that_matched(corpus):
    count = 0
    for name in ("factsheet-proeftuinen.pdf", "uitvoeringsplan-zuid-holland-zuid.pdf"):
        _, passages = corpus[name]
        for p in passages:
            where = _squash(" ".join(p.section) + " " + p.text)
            for tag in p.principes + p.themas + p.organisaties + p.genoemd:
                assert tag.matched, (name, p.position, tag.id)
                assert all(_squash(m).replace("++", "+") in where.replace("++", "+") for m in tag.matched), \
                    (name, p.position, tag.id, tag.matched)
                count += 1
    assert count > 500, count


def test_tag_text_finds_inflected_and_hyphen_variants():
    found = enrich.tag_text(["Samen met de volwassenen GGZ pakken we complexe echtscheidingen aan.",
                             "Een tekst zonder enig thema."])
    assert "volwassenen-ggz" in found[0]["themas"] and "complexe-scheidingen" in found[0]["themas"]
    assert found[0]["themas"]["volwassenen-ggz"] == ["volwassenen GGZ"]
    assert "themas" not in found[1]


def test_the_spacy_pipeline_is_built_once_per_process_and_its_matchers_once_per_taxonomy(corpus):
    first = enrich.pipeline()
    enrich.tag_text(["Nog een zin over de Raad voor de Kinderbescherming."])
    assert enrich.pipeline() is first and enrich.pipeline()[0] is first[0]
    assert enrich._nlp.cache_info().misses == 1


def test_a_phrase_is_found_with_articles_and_a_bracketed_prefix_between_its_words():
    found = enrich.tag_text(["Prioriteit in Utrecht-West is het versterken van de lokale teams.",
                             "Thema 1: Versterken lokale (wijk)teams", "We willen kennis te delen met de regio."])
    assert found[0]["themas"]["lokale-teams-versterken"] == ["versterken van de lokale teams"]
    assert found[1]["themas"]["lokale-teams-versterken"] == ["Versterken lokale (wijk)teams"]
    assert found[2]["themas"]["kennisdeling"] == ["kennis te delen"]


def test_words_that_change_the_meaning_are_never_skipped():
    found = enrich.tag_text(["Het gaat om volwassenen en kinderen.", "Waar zorgen zijn over de veiligheid.",
                             "We versterken. De lokale teams zijn klaar."])
    assert "doelgroep-0-100" not in found[0].get("themas", {})  # the term is "volwassenen zonder kinderen"
    assert "zorg-en-veiligheidshuis" not in found[1].get("themas", {})
    assert "lokale-teams-versterken" not in found[2].get("themas", {})  # not across a sentence end
