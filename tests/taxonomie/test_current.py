"""Tests for kennisbank.taxonomie.current: which taxonomy is in effect, and caches that follow its version."""
from __future__ import annotations

import os
import subprocess
import sys

from kennisbank import taxonomie
from kennisbank.config import DataDir

NIEUW = """
[[vraagstuk]]
id = "digitale-dossiervorming"
label = "Digitale dossiervorming"
termen = ["digitaal dossier", "dossiervorming", "elektronisch dossier"]
"""


def test_using_puts_a_data_dirs_layer_in_effect_and_takes_it_away(data):
    (data.taxonomie / "vraagstukken.toml").write_text(NIEUW, encoding="utf-8")
    assert taxonomie.vraagstuk_by_name("dossiervorming") is None
    with taxonomie.using(data):
        assert taxonomie.vraagstuk_by_name("digitaal dossier").id == "digitale-dossiervorming"
        assert taxonomie.load() is taxonomie.load(data)
    assert taxonomie.vraagstuk_by_name("dossiervorming") is None


def test_a_change_by_another_process_is_seen_at_the_next_look_up(data):
    with taxonomie.using(data):
        before = taxonomie.load()
        assert taxonomie.load() is before  # nothing changed: the same object, not read again
        code = f"import pathlib; pathlib.Path({str(data.taxonomie / 'vraagstukken.toml')!r}).write_text({NIEUW!r})"
        subprocess.run([sys.executable, "-c", code], check=True, env=os.environ)
        after = taxonomie.load()
    assert after is not before and after.version != before.version
    assert after.vraagstuk_by_name("elektronisch dossier").id == "digitale-dossiervorming"


def test_per_version_caches_follow_the_taxonomy_in_effect(data):
    calls = []

    @taxonomie.per_version()
    def ids() -> tuple[str, ...]:
        calls.append(1)
        return tuple(c.id for c in taxonomie.load().vraagstukken)

    assert "digitale-dossiervorming" not in ids() and ids() is ids() and len(calls) == 1
    (data.taxonomie / "vraagstukken.toml").write_text(NIEUW, encoding="utf-8")
    with taxonomie.using(data):
        assert ids()[-1] == "digitale-dossiervorming" and len(calls) == 2
    assert "digitale-dossiervorming" not in ids() and len(calls) == 2  # the package's version is still cached


def test_query_analysis_tables_follow_a_change(data):
    from kennisbank.search import analyse
    from kennisbank.search.query import parse

    def themas() -> list[str]:
        clause = analyse.analyse(parse("elektronisch dossier")).clauses[0]
        return [u.thema for u in clause.units if isinstance(u, analyse.Vraagstuk)]

    (data.taxonomie / "vraagstukken.toml").write_text(NIEUW.replace('"Digitale dossiervorming"',
                                                                    '"Elektronisch dossier"'), encoding="utf-8")
    assert themas() == []
    with taxonomie.using(data):
        assert themas() == ["digitale-dossiervorming"]


def test_with_data_layer_takes_the_data_dir_from_the_first_argument(data):
    (data.taxonomie / "vraagstukken.toml").write_text(NIEUW, encoding="utf-8")

    @taxonomie.with_data_layer
    def count(d: DataDir) -> int:
        return len(taxonomie.load().vraagstukken)

    class Owner:
        def __init__(self, d: DataDir):
            self.data = d

        @taxonomie.with_data_layer
        def count(self) -> int:
            return len(taxonomie.load().vraagstukken)

    assert count(data) == Owner(data).count() == len(taxonomie.load().vraagstukken) + 1
