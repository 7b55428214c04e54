"""The tantivy schema of a passage, and a passage's fields as a tantivy document.

Kennisbank analyses the text itself (kennisbank.analysis) and hands tantivy the tokens with their positions,
so tantivy indexes exactly the terms whoosh indexes: phrases, compound parts at their compound's position and
all. Keyword fields are indexed as they are and kept as fast fields (counted and faceted inside tantivy); the
tag lists are stored as several values, read back as the comma-separated text whoosh stores.
"""
from __future__ import annotations

from typing import Any

import tantivy

from kennisbank.analysis import Chain, exact_analyzer, parts_analyzer, text_analyzer, whole_analyzer
from kennisbank.index.fields import FLAGS, KEYWORD_FIELDS, NUMBERS, TAG_FIELDS

# analysed field -> (its chain, stored, positions)
ANALYSED: dict[str, tuple[Chain, bool, bool]] = {
    "text": (whole_analyzer(), True, True),
    "parts": (parts_analyzer(), False, False),
    "heading": (text_analyzer(), True, True),
    "title": (text_analyzer(), True, True),
    "exact": (exact_analyzer(), False, True),
}
LENGTH = "text_length"  # the number of text terms of a passage: mean lengths for BM25 features
STORED_BYTES = ("section", "tags", "terms")  # terms: the text's analysed words, for re-ranking


def make_schema() -> tantivy.Schema:
    """The schema of one passage."""
    builder = tantivy.SchemaBuilder()
    for name in KEYWORD_FIELDS + TAG_FIELDS:
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    for name, (_, stored, positions) in ANALYSED.items():
        builder.add_text_field(name, stored=stored, tokenizer_name="whitespace",
                               index_option="position" if positions else "freq")
    for name in NUMBERS:
        builder.add_unsigned_field(name, stored=True, indexed=True, fast=True)
    builder.add_unsigned_field(LENGTH, fast=True)
    for name in FLAGS:
        builder.add_boolean_field(name, stored=True, indexed=True, fast=True)
    for name in STORED_BYTES:
        builder.add_bytes_field(name, stored=True)
    return builder.build()


FIELD_NAMES = frozenset((*KEYWORD_FIELDS, *TAG_FIELDS, *ANALYSED, *NUMBERS, LENGTH, *FLAGS, *STORED_BYTES))


def document(fields: dict[str, Any]) -> tantivy.Document:
    """The tantivy document of a passage's fields (kennisbank.index.fields.passage_fields)."""
    doc = tantivy.Document()
    for name in KEYWORD_FIELDS:
        doc.add_text(name, fields[name] or "")
    for name in TAG_FIELDS:
        for value in filter(None, fields[name].split(",")):
            doc.add_text(name, value)
    for name, (chain, _, _) in ANALYSED.items():
        value = fields[name] or ""
        tokens = [tantivy.Token(t.text, t.pos, t.startchar, t.endchar) for t in chain(value, mode="index")]
        doc.add_pre_tokenized_text(name, tantivy.PreTokenizedString(value, tokens))
        if name == "text":
            doc.add_unsigned(LENGTH, len({t.position for t in tokens}))
    for name in NUMBERS:
        doc.add_unsigned(name, int(fields[name] or 0))
    for name in FLAGS:
        doc.add_boolean(name, bool(fields[name]))
    for name in STORED_BYTES:
        doc.add_bytes(name, (fields[name] or "").encode("utf-8"))
    return doc


def stored(raw: dict[str, list[Any]]) -> dict[str, Any]:
    """A stored tantivy document as the stored fields whoosh gives back (one value each; tag lists joined)."""
    out: dict[str, Any] = {}
    for name, values in raw.items():
        if name in TAG_FIELDS:
            out[name] = ",".join(values)
        elif name in STORED_BYTES:
            out[name] = bytes(values[0]).decode("utf-8") if values else ""
        else:
            out[name] = values[0] if values else None
    for name in TAG_FIELDS:
        out.setdefault(name, "")
    return out
