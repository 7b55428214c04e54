"""The one accent fold, and the slug made from it: every comparison of words goes through `fold`."""
from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase and strip diacritics (and the soft hyphens PDFs leave in words).

    >>> fold("Cliënt, Coördinator, één"), fold("jeugd\\u00adbescherming")
    ('client, coordinator, een', 'jeugdbescherming')
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("\u00ad", ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(text: str) -> str:
    """A safe document id from a title or file name: folded, anything else than a-z and 0-9 a hyphen.

    >>> slugify("Plan van Aanpak: Centraal Gelderland (2022).pdf")
    'plan-van-aanpak-centraal-gelderland-2022-pdf'
    >>> slugify("../../etc/passwd"), slugify("???")
    ('etc-passwd', 'document')
    """
    slug = _NOT_SLUG.sub("-", fold(text)).strip("-")[:120].strip("-")
    return slug or "document"
