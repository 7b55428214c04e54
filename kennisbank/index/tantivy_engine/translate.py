"""Query nodes as tantivy queries, one node type to one tantivy construction.

Scores follow whoosh's: an Or sums the parts that match, an And sums them all, AndMaybe adds the optional part
where it matches; a phrase's slop counts as whoosh counts it (1 is adjacent, tantivy's 0).
"""
from __future__ import annotations

from functools import singledispatch
from typing import Any

import tantivy

from kennisbank.index import query as N

Q, Occur = tantivy.Query, tantivy.Occur


def to_tantivy(node: N.Node, schema: tantivy.Schema) -> Any:
    """The tantivy query for a node."""
    q = _translate(node, schema)
    boost = getattr(node, "boost", 1.0)
    return q if boost == 1.0 else Q.boost_query(q, boost)


@singledispatch
def _translate(node: N.Node, schema: tantivy.Schema) -> Any:
    raise TypeError(f"no tantivy query for {type(node).__name__}")


@_translate.register
def _(node: N.Term, schema: tantivy.Schema) -> Any:
    return Q.term_query(schema, node.field, node.text)


@_translate.register
def _(node: N.Phrase, schema: tantivy.Schema) -> Any:
    if len(node.words) == 1:
        return Q.term_query(schema, node.field, node.words[0])
    return Q.phrase_query(schema, node.field, list(node.words), slop=max(0, node.slop - 1))


@_translate.register
def _(node: N.And, schema: tantivy.Schema) -> Any:
    return Q.boolean_query([(Occur.Must, to_tantivy(p, schema)) for p in node.parts])


@_translate.register
def _(node: N.Or, schema: tantivy.Schema) -> Any:
    return Q.boolean_query([(Occur.Should, to_tantivy(p, schema)) for p in node.parts])


@_translate.register
def _(node: N.AndMaybe, schema: tantivy.Schema) -> Any:
    return Q.boolean_query([(Occur.Must, to_tantivy(node.required, schema)),
                            (Occur.Should, to_tantivy(node.optional, schema))])


@_translate.register
def _(node: N.AndNot, schema: tantivy.Schema) -> Any:
    return Q.boolean_query([(Occur.Must, to_tantivy(node.positive, schema)),
                            (Occur.MustNot, to_tantivy(node.negative, schema))])


@_translate.register
def _(node: N.Constant, schema: tantivy.Schema) -> Any:
    return Q.const_score_query(to_tantivy(node.child, schema), node.score)


@_translate.register
def _(node: N.Every, schema: tantivy.Schema) -> Any:
    return Q.all_query()


@_translate.register
def _(node: N.Nothing, schema: tantivy.Schema) -> Any:
    return Q.empty_query()


def within(q: N.Node | None, filter: N.Node | None, schema: tantivy.Schema) -> Any:
    """q (every passage when None) restricted to filter, scored by q alone."""
    query = to_tantivy(q or N.Every(), schema)
    if filter is None:
        return query
    return Q.boolean_query([(Occur.Must, query), (Occur.Must, Q.const_score_query(to_tantivy(filter, schema), 0.0))])
