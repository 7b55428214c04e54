"""Dutch text analysis for search: tokenizing, folding, stop words, stemming and compound splitting.

The same whoosh chain runs at index and at query time. Its filters hold no word lists
(whoosh pickles the analyzer into the index): the lists live in kennisbank/nl/ and in
module-level caches that load on first use.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import pickle
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

log = logging.getLogger(__name__)

DATA = Path(__file__).with_name("nl")
DICTIONARY_SIZE = 100_000  # the most frequent Dutch words (wordfreq) that compounds are split into
EXTRA_RANK = 20_000  # the rank of a caller's extra word (domain vocabulary) that wordfreq ranks lower
MAX_RANK = {4: 8_000, 5: 25_000, 6: 40_000}  # rarer short words are no trusted part (stag, flexi)
MIN_PART = 3
MIN_SPLIT = 6
MAX_SPLIT = 40  # longer "words" are junk (URLs, glued text); not worth a split
LINKERS = ("", "s", "e", "en")
CACHE_VERSION = 1
ANALYSIS_VERSION = 2  # raise when the rules below change how text is indexed
_VOWELS = frozenset("aeiouy")
_TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u00ad\u0300-\u036f])*(?:\+(?:\s?\+)*|['’]s(?![^\W_]))?")
_JUNK = re.compile(r"[\s\u00ad]+|['’]s$")
_LONG_VOWEL = re.compile(r"(aa|ee|oo|uu)(?=[^aeiou]$)")
_config: dict = {"extra": None, "cache": None}


def fold(text: str) -> str:
    """Lowercase and strip diacritics.

    >>> fold("Cliënt, Coördinator, één")
    'client, coordinator, een'
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("\u00ad", ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class WordTokenizer(Tokenizer):
    """Runs of letters and digits; "GI's" loses its 's and "MDA+ +" is read as "MDA++".

    >>> [t.text for t in WordTokenizer()("GI's, MDA+ + volwassenen-GGZ 0-100")]
    ['GI', 'MDA++', 'volwassenen', 'GGZ', '0', '100']
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs) -> Iterator[Token]:
        """Yield one reused Token per word, as whoosh tokenizers do."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = ((m.start(), m.end()) for m in _TOKEN.finditer(value)) if tokenize else [(0, len(value))]
        for pos, (start, end) in enumerate(spans):
            text = value[start:end]
            t.text = text if text.isalnum() or not tokenize else _JUNK.sub("", text)
            t.boost, t.stopped = 1.0, False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class FoldFilter(Filter):
    """Lowercase and strip diacritics.

    >>> [t.text for t in FoldFilter()(WordTokenizer()("Cliënt één GGZ"))]
    ['client', 'een', 'ggz']
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Fold each token's text."""
        for t in tokens:
            t.text = fold(t.text)
            yield t


class DutchStopFilter(Filter):
    """Drop stop words (nl/stopwoorden.txt, single letters) and renumber positions so phrases still match.

    >>> [(t.text, t.pos) for t in DutchStopFilter()(WordTokenizer()("raad voor de kinderbescherming", positions=True))]
    [('raad', 0), ('kinderbescherming', 1)]
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Yield the other words; stop words too, marked stopped, when removestops is off."""
        stops, pos = _stopwords(), None
        for t in tokens:
            if t.text in stops or (len(t.text) == 1 and t.text.isalpha()):
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                pos = t.pos if pos is None else pos + 1
                t.pos = pos
            t.stopped = False
            yield t


class DecompoundFilter(Filter):
    """At index time, follow a compound with its parts and sub-compounds at the same position.

    Query-time tokens pass alone: `query_forms` gives the parts of a query word.

    >>> [t.text for t in DecompoundFilter()(WordTokenizer()("jeugdbeschermingsketen", mode="index"))]
    ['jeugdbeschermingsketen', 'jeugd', 'bescherming', 'keten', 'jeugdbescherming', 'beschermingsketen']
    >>> [t.text for t in DecompoundFilter()(WordTokenizer()("jeugdbeschermingsketen", mode="query"))]
    ['jeugdbeschermingsketen']
    """

    def __init__(self, keep_whole: bool = True):
        self.keep_whole = keep_whole

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Yield each token (unless keep_whole is off), then (index mode) its extra forms."""
        for t in tokens:
            text = t.text
            if self.keep_whole:
                yield t
            if t.mode == "query" or t.stopped or len(text) < MIN_SPLIT and not text.endswith("+"):
                continue
            for form in compound_forms(text):
                t.text = form
                yield t


class DutchStemFilter(Filter):
    """Replace each token by its `stem`.

    >>> [t.text for t in DutchStemFilter()(WordTokenizer()("gezinnen kinderen gevallen jaren"))]
    ['gezin', 'kind', 'geval', 'jar']
    """

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        """Stem each token's text."""
        for t in tokens:
            t.text = _stem(t.text)
            yield t


def text_analyzer() -> CompositeAnalyzer:
    """Tokenize | fold | stop words | decompound | stem: for the fields text, title and section.

    >>> [t.text for t in text_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheidingsconflict', 'scheiding', 'conflict', 'gi']
    """
    return WordTokenizer() | FoldFilter() | DutchStopFilter() | DecompoundFilter() | DutchStemFilter()


def whole_analyzer() -> CompositeAnalyzer:
    """Tokenize | fold | stop words | stem, without compound parts: the text field, where a word counts in full.

    >>> [t.text for t in whole_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheidingsconflict', 'gi']
    """
    return WordTokenizer() | FoldFilter() | DutchStopFilter() | DutchStemFilter()


def parts_analyzer() -> CompositeAnalyzer:
    """Only the parts and sub-compounds of compounds, stemmed: a field where a part match counts less.

    >>> [t.text for t in parts_analyzer()("De scheidingsconflicten van GI's", mode="index")]
    ['scheiding', 'conflict']
    """
    return WordTokenizer() | FoldFilter() | DutchStopFilter() | DecompoundFilter(keep_whole=False) | DutchStemFilter()


def exact_analyzer() -> CompositeAnalyzer:
    """Tokenize | fold, nothing else: for "quoted phrases" and spelling suggestions.

    >>> [t.text for t in exact_analyzer()("De Gezinnen, MDA+ +")]
    ['de', 'gezinnen', 'mda++']
    """
    return WordTokenizer() | FoldFilter()


@dataclass(frozen=True)
class QueryWord:
    """One query word as the text field indexes it: its stem and, for a compound, its stemmed parts."""

    original: str
    stem: str
    parts: tuple[str, ...] = ()
    stopword: bool = False

    @property
    def terms(self) -> set[str]:
        """Every index term the word may match (the parts only all together)."""
        return {self.stem, *self.parts} - {""}


def query_forms(word: str) -> QueryWord:
    """The index terms of one query word; a word that tokenizes in pieces counts as their compound.

    >>> query_forms("Huisverbod")
    QueryWord(original='Huisverbod', stem='huisverbod', parts=('huis', 'verbod'), stopword=False)
    >>> query_forms("volwassenen-GGZ").parts
    ('volwas', 'ggz')
    """
    tokens = [fold(t.text) for t in WordTokenizer()(word)]
    if not tokens:
        return QueryWord(word, "")
    if len(tokens) > 1:
        parts = tuple(dict.fromkeys(_stem(t) for t in tokens if not is_stopword(t)))
        return QueryWord(word, _stem("".join(tokens)), parts)
    parts = tuple(dict.fromkeys(_stem(p) for p in split_compound(tokens[0])))
    return QueryWord(word, _stem(tokens[0]), parts, is_stopword(tokens[0]))


def is_stopword(word: str) -> bool:
    """Whether the text field leaves the word out (a stop word or a single letter).

    >>> is_stopword("Één"), is_stopword("gezin"), is_stopword("s")
    (True, False, True)
    """
    word = fold(word)
    return word in _stopwords() or (len(word) == 1 and word.isalpha())


def stem(word: str) -> str:
    """The Dutch stem: plural and adjective endings off, so inflected forms meet.

    >>> [stem(w) for w in ("gemeenten", "gemeentes", "lokaal", "lokale", "mogelijkheden", "Cliënten")]
    ['gemeent', 'gemeent', 'lokal', 'lokal', 'mogelijkheid', 'client']
    """
    return _stem(fold(word))


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """Stem a folded word: strip endings until none applies, then normalise the final syllable."""
    lemma, keep = _exceptions()
    word = lemma.get(word, word)
    if len(word) < 3 or not word.isalpha() or word in keep:
        return word
    original = word
    while (shorter := _strip(word)) is not None and len(shorter) >= 3:
        word = lemma.get(shorter, shorter)
        if word in keep:
            return word
    word = _end(word) if word != original else word
    return _LONG_VOWEL.sub(lambda m: m.group()[0], word)


def _strip(w: str) -> str | None:
    """One inflection step off: -heden, plural -s, plural or verb -en, adjective -e; None if none fits."""
    n = len(w)
    if n > 7 and w.endswith("heden"):
        return w[:-5] + "heid"
    if n >= 5 and w[-1] == "s":
        p = w[-2]
        if (p not in _VOWELS and p not in "stj") or (p == "e" and w[-3] != "e") or w.endswith("eaus"):
            return w[:-1]
        return None
    if n >= 5 and w.endswith("en"):
        if w[-3] not in _VOWELS or w.endswith(("eeen", "ieen", "oeen")):
            return _end(w[:-2])
        return None
    if n >= 4 and w[-1] == "e" and w[-2] != "e":
        return _end(w[:-1])
    return None


def _end(w: str) -> str:
    """Undouble a final consonant (gezinn) and turn a final z or v into s or f (huiz, briev)."""
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in _VOWELS:
        w = w[:-1]
    if w[-1] in "zv":
        w = w[:-1] + ("s" if w[-1] == "z" else "f")
    return w


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
    keep = _exceptions()[1]
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


def fingerprint() -> str:
    """A short hash of the analysis rules and word lists: an index built under another one needs a rebuild."""
    digest = hashlib.sha256(str(ANALYSIS_VERSION).encode())
    for path in sorted(DATA.glob("*.t*")):  # stopwoorden.txt and the .toml tables
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


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
    return _Lexicon(ranks, frozenset(rules["blokkeer"]) | _stopwords(), frozenset(rules["geen_kern"]),
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


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """The stop words from nl/stopwoorden.txt."""
    lines = (DATA / "stopwoorden.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w.strip()) for w in lines if w.strip() and not w.startswith("#"))


@functools.lru_cache(maxsize=1)
def _exceptions() -> tuple[dict[str, str], frozenset[str]]:
    """From nl/stam_uitzonderingen.toml: word -> base form, and the words the stemmer leaves alone."""
    table = tomllib.loads((DATA / "stam_uitzonderingen.toml").read_text(encoding="utf-8"))
    return dict(table["grondvorm"]), frozenset(table["behoud"]["woorden"])
