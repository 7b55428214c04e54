"""Tests for kennisbank.index.fields: a passage's fields, and the stored fields read back for re-tagging."""
from __future__ import annotations

from kennisbank import index


def test_stored_fields_give_back_the_passage_they_were_written_from(data, meta, passages):
    written = passages("Tekst over de klantreis van een gezin.", "Nog een passage.")
    written[0].headings = ("Aanpak / stappen",)
    ix = index.open_index(data)
    index.replace_document(ix, meta(), "a" * 64, written)
    assert ix.stores_headings()
    with index.searcher(ix) as s:
        for fields, passage in zip(s.passages("plan-a"), written):
            back_meta, sha, back = index.stored_passage(fields)
            assert (back_meta, sha) == (meta(), "a" * 64)
            back.regio, back.themas = passage.regio, passage.themas
            assert index.passage_fields(back_meta, sha, back) == index.passage_fields(meta(), sha, passage)
