"""Query nodes as whoosh queries, one node type to one whoosh query type.

>>> from kennisbank.index import query as N
>>> to_whoosh(N.AndNot(N.Or([N.Term("text", "gezin"), N.Phrase("text", ["lokal", "team"], slop=2)]),
...                    N.Term("exact", "tilburg")))
AndNot((Or([Term('text', 'gezin'), Phrase('text', ['lokal', 'team'], slop=2, boost=1.000000)]),
        Term('exact', 'tilburg')))
"""
from __future__ import annotations

from functools import singledispatch
from typing import Any

from whoosh import query as Q

from kennisbank.index import query as N


@singledispatch
def to_whoosh(node: N.Node) -> Any:
    """The whoosh query for a node."""
    raise TypeError(f"no whoosh query for {type(node).__name__}")


@to_whoosh.register
def _(node: N.Term) -> Q.Query:
    return Q.Term(node.field, node.text, boost=node.boost)


@to_whoosh.register
def _(node: N.Phrase) -> Q.Query:
    return Q.Phrase(node.field, list(node.words), slop=node.slop, boost=node.boost)


@to_whoosh.register
def _(node: N.And) -> Q.Query:
    return Q.And([to_whoosh(p) for p in node.parts], boost=node.boost)


@to_whoosh.register
def _(node: N.Or) -> Q.Query:
    return Q.Or([to_whoosh(p) for p in flat_parts(node)], boost=node.boost)


def flat_parts(node: N.Or) -> list[N.Node]:
    """The parts of an OR with the parts of ORs within it taken up (their boost multiplied into each part): the
    same sum of scores, without a matcher per nested OR in every segment (a fifth of stage 1 at ×100).

    >>> [str(p) for p in flat_parts(N.Or([N.Term("text", "a"), N.Or([N.Term("text", "b", boost=0.5),
    ...       N.Or([N.Term("parts", "c")])], boost=2.0), N.Constant(N.Term("thema", "t"), score=3.0)]))]
    ['text:a', 'text:b', 'parts:c^2.0', 'thema:t=3.0']
    """
    out: list[N.Node] = []
    for part in node.parts:
        if not isinstance(part, N.Or):
            out.append(part)
            continue
        inner = flat_parts(part)
        if part.boost == 1.0:
            out.extend(inner)
        elif all(isinstance(p, (N.Term, N.Phrase, N.Or)) for p in inner):  # parts that carry a boost
            out.extend(p.with_boost(p.boost * part.boost) for p in inner)
        else:
            out.append(N.Or(inner, boost=part.boost))
    return out


@to_whoosh.register
def _(node: N.AndMaybe) -> Q.Query:
    return Q.AndMaybe(to_whoosh(node.required), to_whoosh(node.optional))


@to_whoosh.register
def _(node: N.AndNot) -> Q.Query:
    return Q.AndNot(to_whoosh(node.positive), to_whoosh(node.negative))


@to_whoosh.register
def _(node: N.Constant) -> Q.Query:
    return Q.ConstantScoreQuery(to_whoosh(node.child), score=node.score)


@to_whoosh.register
def _(node: N.Every) -> Q.Query:
    return Q.Every()


@to_whoosh.register
def _(node: N.Nothing) -> Q.Query:
    return Q.NullQuery
