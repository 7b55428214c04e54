"""The index: every use of the search library (whoosh) lives in this package, nowhere else.

- `query`: what a search asks, in Kennisbank's own nodes (Term, Phrase, Near, And, Or, ...).
- `schema`: the fields of a passage, and `write_passages`, the one writer of index entries.
- `analyzers`: the analysis chains wrapped for whoosh.
- `generations`: open the active index generation, build a new one beside it, switch atomically.
- `lock`: the data dir's writer lock.
- `writing`: add, replace and delete a document's passages in one commit.
- `reading`: a searcher (search, stored passages, term statistics), and the index a process keeps open.
- `docsets`: counts and facets as bitsets, without scoring.
- `translate`: query nodes as whoosh queries.
- `workarounds`: the whoosh bugs worked around, and in which version.
"""
from __future__ import annotations

from kennisbank.index import query
from kennisbank.index.generations import (
                                          INDEX_NAME,
                                          RULES_FILE,
                                          TAGS_FILE,
                                          IndexDamagedError,
                                          activate,
                                          building,
                                          discard,
                                          exists,
                                          expected,
                                          new_index,
                                          open_index,
                                          rules_fingerprint,
                                          stale_rules,
                                          stale_tags,
                                          tags_version,
)
from kennisbank.index.lock import LOCK_TIMEOUT, LOCK_TIMEOUT_VAR, BusyError, lock_timeout, write_lock
from kennisbank.index.reading import Hit, OpenIndex, Searcher, indexed_documents, searcher
from kennisbank.index.schema import (
                                          TAG_FIELDS,
                                          make_schema,
                                          passage_fields,
                                          stored_passage,
                                          stores_headings,
                                          write_passages,
)
from kennisbank.index.workarounds import apply as _apply_workarounds
from kennisbank.index.writing import Writer, delete_document, replace_document, writer

_apply_workarounds()

__all__ = ["query", "INDEX_NAME", "RULES_FILE", "TAGS_FILE", "IndexDamagedError", "activate", "building", "discard",
           "exists", "expected", "new_index", "open_index", "rules_fingerprint", "stale_rules", "stale_tags",
           "tags_version", "stored_passage", "stores_headings", "LOCK_TIMEOUT", "LOCK_TIMEOUT_VAR",
           "BusyError", "lock_timeout", "write_lock", "Hit", "OpenIndex", "Searcher", "indexed_documents",
           "searcher", "TAG_FIELDS", "make_schema", "passage_fields", "write_passages", "Writer",
           "delete_document", "replace_document", "writer"]
