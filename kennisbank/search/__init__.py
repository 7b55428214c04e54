"""Search: from what a professional types to ranked passages with snippets and facets.

A query flows one way through these modules:

1. `query.parse`: words, "phrases", -exclusions, OR-alternatives and field filters (never raises).
2. `analyse.analyse`: every query word analysed once (stem, compound parts, derived words the index holds) and
   the runs that name a taxonomy concept (an abbreviation and its long forms, a vraagstuk, a region).
3. `plan.plan`: the index queries (the candidates' `loose`, `matched`, `all_concepts`) and the terms to mark;
   `filters.filter_query` turns the filters into one index query; `spelling.suggest` offers "Bedoelde u".
4. `engine.Engine.search`: stage 1 runs `loose` on the index (kennisbank.index); stage 2 weighs each candidate:
   `concepts` (what the query asks for, and where a passage holds it) over `passage` (a passage's words as the
   index holds them) gives `features`, which `rerank` weighs with the fitted model (ranker.json); `rank`
   spreads the hits over documents and sections, `facets` counts values, `highlight` makes the snippets.

Beside the flow, `similar` finds the passages of other documents most like a given passage or document.
"""
