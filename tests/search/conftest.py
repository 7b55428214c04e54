"""Fixtures of the search tests: every search test runs against each index engine."""
from __future__ import annotations

import pytest

from kennisbank import index
from kennisbank.config import DataDir


@pytest.fixture(scope="session", params=index.ENGINES)
def shared_data(request, shared_data_for) -> DataDir:
    """The shared PDFs indexed by each engine in turn."""
    return shared_data_for(request.param)
