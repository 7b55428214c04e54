"""Tests for kennisbank.taxonomie: the data's consistency, the look-ups, and the data against the real corpus."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from kennisbank import taxonomie
from kennisbank.taxonomie import _stammen, load, normaliseer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
KINDS = ("basisprincipes", "vraagstukken", "organisaties", "afkortingen")
REGIO_NAMEN = (
    "West-Brabant West", "Zeeland", "Rotterdam-Rijnmond", "FoodValley", "Amsterdam-Amstelland", "Utrecht",
    "Utrecht-West", "Hart van Brabant", "Flevoland", "Zaanstreek-Waterland", "Friesland", "Gelderland-Zuid",
    "Centraal Gelderland", "Zuid-Holland Zuid",
)
NIET_LANDELIJK = {"Centraal Gelderland", "Zuid-Holland Zuid"}
GENERIEK = {
    "gezin", "gezinnen", "veiligheid", "kind", "kinderen", "ouder", "ouders", "hulp", "zorg", "team", "onderzoek",
    "samenwerking", "samenwerken", "lokaal team", "regio", "proeftuin", "professional", "jeugd", "aanpak",
    "werkwijze", "toekomstscenario", "analyse", "dossier", "gemeente", "beleid", "project", "leren",
}


@pytest.fixture(scope="module")
def tax() -> taxonomie.Taxonomie:
    """The real taxonomy."""
    return load()


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    """File name -> text of the shared corpus documents."""
    docs = CORPUS / "documenten"
    if not docs.is_dir():
        pytest.skip(f"gedeeld corpus ontbreekt: {docs}")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(docs.iterdir()) if p.suffix in (".md", ".txt")}


def _in(term: str, text_stems: str) -> bool:
    """Whether a term occurs in a stemmed text, at word boundaries."""
    key = _stammen(term)
    return bool(key) and f" {key} " in text_stems


def _stemmed(text: str) -> str:
    """A text as padded crude stems, for _in."""
    return f" {_stammen(text)} "


# -- the data itself ---------------------------------------------------------------------------------------------

def test_ids_are_unique_kebab_case_within_each_file(tax):
    for attr in (*KINDS, "regios"):
        ids = [x.id for x in getattr(tax, attr)]
        assert len(ids) == len(set(ids)), attr
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), attr


def test_no_variant_names_two_ids_within_a_kind(tax):
    for attr in KINDS:
        owners = defaultdict(set)
        for c in getattr(tax, attr):
            for form in (c.id, c.label, *c.termen, *c.afkortingen, *c.exacte_afkortingen):
                owners[normaliseer(form)].add(c.id)
        assert {k: v for k, v in owners.items() if len(v) > 1} == {}, attr
    owners = defaultdict(set)
    for r in tax.regios:
        for form in (r.id, r.naam, *r.aliassen, *r.projectnamen, *r.gemeenten):
            owners[normaliseer(form)].add(r.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_an_abbreviation_or_long_form_has_one_source(tax):
    owners = defaultdict(set)
    for attr in ("organisaties", "afkortingen"):
        for c in getattr(tax, attr):
            for form in (c.label, *c.termen, *c.afkortingen, *c.exacte_afkortingen):
                owners[normaliseer(form)].add((attr, c.id))
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_names_and_principles_list_their_label_among_their_terms(tax):
    for c in tax.basisprincipes + tax.organisaties + tax.afkortingen:
        assert normaliseer(c.label) in {normaliseer(t) for t in c.termen}, c.id


def test_no_term_is_listed_twice_in_one_concept(tax):
    for attr in KINDS:
        for c in getattr(tax, attr):
            forms = [f.casefold() for f in (*c.termen, *c.afkortingen)]
            assert len(forms) == len(set(forms)), c.id
    assert len({t.casefold() for t in tax.werkende_elementen}) == len(tax.werkende_elementen)


def test_every_principle_and_vraagstuk_has_terms(tax):
    principes = ["gezinsgericht", "rechtsbeschermend-transparant", "lerend", "eenvoudig"]
    assert [c.id for c in tax.basisprincipes] == principes
    assert len(tax.vraagstukken) >= 25
    for c in tax.basisprincipes + tax.vraagstukken:
        assert len(c.termen) >= 3, c.id


def test_vraagstuk_terms_are_specific(tax):
    for c in tax.vraagstukken:
        assert not [t for t in c.termen if normaliseer(t) in GENERIEK], c.id


def test_short_terms_do_not_lean_on_een(tax):
    # stemmers fold 'één' into 'een'/'en', so 'één plan' would match every '... en plan ...'
    for c in tax.basisprincipes + tax.vraagstukken:
        words = [normaliseer(t).split() for t in c.termen]
        assert not [w for w in words if len(w) <= 2 and w[0] in ("een", "en")], c.id


def test_vraagstuk_abbreviations_are_defined_with_their_expansion(tax):
    defined = {a for c in tax.organisaties + tax.afkortingen for a in c.afkortingen}
    for c in tax.vraagstukken:
        assert set(c.afkortingen) <= defined, c.id


def test_abbreviations_that_are_common_words_are_exact_only(tax):
    wordfreq = pytest.importorskip("wordfreq")
    for c in tax.organisaties + tax.afkortingen:
        common = [a for a in c.afkortingen if wordfreq.zipf_frequency(a.lower(), "nl") >= 5.0]
        assert common == [], c.id
    assert tax.expansions("OM") == ["Openbaar Ministerie"]
    assert tax.expansions("om") == [] and "om" not in tax.abbreviation_map()
    assert "OM" not in tax.expansions("Openbaar Ministerie")


# -- abbreviations -----------------------------------------------------------------------------------------------

def test_every_abbreviation_expands_to_its_label(tax):
    concepts = tax.organisaties + tax.afkortingen
    assert sum(len(c.afkortingen) for c in concepts) >= 50
    for c in concepts:
        for abbreviation in c.afkortingen + c.exacte_afkortingen:
            assert c.label in tax.expansions(abbreviation), (c.id, abbreviation)


def test_long_forms_expand_to_their_abbreviations(tax):
    for c in tax.organisaties + tax.afkortingen:
        for form in (c.label, *c.termen):
            assert set(c.afkortingen) <= set(tax.expansions(form)), (c.id, form)


def test_abbreviation_map_goes_both_ways(tax):
    table = tax.abbreviation_map()
    for key, others in table.items():
        assert key == normaliseer(key) and others
        for other in others:
            assert key in {normaliseer(x) for x in table[normaliseer(other)]}, (key, other)


@pytest.mark.parametrize("abbreviation, expected", [
    ("RvdK", "Raad voor de Kinderbescherming"),
    ("rvdk", "Raad voor de Kinderbescherming"),
    ("GI's", "Gecertificeerde Instelling"),
    ("GI’s", "Gecertificeerde Instelling"),
    ("gecertificeerde instelling", "GI"),
    ("J&V", "Ministerie van Justitie en Veiligheid"),
    ("JenV", "J&V"),
    ("V-GGZ", "volwassenen-GGZ"),
    ("volwassenen GGZ", "V-GGZ"),
    ("SPV", "sociaalpsychiatrisch verpleegkundige"),
    ("OTS", "ondertoezichtstelling"),
    ("uithuisplaatsing", "UHP"),
    ("THV", "tijdelijk huisverbod"),
    ("KMHG", "HGKM"),
    ("HGKM", "huiselijk geweld en kindermishandeling"),
    ("MDA++", "multidisciplinaire aanpak"),
    ("POK", "Parlementaire Ondervragingscommissie Kinderopvangtoeslag"),
    ("Z&VH", "Zorg- en Veiligheidshuis"),
    ("Veilig Thuis", "VT"),
])
def test_known_abbreviations_expand(tax, abbreviation, expected):
    assert expected in tax.expansions(abbreviation)
    assert taxonomie.expansions(abbreviation) == tax.expansions(abbreviation)


def test_unknown_words_do_not_expand(tax):
    assert tax.expansions("proeftuin") == [] and tax.expansions("") == []


# -- regions -----------------------------------------------------------------------------------------------------

def test_the_regions_are_exactly_the_known_ones(tax):
    assert sorted(r.naam for r in tax.regios) == sorted(REGIO_NAMEN)
    assert {r.naam for r in tax.regios if not r.landelijk} == NIET_LANDELIJK


@pytest.mark.parametrize("naam", REGIO_NAMEN)
def test_each_region_resolves_by_its_own_name(tax, naam):
    assert tax.regio_by_name(naam).naam == naam
    assert tax.regio_by_name(naam.upper().replace("-", " ")).naam == naam


@pytest.mark.parametrize("name, naam", [
    ("Amsterdam", "Amsterdam-Amstelland"), ("Amstelland", "Amsterdam-Amstelland"),
    ("Rijnmond", "Rotterdam-Rijnmond"), ("Rotterdam Rijnmond", "Rotterdam-Rijnmond"),
    ("Regio Rijnmond", "Rotterdam-Rijnmond"), ("Rotterdam", "Rotterdam-Rijnmond"),
    ("Food Valley", "FoodValley"), ("Fryslân", "Friesland"), ("fryslan", "Friesland"),
    ("Gelderland Zuid", "Gelderland-Zuid"), ("Gelderland- Zuid", "Gelderland-Zuid"),
    ("ZHZ", "Zuid-Holland Zuid"), ("Zuid-Holland-Zuid", "Zuid-Holland Zuid"),
    ("Zuid Holland Zuid", "Zuid-Holland Zuid"),
    ("Utrecht Stad", "Utrecht"), ("Utrecht West", "Utrecht-West"), ("utrecht-west", "Utrecht-West"),
    ("Proeftuin Zeeland", "Zeeland"), ("regio Centraal Gelderland", "Centraal Gelderland"),
    ("West Brabant West", "West-Brabant West"), ("Blijvend Veilig", "Amsterdam-Amstelland"),
    ("'Wij doen het beter'", "Rotterdam-Rijnmond"), ("Vaart in Veiligheid", "Zeeland"),
])
def test_aliases_and_project_names_resolve(tax, name, naam):
    assert tax.regio_by_name(name).naam == naam
    assert taxonomie.regio_by_name(name) == tax.regio_by_name(name)


@pytest.mark.parametrize("name", ["Gelderland", "Brabant", "Utrecht/Utrecht-West", "Nederland", "landelijk", ""])
def test_ambiguous_or_unknown_names_do_not_resolve(tax, name):
    assert tax.regio_by_name(name) is None


def test_manifest_regions_resolve(tax):
    manifest = CORPUS / "manifest.json"
    if not manifest.is_file():
        pytest.skip(f"gedeeld corpus ontbreekt: {manifest}")
    regions = {doc["region"] for doc in json.loads(manifest.read_text(encoding="utf-8"))}
    named = regions - {"landelijk"}  # the model's value for documents about all regions
    assert named
    for region in named:
        assert tax.regio_by_name(region).naam == region


def test_factsheet_region_names_resolve(tax, corpus):
    text = corpus["factsheet-proeftuinen.md"]
    headers = [line for line in text.splitlines() if "\t" in line and "FoodValley" in line and "Flevoland" in line]
    cells = {part.strip() for line in headers for cell in line.split("\t") for part in cell.split("/") if part.strip()}
    assert len(headers) >= 3 and len(cells) >= 12
    assert [c for c in cells if tax.regio_by_name(c) is None] == []
    toc = re.findall(r"^Proeftuin ([^:\t]+?)(?::\s*'([^']+)')?\t\d+$", text, flags=re.M)
    assert len(toc) == 12
    for name, project in toc:
        regio = tax.regio_by_name(name)
        assert regio is not None, name
        assert not project or tax.regio_by_name(project) == regio, project


def test_factsheet_project_names_belong_to_their_region(tax, corpus):
    text = corpus["factsheet-proeftuinen.md"]
    lines = [line for line in text.splitlines() if line.startswith("- '")]
    pairs = [p for line in lines for p in re.findall(r"'([^']+)' \(([^)]+)\)", line)]
    assert len(pairs) >= 11
    for project, region in pairs:
        assert tax.regio_by_name(region) is not None, region
        assert tax.regio_by_name(project) == tax.regio_by_name(region), project


# -- vraagstukken ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, ident", [
    ("monitoring en betekenisvol meten", "monitoring"), ("Betekenisvolle metingen", "monitoring"),
    ("doelgroep 0-100", "doelgroep-0-100"), ("0-100+", "doelgroep-0-100"), ("klantreis", "klantreis"),
    ("klantroute", "klantreis"), ("complexe scheidingen", "complexe-scheidingen"), ("MDA++", "mda"),
    ("verklarende (integrale) analyse", "verklarende-analyse"), ("volwassenen-GGZ", "volwassenen-ggz"),
    ("V-GGZ", "volwassenen-ggz"), ("netwerkdossier / cliëntregistratie", "netwerkdossier"),
    ("rechtsbescherming", "rechtsbescherming"),
    ("gezinsgerichte juridische interventies", "gezinsgerichte-juridische-interventies"),
    ("jeugdreclassering en strafrecht", "jeugdreclassering-strafrecht"),
    ("zorg- en veiligheidshuis", "zorg-en-veiligheidshuis"), ("bestaanszekerheid", "bestaanszekerheid"),
    ("uithuisplaatsing", "uithuisplaatsing"), ("UHP", "uithuisplaatsing"),
    ("ervaringsdeskundigheid", "ervaringsdeskundigheid"), ("lokale teams versterken", "lokale-teams-versterken"),
    ("personele vraagstukken", "personele-vraagstukken"), ("onderzoeksformat en feitenonderzoek",
                                                           "onderzoeksformat-feitenonderzoek"),
    ("specialistische zorg", "specialistische-zorg"),
    ("maatschappelijk debat en beeldvorming", "maatschappelijk-debat"),
    ("visie gefaseerd samenwerken aan veiligheid", "visie-gefaseerd-samenwerken"),
    ("integrale sturing", "integrale-sturing"), ("RVT-werkwijze / samenwerking RVT", "rvt-werkwijze"),
    ("brede blik / professionele identiteit", "professionele-identiteit"), ("kennisdeling/leren", "kennisdeling"),
])
def test_named_vraagstukken_resolve(tax, text, ident):
    assert tax.vraagstuk_by_name(text).id == ident
    assert taxonomie.vraagstuk_by_name(text) == tax.vraagstuk_by_name(text)


def test_unrelated_text_names_no_vraagstuk(tax):
    assert tax.vraagstuk_by_name("begroting en planning") is None
    assert tax.vraagstuk_by_name("") is None


def test_concept_by_name_covers_the_other_kinds(tax):
    assert tax.concept_by_name("principe", "Rechtsbeschermend & transparant").id == "rechtsbeschermend-transparant"
    assert tax.concept_by_name("organisatie", "RvdK").id == "raad-voor-de-kinderbescherming"
    assert tax.concept_by_name("organisatie", "OM").id == "openbaar-ministerie"
    assert tax.concept_by_name("organisatie", "om") is None
    assert tax.concept_by_name("thema", "klantreis") == tax.vraagstuk_by_name("klantreis")
    with pytest.raises(ValueError):
        tax.concept_by_name("dier", "kat")


def test_every_factsheet_table_row_resolves(tax, corpus):
    rows = [line.split("\t")[0].strip() for line in corpus["factsheet-proeftuinen.md"].splitlines()
            if "✓" in line and line.split("\t")[0].strip()]
    assert len(rows) >= 17
    resolved = {row: tax.vraagstuk_by_name(row) for row in rows}
    assert [row for row, c in resolved.items() if c is None] == []
    by_start = {row.split()[0].lower(): c.id for row, c in resolved.items()}
    assert by_start["personele"] == "personele-vraagstukken" and by_start["volwassenen-ggz"] == "volwassenen-ggz"
    assert by_start["beïnvloeding"] == "maatschappelijk-debat"
    assert by_start["netwerkdossier/cliënt"] == "netwerkdossier"


def _toml_vraagstukken() -> list[dict]:
    """The raw entries of vraagstukken.toml (for fields the loader does not keep)."""
    with (taxonomie.DATA_DIR / "vraagstukken.toml").open("rb") as fh:
        return tomllib.load(fh)["vraagstuk"]


def test_factsheet_vraagstukken_occur_in_the_factsheet(tax, corpus):
    stems = _stemmed(corpus["factsheet-proeftuinen.md"])
    listed = [e["id"] for e in _toml_vraagstukken() if any(b.startswith("factsheet") for b in e.get("bronnen", []))]
    assert len(listed) >= 18
    for c in tax.vraagstukken:
        if c.id in listed:
            assert any(_in(t, stems) for t in (*c.termen, *c.afkortingen)), c.id


def test_every_vraagstuk_and_principle_is_signalled_in_the_corpus(tax, corpus):
    stems = _stemmed("\n".join(corpus.values()))
    for c in tax.basisprincipes + tax.vraagstukken:
        found = [t for t in (*c.termen, *c.afkortingen) if _in(t, stems)]
        assert found, c.id
    found = [t for t in tax.werkende_elementen if _in(t, stems)]
    assert len(found) >= 10, found


# -- loading -----------------------------------------------------------------------------------------------------

def test_load_is_cached_and_frozen(tax):
    assert load() is tax
    with pytest.raises(dataclasses.FrozenInstanceError):
        tax.vraagstukken[0].label = "x"  # type: ignore[misc]
    assert isinstance(tax.vraagstukken[0].termen, tuple) and isinstance(tax.werkende_elementen, tuple)


def test_as_dict_is_json_ready(tax):
    data = json.loads(json.dumps(tax.as_dict()))
    assert set(data) == {*KINDS, "regios", "werkende_elementen"}
    assert data["regios"][0]["naam"] and "afkortingen" in data["organisaties"][0]


def test_bad_data_is_refused(tmp_path, monkeypatch):
    for path in taxonomie.DATA_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(taxonomie, "DATA_DIR", tmp_path)
    assert len(taxonomie.build(tmp_path).vraagstukken) == len(load().vraagstukken)
    target = tmp_path / "organisaties.toml"
    target.write_text(target.read_text(encoding="utf-8").replace("termen =", "terms =", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="organisaties.toml"):
        taxonomie.build(tmp_path)
