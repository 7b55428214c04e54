"""Tests for kennisbank.taxonomie.layers: the data dir's layer over the package's files, checked alike."""
from __future__ import annotations

import pytest

from kennisbank import taxonomie
from kennisbank.taxonomie import layers

HAAGLANDEN = """
verwijderd = ["zuid-holland-zuid"]

[[regio]]
id = "haaglanden"
naam = "Haaglanden"
aliassen = ["Regio Den Haag e.o."]
landelijk = false

[[regio]]
id = "zeeland"
naam = "Zeeland"
aliassen = ["Zeeuws-Vlaanderen"]
landelijk = true
"""


def test_without_a_layer_the_package_is_the_taxonomy(data):
    assert taxonomie.load(data) is taxonomie.load()
    assert taxonomie.load(data).version == taxonomie.load().version


def test_a_layer_adds_replaces_in_place_and_removes(data):
    package = taxonomie.load()
    (data.taxonomie / "regios.toml").write_text(HAAGLANDEN, encoding="utf-8")
    tax = taxonomie.load(data)
    names = [r.naam for r in tax.regios]
    assert names == [r.naam for r in package.regios if r.naam != "Zuid-Holland Zuid"] + ["Haaglanden"]
    assert tax.regio_by_name("regio Den Haag e.o.").naam == "Haaglanden"
    assert tax.regio_by_name("Zeeuws-Vlaanderen").naam == "Zeeland" and tax.regio_by_name("ZHZ") is None
    assert tax.version != package.version and taxonomie.load() is package


def test_werkende_elementen_terms_are_added_and_removed(data):
    (data.taxonomie / "werkende_elementen.toml").write_text(
        'termen = ["dit helpt echt"]\nverwijderd = ["wat werkt"]\n', encoding="utf-8")
    terms = taxonomie.load(data).werkende_elementen
    assert "dit helpt echt" in terms and "wat werkt" not in terms and "succesfactor" in terms


@pytest.mark.parametrize("content, problem", [
    ("[[regio]\nid = 'x'", "geen geldige TOML"),
    ("[[vraagstuk]]\nid = 'x'\nlabel = 'X'", "onbekende sleutels ['vraagstuk']"),
    ("verwijderd = 'zeeland'", "'verwijderd' moet een lijst van ids zijn"),
    ("[[regio]]\nnaam = 'X'\nlandelijk = false", "'id' ontbreekt"),
    ("[[regio]]\nid = 'x'\nnaam = 'X'\nlandelijk = false\nkleur = 'rood'", "onbekende velden ['kleur']"),
    ("[[regio]]\nid = 'x'\nnaam = 'X'\nlandelijk = false\n[[regio]]\nid = 'x'\nnaam = 'Y'\nlandelijk = false",
     "id 'x' staat er twee keer in"),
    ("[[regio]]\nid = 'x'\nnaam = 'X'\nlandelijk = false\naliassen = ['']", "'aliassen' moet een lijst"),
])
def test_a_bad_layer_is_refused_naming_its_file(data, content, problem):
    path = data.taxonomie / "regios.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(taxonomie.TaxonomieError, match="regios.toml") as info:
        taxonomie.load(data)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_dumps_writes_what_tomllib_reads_back(data):
    content = {"verwijderd": ["a"], "vraagstuk": [
        {"id": "x", "label": 'Met "aanhalingstekens" en \\ en ë', "termen": ["één", "twee\tdrie"]}]}
    path = data.taxonomie / "vraagstukken.toml"
    path.write_text(layers.dumps(content, "vraagstuk", "kop\nregel twee"), encoding="utf-8")
    assert layers.read(path) == content
    assert path.read_text(encoding="utf-8").startswith("# kop\n# regel twee\n")


def test_the_version_follows_the_files(data):
    before = layers.version(taxonomie.DATA_DIR, data.taxonomie)
    assert before == layers.version(taxonomie.DATA_DIR, None)
    (data.taxonomie / "organisaties.toml").write_text("verwijderd = []\n", encoding="utf-8")
    assert layers.version(taxonomie.DATA_DIR, data.taxonomie) != before
