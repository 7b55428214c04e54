"""Dutch derivation: the stems of words made from the same root (vergoeden, vergoeding; deskundig, deskundigheid).

The stemmer joins inflected forms of one word; these rules reach related words of another kind. Search uses
them as weaker alternatives, and only those the index holds, so a rule that makes a non-word costs nothing.
"""
from __future__ import annotations

from kennisbank.analysis.stemmer import stem_folded

MIN_ROOT = 3
# particles that split off a Dutch verb ("opschalen": "op te schalen", "schalen we op")
PARTICLES = ("terug", "samen", "door", "over", "voor", "mee", "aan", "uit", "toe", "bij", "weg", "vast", "los", "op",
             "af", "in", "na", "om")


def derivations(stem: str) -> tuple[str, ...]:
    """Stems of words derived from the same root: verb and -ing noun, adjective and -heid noun, -atie and -eren,
    a past participle and its verb.

    >>> derivations("vergoed"), derivations("vergoeding"), derivations("deskundig")
    (('vergoeding',), ('vergoed',), ('deskundigheid',))
    >>> derivations("evaluati"), derivations("evaluer"), derivations("gedeeld")
    (('evaluer',), ('evaluati',), ('del',))
    >>> derivations("ggz"), derivations("rechtstatelijkheid"), derivations("opschal")
    ((), ('rechtstatelijk',), ('opschaling', 'schal'))
    """
    if not stem.isalpha() or len(stem) < MIN_ROOT + 1:
        return ()
    out: list[str] = []
    if stem.startswith("ge") and stem[-1] in "dt" and len(stem) > MIN_ROOT + 3:
        out.append(stem_folded(stem[2:-1]))  # gedeeld -> deel -> del, as the stemmer writes "delen"
    elif stem.endswith("heid"):
        out.append(stem[:-4])
    elif stem.endswith("ing"):
        out.append(stem[:-3])
    elif stem.endswith("ati"):
        out.append(stem[:-3] + "er")
    elif stem.endswith("er"):
        out.append(stem[:-2] + "ati")
    elif stem.endswith(("ig", "lijk", "baar", "zaam")):
        out.append(stem + "heid")
    else:
        out.append(stem + "ing")
    particle = next((p for p in PARTICLES if stem.startswith(p) and len(stem) - len(p) > MIN_ROOT), None)
    if particle:
        out.append(stem[len(particle):])  # the verb without its particle, as it stands in "op te schalen"
    return tuple(dict.fromkeys(s for s in out if len(s) >= MIN_ROOT and s != stem))
