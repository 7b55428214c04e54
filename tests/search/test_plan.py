"""Tests for kennisbank.search.plan: the index queries of a query, and the terms it marks."""
from __future__ import annotations

import pytest

from kennisbank.index.query import And, Or
from kennisbank.search.analyse import analyse
from kennisbank.search.plan import plan, plan_for
from kennisbank.search.query import parse
from kennisbank.taxonomie import load as load_taxonomie


def test_every_abbreviation_and_long_form_of_the_taxonomy_expands_as_a_query():
    tax = load_taxonomie()
    forms = [form for c in (*tax.organisaties, *tax.afkortingen) if c.afkortingen
             for form in (c.label, *c.termen, *c.afkortingen)]
    assert len(forms) > 150 and {"V-GGZ", "volwassenen-GGZ", "SPV-er", "POH-GGZ"} <= set(forms)
    assert [form for form in forms if not plan_for(form).concepts] == []


@pytest.mark.parametrize("word, abbreviation", [("uithuisplaatsingen", "uhp"), ("ondertoezichtstellingen", "ots")])
def test_a_one_word_long_form_expands_in_the_plural_too(word, abbreviation):
    assert abbreviation in plan_for(word).terms
    assert abbreviation in plan_for(word.removesuffix("en")).terms


def test_the_plan_has_a_loose_and_an_every_concept_query():
    built = plan_for("gezinsadvocaat bestaanszekerheid")
    assert isinstance(built.all_concepts, And) and isinstance(built.loose, Or)
    assert {"gezinsadvocat", "gezin", "advocat", "bestaanszekerheid"} <= built.terms  # stems and compound parts
    assert plan_for("de het").loose is None and plan_for("de het").all_concepts is None


def test_a_word_the_index_lacks_is_searched_as_its_derived_words():
    lacking = plan(analyse(parse("uitwisselen"), known=lambda s: s == "uitwisseling"))
    holding = plan(analyse(parse("uitwisselen"), known=lambda s: s in ("uitwissel", "uitwisseling")))
    assert "text:uitwisseling" in str(lacking.matched) and "uitwisseling" in lacking.terms
    assert "uitwisseling" not in str(holding.matched) and "text:uitwisseling^0.3" in str(holding.loose)
