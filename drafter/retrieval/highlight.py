"""Which words of a passage a search matched, so that pages can mark them.

A word of the passage counts as matched when it shares a stem with a word of the query, as the
keyword search compares them (the German analyzer: Snowball stems, umlauts and inflection folded,
gender forms folded, stop words left out). Compound parts are not used: „Arbeitsplätze“ in the
query marks „Arbeitsplatz“, not every „Platz“. The result is plain text pieces; the web layer
marks them with <mark> and escapes each piece itself.
"""

from __future__ import annotations

import re
from functools import cache

from drafter.retrieval.german_analyzer import GermanAnalyzer

_WORD = re.compile(r"[0-9A-Za-zÄÖÜäöüß]+(?:[*:]innen)?")
_MIN_STEM = 3
"""Shorter stems („e“ of „E-Akte“, „nr“) would mark words all over a passage."""


@cache
def _analyzer() -> GermanAnalyzer:
    return GermanAnalyzer(decompound=False)


def query_stems(query: str) -> frozenset[str]:
    return frozenset(stem for stem in _analyzer().tokens(query) if len(stem) >= _MIN_STEM or stem.isdigit())


def highlight_terms(text: str, query: str) -> list[tuple[str, bool]]:
    """`text` cut into pieces that join to it again, each True when it is a word the query matched."""
    wanted = query_stems(query)
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _WORD.finditer(text):
        if not wanted or not set(_analyzer().tokens(match.group(0))) & wanted:
            continue
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
