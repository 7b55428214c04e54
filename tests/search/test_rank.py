"""Result shaping after the ranking: spread over documents, near-duplicates down, at most three per section."""
from __future__ import annotations

from kennisbank.search import rank


class Hit(dict):
    """The two things rank reads from a whoosh Hit: stored fields by key and a score."""

    def __init__(self, score: float, doc: str, section: str = "s", text: str = "", name: str = ""):
        super().__init__(document_id=doc, section=section, text=text or f"eigen tekst {name or score}")
        self.score = score
        self.name = name or f"{doc}:{score}"


def _names(hits) -> list[str]:
    return [h.name for h in hits]


def test_overlap_is_relative_to_the_smaller_set():
    assert rank.overlap(frozenset("ab"), frozenset("abcdef")) == 1.0
    assert rank.overlap(frozenset(), frozenset("ab")) == 0.0
    assert rank.overlap(frozenset("ab"), frozenset("cd")) == 0.0


def _score(hit: Hit) -> float:
    return hit.score


def test_spread_lets_another_document_through_after_a_run_of_one():
    hits = [Hit(10, "a", name="a1"), Hit(9.5, "a", name="a2"), Hit(9.4, "a", name="a3"), Hit(9, "b", name="b1")]
    assert _names(rank.spread(hits, _score, same_document=1.0)) == ["a1", "b1", "a2", "a3"]
    assert _names(rank.spread(hits, _score, same_document=0.0)) == ["a1", "a2", "a3", "b1"]


def test_spread_keeps_a_clearly_better_hit_first():
    hits = [Hit(10, "a", name="a1"), Hit(9.9, "a", name="a2"), Hit(2, "b", name="b1")]
    assert _names(rank.spread(hits, _score, same_document=1.0)) == ["a1", "a2", "b1"]


def test_spread_pushes_a_near_duplicate_down():
    same = "de gemeente meet elk kwartaal de wachttijd van gezinnen in het lokale team"
    hits = [Hit(10, "a", text=same, name="orig"), Hit(9.9, "b", text=same + " opnieuw", name="kopie"),
            Hit(8, "c", text="iets heel anders over de klantreis", name="ander")]
    assert _names(rank.spread(hits, _score, repeat=2.0)) == ["orig", "ander", "kopie"]
    assert _names(rank.spread(hits, _score, repeat=0.0)) == ["orig", "kopie", "ander"]


def test_near_duplicates_are_judged_on_content_words_not_stop_words():
    first = "Specifieke opdracht voor de proeftuin: verklarende analyse, koppeling volwassenen-GGZ en netwerkdossier"
    repeat = "Specifieke opdracht voor een andere proeftuin: verklarende analyse, koppeling volwassenen-GGZ"
    other = "Het is van belang dat het voor hen en voor ons om een en ander gaat met de gemeente"
    assert rank.overlap(rank._words(first), rank._words(repeat)) > rank.DUPLICATE_OVERLAP
    assert rank.overlap(rank._words(first), rank._words(other)) <= rank.DUPLICATE_OVERLAP
    assert "voor" not in rank._words(first) and "verklarende" in rank._words(first)


def test_spread_only_reorders_the_head_and_loses_nothing():
    hits = [Hit(100 - i, "a", name=f"h{i}") for i in range(50)]
    out = rank.spread(hits, _score, depth=10, same_document=5.0)
    assert sorted(_names(out)) == sorted(_names(hits))
    assert _names(out[10:]) == _names(hits[10:])


def test_cap_sections_moves_the_fourth_hit_of_a_section_out_of_the_top_ten():
    hits = [Hit(20 - i, "a", "s1", name=f"s1-{i}") for i in range(6)] + \
           [Hit(10 - i, "b", f"t{i}", name=f"t{i}") for i in range(10)]
    out = rank.cap_sections(hits)
    top = out[:10]
    assert sum(h["section"] == "s1" for h in top) == 3
    assert _names(top[:3]) == ["s1-0", "s1-1", "s1-2"]
    assert sorted(_names(out)) == sorted(_names(hits))  # held back, never dropped
    assert _names(out[10:13]) == ["s1-3", "s1-4", "s1-5"]


def test_cap_sections_counts_sections_per_document():
    hits = [Hit(10 - i, "doc0", "Inleiding", name=f"a{i}") for i in range(3)] + \
           [Hit(7 - i, "doc1", "Inleiding", name=f"b{i}") for i in range(3)] + \
           [Hit(4 - i, "doc2", f"Deel {i}", name=f"c{i}") for i in range(4)]
    assert _names(rank.cap_sections(hits)) == _names(hits)  # two documents' "Inleiding" are two sections


def test_cap_sections_with_fewer_hits_than_the_window():
    hits = [Hit(5, "a", "s", name="x"), Hit(4, "a", "s", name="y")]
    assert _names(rank.cap_sections(hits)) == ["x", "y"] and rank.cap_sections([]) == []
