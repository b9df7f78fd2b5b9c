"""Turning an answer's sentences, passages and revisions into plain pieces the templates can show safely.

Nothing here produces HTML: the functions cut text into parts (a sentence with its markers, a
highlighted quote, an inserted or deleted word) and the templates render each part with
autoescaping, so text from documents or a model can never inject markup. The answer comes as
the core drafted it, sentences with their markers (web/answers/answer_text.py); nothing is
parsed back out of rendered text here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from drafter.answer_text import with_note
from web.answers.checks import SentenceCheck, SentenceState


@dataclass(frozen=True)
class ShownSentence:
    """A sentence of the answer as the workspace shows it: its text, its markers, the outcome of its check.

    `markers` lists the sentence's markers that name a cited passage (a link to it); `unknown` those
    that name none (typed by hand, shown as written). `flag` is „ohne Beleg“ or „Beleg passt nicht“
    when the check failed, with `reason` saying why. `text` carries the sentence's date mark („… (Stand 11/2024)“)
    where a newer document states its figure again."""

    text: str
    markers: list[int]
    unknown: list[int]
    flag: str | None
    reason: str | None


def answer_paragraphs(checked: list[list[SentenceCheck]], known_markers: set[int]) -> list[list[ShownSentence]]:
    return [
        [
            ShownSentence(
                text=with_note(check.sentence),
                markers=[m for m in check.sentence.markers if m in known_markers],
                unknown=[m for m in check.sentence.markers if m not in known_markers],
                flag=None if check.state == SentenceState.BELEGT else check.state.label_de,
                reason=check.reason,
            )
            for check in paragraph
        ]
        for paragraph in checked
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


WORD_DIFF_MAX_CHARS = 20_000
"""Above this many characters (both texts together) the diff compares lines instead of words, so its cost
stays bounded: answers are limited to 30,000 characters, but older revisions may be longer."""


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(operation, text) pieces with operation "equal", "insert" or "delete", word by word (line by line
    for long texts).

    rapidfuzz's edit script (C++, bit-parallel) replaces difflib's SequenceMatcher, which is quadratic in
    the pieces: two 200 KB revisions took 304 s word by word and 0.8 s line by line there, 0.03 s here.
    """
    if len(old) + len(new) > WORD_DIFF_MAX_CHARS:
        old_pieces, new_pieces = old.splitlines(keepends=True), new.splitlines(keepends=True)
    else:
        old_pieces, new_pieces = _words(old), _words(new)
    pieces: list[tuple[str, str]] = []
    for tag, a0, a1, b0, b1 in Levenshtein.opcodes(old_pieces, new_pieces):
        if tag == "equal":
            pieces.append(("equal", "".join(old_pieces[a0:a1])))
            continue
        if tag in {"delete", "replace"}:
            pieces.append(("delete", "".join(old_pieces[a0:a1])))
        if tag in {"insert", "replace"}:
            pieces.append(("insert", "".join(new_pieces[b0:b1])))
    return _joined(pieces)


def _joined(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Neighbouring pieces of the same operation as one, deletions before insertions, as a reader expects."""
    joined: list[tuple[str, str]] = []
    for op, text in pieces:
        if not text:
            continue
        if joined and joined[-1][0] == op:
            joined[-1] = (op, joined[-1][1] + text)
        elif op == "delete" and joined and joined[-1][0] == "insert":
            if len(joined) > 1 and joined[-2][0] == "delete":
                joined[-2] = ("delete", joined[-2][1] + text)
            else:
                joined.insert(len(joined) - 1, (op, text))
        else:
            joined.append((op, text))
    return joined


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
