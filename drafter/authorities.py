"""Whose document is it: the own authority's, or another's.

A county's knowledge base may hold other authorities' papers (a neighbouring county's answer, a
Land ministry's reply). Their figures must never be presented as the county's own; names are
compared by their distinctive words, so „Kreisverwaltung Talbach“ and „Landkreis Talbach“ are one.
"""

from __future__ import annotations

import re


def is_other_authority(authority: str | None, own_authority: str | None) -> bool:
    """Whether a document's authority is known to be another than the own one („Kreisverwaltung Talbach“
    and „Landkreis Talbach“ are the same; „Stadt Karlsruhe“ is another)."""
    if not authority or not own_authority:
        return False
    return not (_authority_names(authority) & _authority_names(own_authority))


_AUTHORITY_WORDS = frozenset(
    "landkreis kreis kreisverwaltung landratsamt stadt stadtverwaltung gemeinde gemeindeverwaltung verwaltung "
    "der die das des den dem bürgermeister oberbürgermeister landrat landrätin amt für und von".split()
)


def _authority_names(authority: str) -> set[str]:
    return {w for w in re.findall(r"\w+", authority.lower()) if w not in _AUTHORITY_WORDS}
