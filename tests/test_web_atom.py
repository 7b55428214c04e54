"""Atom documents: well-formed, namespaced, every text escaped, nothing XML cannot hold."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kennisbank.web import atom

A = "{http://www.w3.org/2005/Atom}"


def _feed(*entries: atom.Entry) -> atom.Feed:
    return atom.Feed(id="urn:kennisbank:feed:test", title="Test & <proef>", self_url="http://kb/x.atom?a=1&b=2",
                     page_url="http://kb/x?a=1&b=2", entries=list(entries))


def _entry(n: int, updated: str, title: str = "Plan", summary: str = "tekst") -> atom.Entry:
    return atom.Entry(id=f"urn:kennisbank:passage:plan:{n}", title=title, updated=updated,
                      link=f"http://kb/document/plan#p{n}", summary=summary, categories=["Zeeland"],
                      related=f"http://kb/document/plan/origineel#page={n}")


def test_a_feed_is_namespaced_atom_with_what_readers_need():
    root = ET.fromstring(atom.render(_feed(_entry(1, "2024-05-01T09:00:00+00:00"),
                                           _entry(2, "2024-03-01T09:00:00+00:00"))))
    assert root.tag == f"{A}feed" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    assert root.findtext(f"{A}id") == "urn:kennisbank:feed:test" and root.findtext(f"{A}title") == "Test & <proef>"
    assert root.findtext(f"{A}updated") == "2024-05-01T09:00:00+00:00"  # the newest entry
    assert root.find(f"{A}link[@rel='self']").get("href") == "http://kb/x.atom?a=1&b=2"
    assert root.findtext(f"{A}author/{A}name")
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == ["urn:kennisbank:passage:plan:1", "urn:kennisbank:passage:plan:2"]
    first = entries[0]
    assert first.find(f"{A}link[@rel='alternate']").get("href") == "http://kb/document/plan#p1"
    assert first.find(f"{A}link[@rel='related']").get("href") == "http://kb/document/plan/origineel#page=1"
    assert first.find(f"{A}category").get("term") == "Zeeland"
    assert first.find(f"{A}summary").get("type") == "text" and first.findtext(f"{A}published")


def test_markup_in_texts_stays_text_and_characters_xml_cannot_hold_are_dropped():
    nasty = "<script>alert(1)</script> ]]> &amp; \x00\x1b\ufffe"
    body = atom.render(_feed(_entry(1, "2024-05-01T09:00:00+00:00", title=nasty, summary=nasty)))
    assert b"<script>" not in body and b"&lt;script&gt;" in body
    entry = ET.fromstring(body).find(f"{A}entry")
    assert entry.findtext(f"{A}title") == entry.findtext(f"{A}summary") == "<script>alert(1)</script> ]]> &amp; "


def test_an_empty_feed_is_still_valid_and_dated_now():
    root = ET.fromstring(atom.render(_feed()))
    assert root.findall(f"{A}entry") == []
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", root.findtext(f"{A}updated"))


def test_a_browser_showing_the_feed_as_text_shows_first_what_it_is():
    lines = atom.render(_feed(_entry(1, "2024-05-01T09:00:00+00:00"))).decode("utf-8").splitlines()
    assert lines[0] == '<?xml version="1.0" encoding="utf-8"?>'
    assert lines[1].startswith("<!-- Dit is een Atom-feed") and "feedlezer" in lines[1]
    assert lines[2].startswith("<feed ") and lines[3] == "  <id>urn:kennisbank:feed:test</id>"  # one element a line
