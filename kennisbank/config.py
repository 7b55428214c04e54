"""Where Kennisbank keeps its state: one data directory, from --data, KENNISBANK_DATA or ./data."""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "KENNISBANK_DATA"
YES = frozenset({"ja", "j", "yes", "y", "true", "1", "aan", "on"})
NO = frozenset({"nee", "n", "no", "false", "0", "uit", "off"})


def yes_no(text: str | None) -> bool | None:
    """True or False for a yes/no word (Dutch or English, any case); None for anything else.

    >>> yes_no(" Ja "), yes_no("off"), yes_no("1"), yes_no("misschien"), yes_no(None)
    (True, False, True, None, None)
    """
    word = (text or "").strip().lower()
    return True if word in YES else False if word in NO else None


@dataclass(frozen=True)
class DataDir:
    """The layout of one data directory; nothing outside it is written."""

    root: Path

    @property
    def index(self) -> Path:
        """The link to the active index generation."""
        return self.root / "index"

    def generation(self, n: int) -> Path:
        """The folder of index generation n."""
        return self.root / f"index-{n}"

    def generations(self) -> Iterator[Path]:
        """The index generation folders (index-<n>) there are, in no particular order."""
        return self.root.glob("index-*")

    @property
    def index_link_tmp(self) -> Path:
        """The new link to a generation, made here before it replaces the index link."""
        return self.root / ".index-link"

    @property
    def originals(self) -> Path:
        """Original files, named by their sha256."""
        return self.root / "originals"

    @property
    def records(self) -> Path:
        """One JSON metadata record per document."""
        return self.root / "documents"

    @property
    def write_lock(self) -> Path:
        """The file lock that serialises all writers (ingest, remove, reindex)."""
        return self.root / "write.lock"

    @property
    def jobs(self) -> Path:
        """One JSON file (and lock file) per background job."""
        return self.root / "jobs"

    @property
    def job_worker_lock(self) -> Path:
        """The file lock held by the one Worker (of any process) that runs this data dir's jobs."""
        return self.jobs / "worker.lock"

    @property
    def secret_key(self) -> Path:
        """The web app's session key when none is configured (local use only)."""
        return self.root / "secret_key"

    @property
    def cache(self) -> Path:
        """Derived data that may be thrown away (word lists, facet caches)."""
        return self.root / "cache"

    @property
    def word_cache(self) -> Path:
        """The analysis chain's compound dictionary."""
        return self.cache / "woorden.pickle"

    @property
    def ocr_cache(self) -> Path:
        """The text of OCR'd pages, one JSON file per original and language."""
        return self.cache / "ocr"

    @property
    def page_images(self) -> Path:
        """Rendered PDF pages (PNG) by original hash, page and width; bounded in size (kennisbank.pagina.cache)."""
        return self.cache / "paginas"

    @property
    def uploads(self) -> Path:
        """Uploaded files waiting for the beheerder to confirm their metadata, one folder per token."""
        return self.cache / "uploads"

    @property
    def taxonomie(self) -> Path:
        """The organisation's own layer of the taxonomy (TOML files as in the package), kept across upgrades."""
        return self.root / "taxonomie"

    @property
    def taxonomie_log(self) -> Path:
        """Who changed the taxonomy when, and what it was before (for undo), as JSON."""
        return self.taxonomie / "wijzigingen.json"

    @property
    def gebruikers(self) -> Path:
        """The personal accounts (kennisbank.gegevens.gebruikers), as JSON."""
        return self.root / "gebruikers.json"

    @property
    def gebruikers_lock(self) -> Path:
        """The file lock that serialises changes of the accounts."""
        return self.root / "gebruikers.lock"

    @property
    def logboek(self) -> Path:
        """The audit log (kennisbank.gegevens.logboek): one JSON line per event, only ever appended to."""
        return self.root / "logboek.jsonl"

    def ensure(self) -> "DataDir":
        """Create the directories; return self."""
        for path in (self.root, self.originals, self.records, self.cache):
            path.mkdir(parents=True, exist_ok=True)
        return self


def resolve(data: str | os.PathLike | None = None) -> DataDir:
    """The data dir from an explicit path, else the environment, else ./data."""
    chosen = data or os.environ.get(ENV_VAR) or "data"
    return DataDir(Path(chosen).expanduser().resolve())
