"""Spelling: "Bedoelde u" for a query word the index does not hold, and the corrected query to search."""
from __future__ import annotations

import os

from kennisbank.analysis import is_stopword, query_forms
from kennisbank.index import Searcher
from kennisbank.search.analyse import AnalysedQuery, Word

SHORT = 5  # a word of up to this many letters is corrected by one edit at most (two would change half of it)


def suggest(s: Searcher, query: AnalysedQuery) -> tuple[str | None, list[list[str]] | None]:
    """The suggestion to show (None when every word is fine), and the clauses' words to search instead when the
    index cannot find a word at all (a slip in a word it finds by its stem, "voorkommen", is only pointed out)."""
    searched = suggested = False
    shown, search_words = [], []
    for clause in query.clauses:
        words, to_search = [], []
        for word in clause.words:
            fix, search_it = correction(s, word)
            words.append(fix or word.text)
            to_search.append(fix if search_it else word.text)
            suggested, searched = suggested or bool(fix), searched or search_it
        shown.append(words)
        search_words.append(to_search)
    if not suggested:
        return None, None
    return " ".join(" ".join(w) for w in shown), search_words if searched else None


def correction(s: Searcher, word: Word) -> tuple[str | None, bool]:
    """The vocabulary word to suggest for a query word (None when it is fine), and whether to search it instead."""
    folded = word.folded
    if len(folded) < 4 or not folded.isalpha() or is_stopword(word.text) or s.doc_frequency("exact", folded):
        return None, False
    if not _known(s, word):
        fix = _closest(s, folded)
        return fix, fix is not None
    return _slip(s, folded, word.form.stem), False


def _known(s: Searcher, word: Word) -> bool:
    """Whether the index can find a word it does not hold as written: by its stem, (a compound) by its parts, or
    by a word of the same root ("opschalen" as "op te schalen")."""
    form = word.form
    return bool(s.doc_frequency("text", form.stem)) or bool(word.derived or word.same_root) or bool(
        form.parts and all(s.doc_frequency("text", p) or s.doc_frequency("parts", p) for p in form.parts))


def _closest(s: Searcher, word: str) -> str | None:
    """The most frequent vocabulary word within edit distance 1, else 2 (one for a short word, as Lucene's AUTO
    fuzziness: "kiest" is not "kent"), sharing the first letter; a swap of two letters is one edit."""
    for dist in (1, 2) if len(word) > SHORT else (1,):
        candidates = [w for w in s.terms_within("exact", word, dist, prefix=1) if w != word]
        if candidates:
            return max(candidates, key=lambda w: (s.doc_frequency("exact", w), w))
    return None


def _slip(s: Searcher, word: str, stem: str) -> str | None:
    """A vocabulary word one edit away with the same stem, differing before its last letters: a typing slip
    ("voorkommen" for voorkomen) rather than another form of the word ("beschermingstafels", "betrek")."""
    for other in sorted(s.terms_within("exact", word, 1, prefix=1)):
        if other != word and query_forms(other).stem == stem and \
                len(os.path.commonprefix([word, other])) < min(len(word), len(other)) - 1:
            return other
    return None
