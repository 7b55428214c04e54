"""The data dir's layout and the one yes/no parser."""
from __future__ import annotations

import pytest

from kennisbank.config import NO, YES, yes_no


@pytest.mark.parametrize("word", ["ja", "j", "yes", "y", "true", "1", "aan", "on", " JA ", "True", "Aan\n"])
def test_yes_words(word):
    assert yes_no(word) is True


@pytest.mark.parametrize("word", ["nee", "n", "no", "false", "0", "uit", "off", " Nee ", "FALSE", "\tUit"])
def test_no_words(word):
    assert yes_no(word) is False


@pytest.mark.parametrize("word", [None, "", "  ", "misschien", "2", "jaa", "ja nee", "t", "f"])
def test_anything_else_is_none(word):
    assert yes_no(word) is None


def test_the_word_sets_do_not_overlap():
    assert not YES & NO
