"""Tests for kennisbank.index.writing: a document's passages replaced or deleted in one commit, nothing on error."""
from __future__ import annotations

import pytest

from kennisbank import index
from kennisbank.index.query import And, Term


def test_replace_document_replaces_all_passages_in_one_commit(data, meta, passages, pids):
    ix = index.open_index(data)
    assert index.replace_document(ix, meta(), "a" * 64, passages("een", "twee", "drie")) == 3
    index.replace_document(ix, meta("plan-b"), "b" * 64, passages("ander plan"))
    assert index.replace_document(ix, meta(), "c" * 64, passages("alleen nog dit")) == 1
    assert pids(ix) == ["plan-a:0", "plan-b:0"]
    assert index.indexed_documents(ix) == {"plan-a": ("c" * 64, 1), "plan-b": ("b" * 64, 1)}


def test_passage_fields_are_stored_for_display_and_filters(data, meta, passages):
    ix = index.open_index(data)
    index.replace_document(ix, meta(), "a" * 64, passages("wij tekenen de klantreis van een gezin uit"))
    with index.searcher(ix) as s:
        hit = s.search(Term("pid", "plan-a:0"))[0]
        assert (hit["section"], hit["jaar"], hit["document_regio"], hit["passage_regio"], hit["thema"]) == \
            ("Aanpak › Deel 0", "2023", "Zeeland", "Zeeland", "klantreis")
        assert len(s.search(And([Term("passage_regio", "Zeeland"), Term("thema", "klantreis")]))) == 1


def test_a_passages_analysed_words_are_stored_and_replaced_with_it(data, meta, passages):
    from kennisbank.search.passage import passage_terms, stored_terms

    ix = index.open_index(data)
    index.replace_document(ix, meta(), "a" * 64, passages("De jeugdbeschermingsketen. Gezinnen."))
    index.replace_document(ix, meta(), "b" * 64, passages("Het wijkteam: lokale teams"))
    with index.searcher(ix) as s:
        hit = s.search(Term("pid", "plan-a:0"))[0]
        assert stored_terms(hit) == passage_terms("Het wijkteam: lokale teams")


def test_delete_document_removes_only_that_document(data, meta, passages):
    ix = index.open_index(data)
    index.replace_document(ix, meta(), "a" * 64, passages("een", "twee"))
    index.replace_document(ix, meta("plan-b"), "b" * 64, passages("drie"))
    assert index.delete_document(ix, "plan-a") == 2
    assert index.indexed_documents(ix) == {"plan-b": ("b" * 64, 1)}
    assert index.delete_document(ix, "bestaat-niet") == 0


def test_a_failing_writer_commits_nothing(data, meta, passages, pids):
    ix = index.open_index(data)
    index.replace_document(ix, meta(), "a" * 64, passages("een"))
    with pytest.raises(RuntimeError, match="halverwege"):
        with index.writer(ix) as w:
            w.delete("plan-a")
            w.add(meta("plan-b"), "b" * 64, passages("x"))
            raise RuntimeError("halverwege")
    assert pids(index.open_index(data)) == ["plan-a:0"]
    index.replace_document(ix, meta("plan-c"), "c" * 64, passages("daarna gaat schrijven gewoon door"))
    assert pids(ix) == ["plan-a:0", "plan-c:0"]
