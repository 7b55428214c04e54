"""What a search asks of the index, in its own small vocabulary: the engine translates it to its library.

Fields are those of `fields`; texts are index terms (stems as the analysis chains make them).

>>> str(Or([Term("text", "gezin", boost=2.0), Phrase("text", ["lokal", "team"], slop=2)]))
'(text:gezin^2.0 OR text:"lokal team"~2)'
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


class Node:
    """A query over passages."""

    boost: float = 1.0

    def with_boost(self, boost: float) -> Node:
        """A copy with this boost (replacing the old one, as whoosh's with_boost does)."""
        return replace(self, boost=boost)


def _boost(node: Node) -> str:
    return f"^{node.boost}" if node.boost != 1.0 else ""


@dataclass(frozen=True)
class Term(Node):
    """Passages with this term in this field (a keyword or boolean field: this value)."""

    field: str
    text: Any
    boost: float = 1.0

    def __str__(self) -> str:
        return f"{self.field}:{self.text}{_boost(self)}"


@dataclass(frozen=True)
class Phrase(Node):
    """Passages with these terms in this order, each at most `slop` positions after the one before."""

    field: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0

    def __init__(self, field: str, words: list[str] | tuple[str, ...], slop: int = 1, boost: float = 1.0):
        for name, value in (("field", field), ("words", tuple(words)), ("slop", slop), ("boost", boost)):
            object.__setattr__(self, name, value)

    def __str__(self) -> str:
        return f'{self.field}:"{" ".join(self.words)}"' + (f"~{self.slop}" if self.slop > 1 else "") + _boost(self)


@dataclass(frozen=True)
class And(Node):
    """Passages that match every part."""

    parts: tuple[Node, ...]
    boost: float = 1.0

    def __init__(self, parts: list[Node] | tuple[Node, ...], boost: float = 1.0):
        object.__setattr__(self, "parts", tuple(parts))
        object.__setattr__(self, "boost", boost)

    def __str__(self) -> str:
        return "(" + " AND ".join(map(str, self.parts)) + ")" + _boost(self)


@dataclass(frozen=True)
class Or(Node):
    """Passages that match any part, scored by the sum of the parts they match."""

    parts: tuple[Node, ...]
    boost: float = 1.0

    def __init__(self, parts: list[Node] | tuple[Node, ...], boost: float = 1.0):
        object.__setattr__(self, "parts", tuple(parts))
        object.__setattr__(self, "boost", boost)

    def __str__(self) -> str:
        return "(" + " OR ".join(map(str, self.parts)) + ")" + _boost(self)


@dataclass(frozen=True)
class AndMaybe(Node):
    """Passages that match `required`, scored higher when they also match `optional`."""

    required: Node
    optional: Node

    def __str__(self) -> str:
        return f"({self.required} ANDMAYBE {self.optional})"


@dataclass(frozen=True)
class AndNot(Node):
    """Passages that match `positive` and not `negative`."""

    positive: Node
    negative: Node

    def __str__(self) -> str:
        return f"({self.positive} ANDNOT {self.negative})"


@dataclass(frozen=True)
class Constant(Node):
    """Passages that match `child`, all with the same score."""

    child: Node
    score: float = 1.0

    def __str__(self) -> str:
        return f"{self.child}={self.score}"


@dataclass(frozen=True)
class Every(Node):
    """Every passage."""

    def __str__(self) -> str:
        return "*"


@dataclass(frozen=True)
class Nothing(Node):
    """No passage."""

    def __str__(self) -> str:
        return "<nothing>"


def any_of(parts: list[Node]) -> Node | None:
    """One node for alternatives: None for none, the node itself for one, else their Or.

    >>> any_of([]), str(any_of([Term("a", "b")]))
    (None, 'a:b')
    """
    return (Or(parts) if len(parts) > 1 else parts[0]) if parts else None


def all_of(parts: list[Node]) -> Node:
    """One node that needs every part: the part itself for one, else their And."""
    return And(parts) if len(parts) > 1 else parts[0]


__all__ = ["Node", "Term", "Phrase", "And", "Or", "AndMaybe", "AndNot", "Constant", "Every", "Nothing",
           "any_of", "all_of"]
