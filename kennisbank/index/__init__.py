"""The index: every use of a search library (whoosh, tantivy) lives in this package, nowhere else.

- `engine`: the one interface of every engine (a generation, its writer and its searcher), and which engine
  built a generation; `whoosh_engine` (the default) and `tantivy_engine` (for large collections) implement it.
- `query`: what a search asks, in Kennisbank's own nodes (Term, Phrase, And, Or, ...).
- `fields`: the fields of a passage, whatever the engine, and back from them to a passage.
- `generations`: open the active index generation, build a new one beside it, switch atomically.
- `lock`: the data dir's writer lock.
- `writing`: add, replace and delete a document's passages in one commit.
- `reading`: a searcher over a generation, and the index a process keeps open.
"""
from __future__ import annotations

from kennisbank.index import query
from kennisbank.index.engine import ENGINE_VAR, ENGINES, Generation, Hit, Searcher, Writer, built_by, chosen
from kennisbank.index.fields import TAG_FIELDS, passage_fields, stored_passage
from kennisbank.index.generations import (
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
from kennisbank.index.reading import OpenIndex, indexed_documents, searcher
from kennisbank.index.writing import delete_document, replace_document, writer

__all__ = ["query", "ENGINE_VAR", "ENGINES", "Generation", "Hit", "Searcher", "Writer", "built_by", "chosen",
           "TAG_FIELDS", "passage_fields", "stored_passage", "RULES_FILE", "TAGS_FILE", "IndexDamagedError",
           "activate", "building", "discard", "exists", "expected", "new_index", "open_index", "rules_fingerprint",
           "stale_rules", "stale_tags", "tags_version", "LOCK_TIMEOUT", "LOCK_TIMEOUT_VAR", "BusyError",
           "lock_timeout", "write_lock", "OpenIndex", "indexed_documents", "searcher", "delete_document",
           "replace_document", "writer"]
