"""Atom 1.0 feeds (RFC 4287), built with xml.etree so that every text is escaped as XML."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import unescape

NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml"
AUTHOR = "Kennisbank kind- en gezinsbescherming"
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # what XML 1.0 cannot hold
_MARK = re.compile(r"</?mark>")
# Browsers show a feed as text: its first lines say what it is and how to follow it.
EXPLANATION = ("Dit is een Atom-feed van Kennisbank kind- en gezinsbescherming. Volgen: kopieer het adres van deze "
               "pagina naar uw feedlezer, naar Outlook (RSS-feeds) of naar een Teams-kanaal (RSS-connector).")


@dataclass
class Entry:
    """One entry: a stable id, a title, when it was added (RFC 3339), a link, a plain-text summary and labels."""

    id: str
    title: str
    updated: str
    link: str
    summary: str
    categories: list[str] = field(default_factory=list)
    related: str = ""  # e.g. the original at the passage's page


@dataclass
class Feed:
    """A feed: its id, title, own URL, the page it follows, and its entries (newest first)."""

    id: str
    title: str
    self_url: str
    page_url: str
    subtitle: str = ""
    entries: list[Entry] = field(default_factory=list)


def plain(snippet_html: str) -> str:
    """A snippet (escaped text with <mark>s, see search.highlight) as plain text.

    >>> plain("… de <mark>klantreis</mark> &amp; het &lt;gezin&gt; …")
    '… de klantreis & het <gezin> …'
    """
    return unescape(_MARK.sub("", snippet_html))


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (control characters), which ElementTree would write as is.

    >>> xml_text("a\\x00b\\x1bc\\td")
    'abc\\td'
    """
    return _NOT_XML.sub("", text)


def now() -> str:
    """The current time in RFC 3339, for a feed without entries."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        child.text = xml_text(text)
    return child


def render(feed: Feed) -> bytes:
    """The feed as an Atom 1.0 document (UTF-8); its `updated` is that of its newest entry, or now."""
    root = ET.Element("feed", {"xmlns": NS, XML_LANG: "nl"})  # the Atom namespace as the default for every element
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", max((e.updated for e in feed.entries), default=now()))
    _add(root, "link", rel="self", type=MEDIA_TYPE, href=feed.self_url)
    _add(root, "link", rel="alternate", type="text/html", href=feed.page_url)
    _add(_add(root, "author"), "name", AUTHOR)
    _add(root, "generator", "Kennisbank")
    for entry in feed.entries:
        node = _add(root, "entry")
        _add(node, "id", entry.id)
        _add(node, "title", entry.title, type="text")
        _add(node, "updated", entry.updated)
        _add(node, "published", entry.updated)
        _add(node, "link", rel="alternate", type="text/html", href=entry.link)
        if entry.related:
            _add(node, "link", rel="related", href=entry.related)
        for term in entry.categories:
            _add(node, "category", term=term)
        _add(node, "summary", entry.summary, type="text")
    ET.indent(root)
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {EXPLANATION} -->\n'
    return (head + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")
