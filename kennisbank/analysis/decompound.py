"""Dutch compound splitting: jeugdbeschermingsketen -> jeugd | bescherming | keten, from a word-frequency dictionary.

The fewest-parts split over wordfreq's 100,000 most frequent Dutch words plus the corpus vocabulary, with the
rules of nl/samenstellingen.toml (blocked parts, heads that are suffixes, words never split).
"""
from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import pickle
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kennisbank.analysis.fold import fold
from kennisbank.analysis.wordlists import DATA, stem_exceptions, stopwords

log = logging.getLogger(__name__)

DICTIONARY_SIZE = 100_000  # the most frequent Dutch words (wordfreq) that compounds are split into
EXTRA_RANK = 20_000  # the rank of a caller's extra word (domain vocabulary) that wordfreq ranks lower
MAX_RANK = {4: 8_000, 5: 25_000, 6: 40_000}  # rarer short words are no trusted part (stag, flexi)
MIN_PART = 3
MIN_SPLIT = 6
MAX_SPLIT = 40  # longer "words" are junk (URLs, glued text); not worth a split
LINKERS = ("", "s", "e", "en")
CACHE_VERSION = 1
_config: dict = {"extra": None, "cache": None}


def split_compound(word: str) -> list[str]:
    """The parts of a Dutch compound (linking -s-, -e-, -en- dropped); [] when it is none.

    >>> split_compound("jeugdbeschermingsketen"), split_compound("gebiedsteam"), split_compound("gezin")
    (['jeugd', 'bescherming', 'keten'], ['gebied', 'team'], [])
    """
    word = fold(word)
    return [word[s:e] for s, e in _kept(word, _atoms(word))]


def _kept(word: str, spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Parts with their -s back where the stemmer keeps that word whole (gegevens|deling, not gegeven|deling).

    >>> split_compound("gegevensdeling")
    ['gegevens', 'deling']
    """
    keep = stem_exceptions()[1]
    return tuple((s, e + 1) if word.startswith("s", e) and word[s:e + 1] in keep else (s, e) for s, e in spans)


@functools.lru_cache(maxsize=50_000)
def compound_forms(word: str) -> tuple[str, ...]:
    """What a folded word adds to the index: parts, sub-compounds, the compound without -heid; 'mda' for 'mda++'.

    >>> compound_forms("ervaringsdeskundigheid")
    ('ervaring', 'deskundigheid', 'ervaringsdeskundig')
    """
    if word.endswith("+"):
        base = word.rstrip("+")
        return (base,) if len(base) > 1 else ()
    atoms = _kept(word, _atoms(word))
    if not atoms:
        return ()
    forms = [word[s:e] for s, e in atoms]
    last = len(atoms) - 1
    forms += [word[atoms[i][0]:atoms[j][1]] for i in range(last + 1) for j in range(i + 1, last + 1)
              if (i, j) != (0, last)]
    lex, (s, e) = _lexicon(), atoms[-1]
    forms += [word[:-len(x)] for x in lex.suffixes if word.endswith(x) and lex.part_rank(word[s:e - len(x)])]
    return tuple(dict.fromkeys(f for f in forms if f != word))


@functools.lru_cache(maxsize=50_000)
def _atoms(word: str) -> tuple[tuple[int, int], ...]:
    """Start and end of each smallest part: the fewest-parts split, each part split again.

    The whole word must be rarer than its parts (geometric mean of ranks), so that a
    common word (beleid, verschillende) is not cut into rare look-alikes.
    """
    lex = _lexicon()
    if not MIN_SPLIT <= len(word) <= MAX_SPLIT or not word.isalpha() or word in lex.never:
        return ()
    best = _fewest_parts(word, lex)
    if best is None:
        return ()
    count, cost, spans = best
    if math.exp(cost / count) > lex.ranks.get(word, math.inf):
        return ()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        inner = _atoms(word[s:e])
        out.extend([(s + a, s + b) for a, b in inner] or [(s, e)])
    return tuple(out)


def _fewest_parts(word: str, lex: _Lexicon) -> tuple[int, float, tuple[tuple[int, int], ...]] | None:
    """The split into the fewest (>= 2) known parts, ties to the more frequent parts."""
    n = len(word)
    best: list[tuple[int, float, tuple[tuple[int, int], ...]] | None] = [None] * (n + 1)
    for i in range(n - MIN_PART, -1, -1):
        for e in range(i + MIN_PART, n + 1 if i else n):
            rank = lex.part_rank(word[i:e])
            if rank is None:
                continue
            cost = math.log(rank)
            if e == n:
                if word[i:] in lex.no_head:
                    continue
                cand = (1, cost, ((i, e),))
            else:  # a linker may not make a blocked word: buit+en+gewoon is buiten+gewoon
                rest = [best[e + len(k)] for k in LINKERS if word.startswith(k, e) and e + len(k) < n
                        and (not k or word[i:e + len(k)] not in lex.blocked)]
                rest = [r for r in rest if r is not None]
                if not rest:
                    continue
                tail = min(rest, key=lambda r: r[:2])
                cand = (tail[0] + 1, tail[1] + cost, ((i, e),) + tail[2])
            if best[i] is None or cand[:2] < best[i][:2]:
                best[i] = cand
    return best[0]


@dataclass(frozen=True)
class _Lexicon:
    """The compound dictionary: folded word -> frequency rank, plus the rules from samenstellingen.toml."""

    ranks: dict[str, int]
    blocked: frozenset[str]
    no_head: frozenset[str]
    short: frozenset[str]
    never: frozenset[str]
    suffixes: tuple[str, ...]

    def part_rank(self, part: str) -> int | None:
        """The rank of a word that may be a compound part, else None."""
        rank = self.ranks.get(part)
        if rank is None or rank > MAX_RANK.get(len(part), DICTIONARY_SIZE) or part in self.blocked:
            return None
        return rank if len(part) > 3 or part in self.short else None


def configure(extra_words: Iterable[str] | None = None, cache: Path | str | None = None) -> None:
    """Set the compound dictionary: extra words (the corpus vocabulary) and a pickle cache file.

    Use the same dictionary at index and query time: at index time pass the vocabulary and
    a cache path next to the index, at query time the same path alone (loads in ~40 ms).
    """
    _config["extra"] = None if extra_words is None else sorted({fold(w) for w in extra_words})
    _config["cache"] = Path(cache) if cache else None
    for cached in (_lexicon, _atoms, compound_forms):
        cached.cache_clear()


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The compound dictionary, from the cache when it fits, else built from wordfreq."""
    rules = tomllib.loads((DATA / "samenstellingen.toml").read_text(encoding="utf-8"))
    extra, cache = _config["extra"], _config["cache"]
    digest = None if extra is None else hashlib.sha256("\n".join(extra).encode()).hexdigest()
    ranks = _read_cache(cache, digest) if cache else None
    if ranks is None:
        ranks = _build_ranks(extra or ())
        if cache:
            _write_cache(cache, {"version": CACHE_VERSION, "extra": digest, "ranks": ranks})
    return _Lexicon(ranks, frozenset(rules["blokkeer"]) | stopwords(), frozenset(rules["geen_kern"]),
                    frozenset(rules["korte_delen"]),
                    frozenset(rules["niet_splitsen"]), tuple(rules["achtervoegsels"]))


def _build_ranks(extra: Iterable[str]) -> dict[str, int]:
    """Folded alphabetic words of >= 3 letters from wordfreq's Dutch list with their rank, plus extras."""
    import wordfreq  # ~0.3 s: only when a split is really needed

    ranks: dict[str, int] = {}
    for rank, word in enumerate(wordfreq.top_n_list("nl", DICTIONARY_SIZE), 1):
        word = fold(word)
        if len(word) >= MIN_PART and word.isalpha() and word.isascii():
            ranks.setdefault(word, rank)
    for word in extra:
        if len(word) >= 5 and word.isalpha() and word.isascii():
            ranks[word] = min(ranks.get(word, EXTRA_RANK), EXTRA_RANK)
    log.info("compound dictionary built: %d words", len(ranks))
    return ranks


def _read_cache(path: Path, digest: str | None) -> dict[str, int] | None:
    """The cached ranks if the file exists and matches (digest None: any extra words)."""
    try:
        with path.open("rb") as f:
            stored = pickle.load(f)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError) as exc:
        log.warning("compound dictionary cache %s unreadable, rebuilding: %s", path, exc)
        return None
    if not isinstance(stored, dict) or stored.get("version") != CACHE_VERSION:
        return None
    if digest is not None and stored.get("extra") != digest:
        return None
    return stored.get("ranks")


def _write_cache(path: Path, data: dict) -> None:
    """Write the cache atomically; a failure only costs speed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write compound dictionary cache %s: %s", path, exc)
        tmp.unlink(missing_ok=True)
