"""Fixtures of the taxonomy tests."""
from __future__ import annotations

import pytest

from kennisbank.config import DataDir


@pytest.fixture
def data(tmp_path) -> DataDir:
    """A data dir with an empty layer folder."""
    data = DataDir(tmp_path / "data")
    data.taxonomie.mkdir(parents=True)
    return data
