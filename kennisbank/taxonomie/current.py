"""Which taxonomy is in effect: the package's with the layer of the data dir at hand, and caches per version.

A CLI run, a web request, a job or a library call on a data dir sets that dir's layer (`using`, `use`,
`with_data_layer`); `load()` then gives its taxonomy, read again only when a layer file changed (also by another
process). What is derived from the taxonomy is cached with `per_version`, keyed on the version in effect, so
every cache follows a change at the next look-up and nothing needs clearing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import lru_cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kennisbank.taxonomie import layers

if TYPE_CHECKING:
    from kennisbank.taxonomie import Taxonomie

F = TypeVar("F", bound=Callable[..., Any])
_layer: ContextVar[Path | None] = ContextVar("taxonomie_layer", default=None)


def load(data: Any = None) -> Taxonomie:
    """The taxonomy in effect: the package's files with the layer of a data dir applied (data's, else the one
    `using` or `use` set, else none); read again only when a file of the layer changed, also in another process.
    """
    layer = data.taxonomie if data is not None else _layer.get()
    from kennisbank import taxonomie

    stamp = layers.stamp(layer)
    return _load(taxonomie.DATA_DIR, layer if stamp else None, stamp)  # no layer files: the package's own


@lru_cache(maxsize=16)
def _load(package: Path, layer: Path | None, stamp: tuple) -> Taxonomie:
    """build(), once per state of the layer's files."""
    from kennisbank.taxonomie import build

    return build(package, layer)


@contextmanager
def using(data: Any) -> Iterator[None]:
    """Within this block (and this thread), load() applies the layer of this data dir."""
    token = _layer.set(data.taxonomie)
    try:
        yield
    finally:
        _layer.reset(token)


def use(layer: Path | None) -> Token:
    """From now on, in this thread, load() applies this layer folder (a process or thread that serves one data
    dir: the CLI, a job worker, a bulk worker process, a web request); restore(token) ends it."""
    return _layer.set(layer)


def restore(token: Token) -> None:
    """The layer in effect before use() gave this token."""
    _layer.reset(token)


def with_data_layer(fn: F) -> F:
    """Run fn(data_or_owner, ...) with the taxonomy of that data dir in effect (its first argument, or its .data)."""
    @wraps(fn)
    def wrapper(first: Any, *args: Any, **kwargs: Any) -> Any:
        with using(getattr(first, "data", first)):
            return fn(first, *args, **kwargs)
    return wrapper  # type: ignore[return-value]


def per_version(maxsize: int = 4) -> Callable[[F], F]:
    """Like functools.lru_cache, with the version of the taxonomy in effect in the key: what is derived from the
    taxonomy (matchers, look-up tables) follows a change without a restart, and is built once per version."""
    def decorate(fn: F) -> F:
        keyed = lru_cache(maxsize=maxsize)(lambda version, *args: fn(*args))

        @wraps(fn)
        def wrapper(*args: Any) -> Any:
            return keyed(load().version, *args)
        wrapper.cache_clear = keyed.cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = keyed.cache_info  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]
    return decorate
