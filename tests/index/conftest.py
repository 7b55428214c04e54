"""Fixtures of the index tests: an empty data dir, and small documents to write into it."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from indexer.model import Metadata, Passage, Tag
from kennisbank import index
from kennisbank.config import DataDir


@pytest.fixture
def data(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def meta() -> Callable[..., Metadata]:
    """Metadata of a small Zeeland plan."""
    def make(doc_id: str = "plan-a", title: str = "Plan A") -> Metadata:
        return Metadata(id=doc_id, title=title, type="projectplan", region="Zeeland", date="2023-03-01")
    return make


@pytest.fixture
def passages() -> Callable[..., list[Passage]]:
    """One passage per text, each in its own section; those that mention the klantreis are tagged with it."""
    def make(*texts: str) -> list[Passage]:
        return [Passage(position=i, page=i + 1, section=("Aanpak", f"Deel {i}"), text=t, regio=["Zeeland"],
                        themas=[Tag("klantreis", "Klantreis", ["klantreis"])] if "klantreis" in t else [])
                for i, t in enumerate(texts)]
    return make


@pytest.fixture
def pids() -> Callable[..., list[str]]:
    """The passage ids an index holds."""
    def read(ix) -> list[str]:
        with index.searcher(ix) as s:
            return sorted(d["pid"] for d in s.all_passages())
    return read
