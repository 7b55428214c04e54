"""Tests for kennisbank.decompound: compound splitting, sub-compounds, the dictionary cache, the real corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from kennisbank.analysis import decompound, exact_analyzer
from kennisbank.analysis.decompound import compound_forms, split_compound

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTEN = ROOT.parent / "shared" / "corpus" / "documenten"


@pytest.fixture
def restore_config():
    """Put the compound dictionary settings back after a test changed them."""
    before = dict(decompound._config)
    yield
    decompound.configure(extra_words=before["extra"], cache=before["cache"])


@pytest.mark.parametrize("word, parts", [
    ("jeugdbeschermingsketen", ["jeugd", "bescherming", "keten"]),
    ("jeugdbeschermingstafel", ["jeugd", "bescherming", "tafel"]),
    ("gebiedsteam", ["gebied", "team"]),
    ("scheidingsconflicten", ["scheiding", "conflicten"]),
    ("huisverbod", ["huis", "verbod"]),
    ("ervaringsdeskundigheid", ["ervaring", "deskundigheid"]),
    ("gezinsbescherming", ["gezin", "bescherming"]),
    ("Jeugdwet", ["jeugd", "wet"]),
    ("clientendossiers", ["client", "dossiers"]),
    ("gegevensdeling", ["gegevens", "deling"]),  # a word the stemmer keeps keeps its -s
])
def test_split_compound(word, parts):
    assert split_compound(word) == parts


@pytest.mark.parametrize("word", [
    "gezin", "gezinnen", "gebied", "beleid", "verbod", "samenwerking", "veiligheid", "deskundigheid",
    "mogelijkheden", "verschillende", "bestuur", "houding", "toekomst", "uitvoering", "ondersteuning",
    "scheidingen", "gesprekken", "wetenschappers", "volwassenen", "samenwerken", "flexibel", "ggz",
])
def test_not_a_compound(word):
    assert split_compound(word) == []


def test_sub_compounds_are_indexed():
    forms = compound_forms("jeugdbeschermingsketen")
    assert {"jeugdbescherming", "beschermingsketen"} <= set(forms)
    assert "beschermingstafel" in compound_forms("jeugdbeschermingstafel")
    assert "ervaringsdeskundig" in compound_forms("ervaringsdeskundigheid")
    assert not any(f.startswith("bied") for f in compound_forms("gebiedsteam"))
    assert "rijksover" not in compound_forms("rijksoverheid")


def test_dictionary_cache(tmp_path, restore_config):
    cache = tmp_path / "woorden.pickle"
    decompound.configure(extra_words=["Xyzzyplof"], cache=cache)
    assert split_compound("xyzzyplofteam") == ["xyzzyplof", "team"]
    assert cache.exists()
    decompound.configure(cache=cache)  # query time: the index's dictionary, extra words included
    assert split_compound("xyzzyplofteam") == ["xyzzyplof", "team"]
    decompound.configure(extra_words=[], cache=cache)  # other extra words: rebuilt
    assert split_compound("xyzzyplofteam") == []
    cache.write_bytes(b"kapot")
    decompound.configure(cache=cache)
    assert split_compound("huisverbod") == ["huis", "verbod"]


@pytest.fixture(scope="module")
def vocabulary() -> set[str]:
    """The folded words of the shared corpus documents."""
    if not DOCUMENTEN.is_dir():
        pytest.skip("shared corpus not available")
    return {t.text for p in DOCUMENTEN.iterdir() for t in exact_analyzer()(p.read_text(encoding="utf-8"))}


def test_corpus_compounds_have_no_false_parts(vocabulary):
    for word in vocabulary:
        parts = split_compound(word)
        assert all(len(p) >= 3 for p in parts), word
        if parts and word.startswith(("gezin", "gebied")):  # never ge+zin..., ge+bied...
            assert parts[0].startswith(word[:5]), word


def test_corpus_compounds_found(vocabulary):
    assert "jeugdbeschermingsketen" in vocabulary
    compounds = [w for w in vocabulary if split_compound(w)]
    assert len(compounds) > 400  # measured: about 700 of the 3,800 distinct words
    assert split_compound("jeugdbeschermingsketen") == ["jeugd", "bescherming", "keten"]
