"""Small dataclasses that flow through the ingest pipeline, stage by stage."""
from __future__ import annotations

from dataclasses import dataclass, field


class RefusedError(Exception):
    """A file that cannot be ingested; the message names the reason in plain Dutch words."""


@dataclass(frozen=True)
class Page:
    """The text of one page (1-based number); whole documents without pages are one page."""

    number: int
    text: str
    ocr: bool = False


@dataclass(frozen=True)
class Extracted:
    """What the extract stage read from a file: its kind and its pages.

    Headings that the format marks itself (DOCX styles, Markdown) arrive as lines
    starting with '#' marks, so later stages treat every format alike.
    """

    kind: str  # "pdf", "docx", "markdown" or "text"
    pages: list[Page]


@dataclass
class Tag:
    """A taxonomy label on a passage, with the text that made it match (the 'why')."""

    id: str
    label: str
    matched: list[str] = field(default_factory=list)


@dataclass
class Passage:
    """A piece of 60-250 words inside one section, the unit that search returns."""

    position: int
    page: int
    section: tuple[str, ...]
    text: str
    ocr: bool = False
    headings: tuple[str, ...] = ()  # the heading lines this passage opens with (first passage of a section)
    regio: list[str] = field(default_factory=list)  # the region(s) it belongs to
    principes: list[Tag] = field(default_factory=list)
    themas: list[Tag] = field(default_factory=list)
    organisaties: list[Tag] = field(default_factory=list)
    genoemd: list[Tag] = field(default_factory=list)  # regions mentioned, not owned
    werkend: list[str] = field(default_factory=list)  # signal phrases of werkende elementen

    @property
    def section_title(self) -> str:
        """The innermost heading, or '' before the first one."""
        return self.section[-1] if self.section else ""


@dataclass
class Metadata:
    """What a projectleider would enter for a document; inferred, then overridden."""

    id: str
    title: str
    type: str = "overig"  # projectplan, factsheet, landelijk kader, overig
    region: str = ""  # a region name from the taxonomy, "landelijk" or ""
    date: str = ""  # ISO-like: "2023", "2023-03" or "2023-03-29"

    @property
    def year(self) -> str:
        """The four-digit year of the date, or ''."""
        return self.date[:4] if self.date[:4].isdigit() else ""


DOCUMENT_TYPES = ("projectplan", "factsheet", "landelijk kader", "overig")
