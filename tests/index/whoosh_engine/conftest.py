"""Fixtures of the whoosh engine's own tests: whoosh only."""
from __future__ import annotations

import pytest

from kennisbank.config import DataDir


@pytest.fixture(scope="session")
def shared_data(shared_data_for) -> DataDir:
    """The shared PDFs in a whoosh index."""
    return shared_data_for("whoosh")


@pytest.fixture
def engine_name(monkeypatch) -> str:
    """whoosh, as the engine new indexes are made with."""
    monkeypatch.setenv("KENNISBANK_ENGINE", "whoosh")
    return "whoosh"
