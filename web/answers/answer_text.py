"""An answer as plain text with citation markers: the one place that writes and reads „[1]“.

An answer is stored as paragraphs of `drafter.models.DraftSentence` (its text, the markers of
the passages that back it, whether the core could verify it), the form the core drafts in.
Text is needed only where a person types or reads plain text: the editor's text area, the
difference between two versions, the letter. `render` writes that text (a sentence and its
markers); `parse` reads what staff typed back into sentences. Whether a sentence is belegt is
decided by checking it against its passages on every save (web/answers/checks.py), not by a
flag in the text: a „[unbelegt]“ typed or left over from earlier versions is dropped.
"""

from __future__ import annotations

import re

from drafter.answer_text import with_note
from drafter.extractive import ABSTENTION_SENTENCE
from drafter.models import DraftSentence

UNVERIFIED_FLAG = "[unbelegt]"
Paragraphs = list[list[DraftSentence]]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_MARKS = re.compile(r"(?:\s*(?:\[\d{1,3}\]|\[unbelegt\]))+")
_MARKER = re.compile(r"\[(\d{1,3})\]")
_NOTE = re.compile(r"\s*\((Stand \d{2}/\d{4})\)$")


def render(paragraphs: Paragraphs, *, markers: bool = True) -> str:
    """The answer as text: sentences with their markers (or without, for a letter without sources)."""
    return "\n\n".join(" ".join(_sentence(s, markers) for s in paragraph) for paragraph in paragraphs)


def _sentence(sentence: DraftSentence, markers: bool) -> str:
    marks = "".join(f"[{marker}]" for marker in sentence.markers) if markers else ""
    return f"{with_note(sentence)} {marks}".strip()


def holds_abstention(paragraphs: Paragraphs) -> bool:
    """The answer still says the knowledge base holds nothing on the question (the core's abstention)."""
    return any(ABSTENTION_SENTENCE in sentence.text for paragraph in paragraphs for sentence in paragraph)


def parse(text: str) -> Paragraphs:
    """What staff typed, as paragraphs of sentences: each stretch of text up to its markers is one sentence.

    The sentences come back with `verified` as typed; a save sets it by checking them
    (web/answers/checks.py).
    """
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip()):
        sentences, position = [], 0
        for marks in _MARKS.finditer(block):
            piece = block[position : marks.start()].strip()
            numbers = [int(n) for n in _MARKER.findall(marks.group(0))]
            if piece:
                text, note = _without_note(piece)
                sentences.append(DraftSentence(text, numbers, UNVERIFIED_FLAG not in marks.group(0), note))
            elif sentences:  # markers after markers: they belong to the sentence before
                sentences[-1].markers.extend(numbers)
            else:  # markers before any text are kept as typed
                sentences.append(DraftSentence("", numbers, verified=UNVERIFIED_FLAG not in marks.group(0)))
            position = marks.end()
        rest = block[position:].strip()
        if rest:
            text, note = _without_note(rest)
            sentences.append(DraftSentence(text, [], note=note))
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


def _without_note(piece: str) -> tuple[str, str | None]:
    """„448 Vereinbarungen … (Stand 11/2024)“ as the sentence and its date mark: the mark is not checked against
    the passage, which does not say it, and stays with the sentence through every edit that keeps it."""
    found = _NOTE.search(piece)
    return (piece[: found.start()], found.group(1)) if found else (piece, None)


def markers_in(paragraphs: Paragraphs) -> set[int]:
    """Every citation marker the answer uses."""
    return {marker for paragraph in paragraphs for sentence in paragraph for marker in sentence.markers}


def from_stored(stored: list) -> Paragraphs:
    """Sentences from the database's JSON; only the fields the web app stores, so added core fields do no harm."""
    return [
        [
            DraftSentence(
                str(s["text"]), [int(m) for m in s.get("markers", [])], bool(s.get("verified", True)), s.get("note")
            )
            for s in paragraph
        ]
        for paragraph in stored
    ]


def to_stored(paragraphs: Paragraphs) -> list:
    return [
        [{"text": s.text, "markers": list(s.markers), "verified": s.verified, "note": s.note} for s in paragraph]
        for paragraph in paragraphs
    ]
