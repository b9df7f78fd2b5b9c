"""Turning an answer's sentences, passages and revisions into plain pieces the templates can show safely.

Nothing here produces HTML: the functions cut text into parts (a sentence with its markers, a
highlighted quote, an inserted or deleted word) and the templates render each part with
autoescaping, so text from documents or a model can never inject markup. The answer comes as
the core drafted it, sentences with their markers (web/answers/answer_text.py); nothing is
parsed back out of rendered text here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from drafter.models import DraftSentence


@dataclass(frozen=True)
class ShownSentence:
    """A sentence of the answer as the workspace shows it: its text, its markers, whether it is unverified.

    `markers` lists the sentence's markers that name a cited passage (a link to it); `unknown` those
    that name none (typed by hand, shown as written)."""

    text: str
    markers: list[int]
    unknown: list[int]
    unverified: bool


def answer_paragraphs(paragraphs: list[list[DraftSentence]], known_markers: set[int]) -> list[list[ShownSentence]]:
    return [
        [
            ShownSentence(
                text=sentence.text,
                markers=[m for m in sentence.markers if m in known_markers],
                unknown=[m for m in sentence.markers if m not in known_markers],
                unverified=not sentence.verified,
            )
            for sentence in paragraph
        ]
        for paragraph in paragraphs
    ]


def highlighted(passage: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The passage cut into (text, is_quote) pieces; overlapping quotes are merged."""
    pieces, position = [], 0
    for start, end in _merge([(max(0, s), min(len(passage), e)) for s, e in spans if e > s]):
        if start > position:
            pieces.append((passage[position:start], False))
        pieces.append((passage[start:end], True))
        position = end
    if position < len(passage):
        pieces.append((passage[position:], False))
    return pieces


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(operation, text) pieces with operation "equal", "insert" or "delete", word by word."""
    old_words, new_words = _words(old), _words(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("equal", "".join(old_words[a0:a1])))
            continue
        if tag in {"delete", "replace"}:
            pieces.append(("delete", "".join(old_words[a0:a1])))
        if tag in {"insert", "replace"}:
            pieces.append(("insert", "".join(new_words[b0:b1])))
    return pieces


def _words(text: str) -> list[str]:
    """Words with their trailing whitespace, so a changed phrase diffs as one piece."""
    return re.findall(r"\s*\S+\s*", text) if text.strip() else [text]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
