"""Turning draft text, passages and revisions into plain pieces the templates can show safely.

Nothing here produces HTML: the functions cut text into parts (plain text, a citation
marker, an unverified sentence, a highlighted quote, an inserted or deleted word) and the
templates render each part with autoescaping, so text from documents or a model can never
inject markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

MARKER = re.compile(r"\[(\d{1,3})\]")
UNVERIFIED_FLAG = "[unbelegt]"  # written by the LLM drafter after a sentence it could not verify
_TOKENS = re.compile(r"\[(\d{1,3})\]|\[unbelegt\]")


@dataclass(frozen=True)
class Part:
    text: str
    marker: int | None = None
    flag: bool = False


@dataclass(frozen=True)
class Run:
    parts: list[Part]
    unverified: bool = False

    @property
    def needs_label(self) -> bool:
        """An unverified run shows the word „unbelegt“ unless the text already carries the flag."""
        return self.unverified and not any(part.flag for part in self.parts)


def answer_paragraphs(text: str, known_markers: set[int], unverified: list[str]) -> list[list[Run]]:
    """Paragraphs of runs; runs flagged `unverified` are sentences the model stated without a checked source."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if paragraph.strip():
            paragraphs.append(_runs(paragraph, known_markers, unverified))
    return paragraphs


def _runs(text: str, known_markers: set[int], unverified: list[str]) -> list[Run]:
    spans = _merge(
        [(m.start(), _after_markers(text, m.end())) for s in unverified if s.strip()
         for m in re.finditer(re.escape(s), text)]
    )  # fmt: skip
    runs, position = [], 0
    for start, end in spans:
        if start > position:
            runs.append(Run(_parts(text[position:start], known_markers)))
        runs.append(Run(_parts(text[start:end], known_markers), unverified=True))
        position = end
    if position < len(text):
        runs.append(Run(_parts(text[position:], known_markers)))
    return runs


def _after_markers(text: str, end: int) -> int:
    """Extend a sentence over the markers and the „[unbelegt]“ flag that follow it."""
    match = re.compile(r"(?:\s*(?:\[\d{1,3}\]|\[unbelegt\]))+").match(text, end)
    return match.end() if match else end


def _parts(text: str, known_markers: set[int]) -> list[Part]:
    parts, position = [], 0
    for match in _TOKENS.finditer(text):
        marker = int(match.group(1)) if match.group(1) else None
        if marker is not None and marker not in known_markers:
            continue
        if match.start() > position:
            parts.append(Part(text[position : match.start()]))
        parts.append(Part(match.group(0), marker, flag=marker is None))
        position = match.end()
    if position < len(text):
        parts.append(Part(text[position:]))
    return parts


def markers_in(text: str) -> set[int]:
    return {int(m.group(1)) for m in MARKER.finditer(text)}


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


def strip_markers(text: str) -> str:
    """The answer without [n] markers, for a letter that has no source annex."""
    return re.sub(r"[ \t]*\[\d{1,3}\]", "", text)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
