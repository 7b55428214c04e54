"""Tests for kennisbank.taxonomie.beheer: changes of the data dir's layer, refused by name or done in full."""
from __future__ import annotations

import shutil

import pytest

from kennisbank import jobs, taxonomie
from kennisbank.config import DataDir
from kennisbank.taxonomie import TaxonomieError, beheer, layers

WIE = "test"


@pytest.fixture
def data(tmp_path) -> DataDir:
    """A data dir without documents."""
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def corpus(shared_data, tmp_path) -> DataDir:
    """A copy of the shared data dir (documents and index) that a test may change."""
    shutil.copytree(shared_data.root, tmp_path / "gedeeld", symlinks=True)
    return DataDir(tmp_path / "gedeeld")


def files(data: DataDir) -> dict[str, bytes]:
    """The layer's files and their bytes (the log included)."""
    return {p.name: p.read_bytes() for p in sorted(data.taxonomie.glob("*"))} if data.taxonomie.exists() else {}


def test_add_edit_remove_and_undo_each_change_the_layer_and_the_log(data):
    beheer.add(data, "regio", "Haaglanden", WIE, aliassen=["Den Haag en omstreken"], gemeenten=["Zoetermeer"])
    assert taxonomie.load(data).regio_by_name("den haag en omstreken").naam == "Haaglanden"
    assert taxonomie.load().regio_by_name("Haaglanden") is None  # the package is untouched
    beheer.edit(data, "regio", "Haaglanden", WIE, naam="Haaglanden-Delft", gemeenten=["Delft"])
    regio = taxonomie.load(data).regio_by_name("Haaglanden")  # the old name stays an alias
    assert (regio.naam, regio.gemeenten, regio.aliassen) == ("Haaglanden-Delft", ("Delft",),
                                                             ("Den Haag en omstreken", "Haaglanden"))
    beheer.remove(data, "regio", "Zeeland", WIE)  # a package entry: listed as removed
    assert layers.read(data.taxonomie / "regios.toml")["verwijderd"] == ["zeeland"]
    assert taxonomie.load(data).regio_by_name("Zeeland") is None
    assert [c.actie for c in beheer.history(data)] == ["toegevoegd", "gewijzigd", "verwijderd"]
    assert beheer.undo(data, WIE).wat == "ongedaan gemaakt: regio 'Zeeland' verwijderd"
    assert taxonomie.load(data).regio_by_name("Zeeland").naam == "Zeeland"
    beheer.undo(data, WIE)
    beheer.undo(data, WIE)
    assert taxonomie.load(data).version == taxonomie.load().version and not (data.taxonomie / "regios.toml").exists()
    assert [c.ongedaan for c in beheer.history(data)] == [True, True, True, False, False, False]
    with pytest.raises(TaxonomieError, match="geen wijziging om ongedaan te maken"):
        beheer.undo(data, WIE)


def test_a_package_vraagstuk_edited_replaces_it_by_id(data):
    beheer.edit(data, "vraagstuk", "klantreis", WIE, termen=["klantreis", "klantroute", "gezinsreis"])
    concept = taxonomie.load(data).vraagstuk_by_name("gezinsreis")
    assert concept.id == "klantreis" and concept.label == taxonomie.load().vraagstuk_by_name("klantreis").label
    assert len(taxonomie.load(data).vraagstukken) == len(taxonomie.load().vraagstukken)


def test_an_organisation_keeps_its_name_among_its_terms_and_a_word_abbreviation_exact(data):
    beheer.add(data, "organisatie", "Stichting Wij Helpen", WIE, afkortingen=["SWH", "WIJ"])
    concept = taxonomie.load(data).entry("organisatie", "SWH")
    assert concept.termen == ("Stichting Wij Helpen",)
    assert (concept.afkortingen, concept.exacte_afkortingen) == (("SWH",), ("WIJ",))
    assert "Stichting Wij Helpen" in taxonomie.load(data).expansions("SWH")


@pytest.mark.parametrize("change, message", [
    (lambda d: beheer.add(d, "regio", "Noord-Brabant", WIE, aliassen=["Brabant"]),
     "de alias 'Brabant' is dubbelzinnig: het is ook (een deel van) de naam van Hart van Brabant en West-Brabant West"),
    (lambda d: beheer.add(d, "regio", "Delfland", WIE, aliassen=["Rijnmond"]),
     "'Rijnmond' hoort al bij Rotterdam-Rijnmond"),
    (lambda d: beheer.add(d, "regio", "Schiedam", WIE, aliassen=["Wij doen het beter"]),
     "'Wij doen het beter' hoort al bij Rotterdam-Rijnmond"),
    (lambda d: beheer.add(d, "regio", "Food Valley", WIE), "regio 'Food Valley' bestaat al"),
    (lambda d: beheer.add(d, "regio", "  ", WIE), "een regio heeft een naam nodig"),
    (lambda d: beheer.add(d, "vraagstuk", "Wachttijden", WIE, termen=[]), "vraagstuk 'Wachttijden' heeft geen termen"),
    (lambda d: beheer.add(d, "vraagstuk", "Wachttijden", WIE, termen=["wachtlijst", "klantroutes"]),
     "'klantroutes' hoort al bij Klantreis"),
    (lambda d: beheer.add(d, "organisatie", "Openbaar Ministerie Noord", WIE, afkortingen=["RvdK"]),
     "'RvdK' hoort al bij Raad voor de Kinderbescherming"),
    (lambda d: beheer.add(d, "organisatie", "Ondertoezichtstelling", WIE),
     "'Ondertoezichtstelling' hoort al bij ondertoezichtstelling"),  # an afkorting's long form: one source
    (lambda d: beheer.edit(d, "regio", "Zeeland", WIE, aliassen=["Gelderland"]),
     "de alias 'Gelderland' is dubbelzinnig"),
    (lambda d: beheer.edit(d, "regio", "Atlantis", WIE, aliassen=["X"]), "geen regio met de naam 'Atlantis'"),
    (lambda d: beheer.remove(d, "vraagstuk", "wachttijden", WIE), "geen vraagstuk met de naam 'wachttijden'"),
    (lambda d: beheer.add(d, "organisatie", "Jeugdhulp Delft", WIE, aliassen=["JD"]),
     "een organisatie heeft geen aliassen; wel: termen, afkortingen"),
    (lambda d: beheer.import_toml(d, "[[regio]\nid = 'x'", WIE), "het bestand is geen geldige TOML"),
    (lambda d: beheer.import_toml(d, "[[regio]]\nid = 'x'\nnaam = 'X'", WIE), "'naam' en 'landelijk' (true/false)"),
    (lambda d: beheer.import_toml(d, "[[provincie]]\nid = 'x'", WIE), "onbekende onderdelen in het bestand"),
    (lambda d: beheer.import_toml(d, "verwijderd = ['zeeland']", WIE), "'verwijderd' moet per soort"),
])
def test_a_refused_change_is_named_and_leaves_the_taxonomy_as_it_was(data, change, message):
    beheer.add(data, "regio", "Haaglanden", WIE)
    before, version = files(data), taxonomie.load(data).version
    with pytest.raises(TaxonomieError) as info:
        change(data)
    assert message in str(info.value)
    assert files(data) == before and taxonomie.load(data).version == version


def test_an_entry_still_in_use_is_refused_with_the_count_unless_forced(corpus):
    before = files(corpus)
    with pytest.raises(beheer.InUseError, match=r"regio 'Zuid-Holland Zuid' wordt nog gebruikt door 1 document "
                                                r"\(uitvoeringsplan-zuid-holland-zuid\)"):
        beheer.remove(corpus, "regio", "ZHZ", WIE)
    with pytest.raises(beheer.InUseError, match=r"vraagstuk 'Klantreis' wordt nog gebruikt door \d documenten"):
        beheer.remove(corpus, "vraagstuk", "klantreis", WIE)
    assert files(corpus) == before
    change = beheer.remove(corpus, "regio", "ZHZ", WIE, force=True)
    assert change.wat == "regio 'Zuid-Holland Zuid' verwijderd (nog gebruikt door 1 document)"
    assert jobs.load(corpus, change.job).task == jobs.JobTask.RETAG


def test_export_then_import_moves_the_layer_to_another_installation(data, tmp_path):
    beheer.add(data, "regio", "Haaglanden", WIE, aliassen=["Den Haag en omstreken"])
    beheer.add(data, "vraagstuk", "Wachttijden", WIE, termen=["wachtlijst", "wachttijd", "doorlooptijd"])
    beheer.remove(data, "organisatie", "Veilig Thuis", WIE)
    text = beheer.export(data)
    assert text.startswith("# De eigen aanvullingen") and 'verwijderd = { organisatie = ["veilig-thuis"] }' in text
    other = DataDir(tmp_path / "ander").ensure()
    change = beheer.import_toml(other, text, WIE)
    assert change.wat == "taxonomie geïmporteerd (1 regio's, 1 vraagstukken, 0 organisatie)"
    assert taxonomie.load(other).version == taxonomie.load(data).version
    assert taxonomie.load(other).entry("organisatie", "Veilig Thuis") is None
    beheer.undo(other, WIE)
    assert files(other).keys() == {"wijzigingen.json"}
