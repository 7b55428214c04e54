"""Fixtures of the index tests: each engine in turn, an empty data dir, and small documents to write into it."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from indexer.model import Metadata, Passage, Tag
from kennisbank import index
from kennisbank.config import DataDir


@pytest.fixture(params=index.ENGINES)
def engine_name(request, monkeypatch) -> str:
    """Each index engine in turn, as the one new indexes are made with."""
    monkeypatch.setenv(index.ENGINE_VAR, request.param)
    return request.param


@pytest.fixture
def data(tmp_path, engine_name) -> DataDir:
    """An empty data dir whose index will be made by the engine under test."""
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture(scope="session", params=index.ENGINES)
def shared_data(request, shared_data_for) -> DataDir:
    """The shared PDFs indexed by each engine in turn."""
    return shared_data_for(request.param)


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
