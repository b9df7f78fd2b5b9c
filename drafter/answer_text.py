"""An answer's sentences as plain text: the one place that writes citation markers into a string.

Drafts travel as structured sentences (`DraftSentence`: text, markers, verified, note); text is needed
only where a person reads plain text (the command line, an e-mail, the `answer` field of the JSON
contract). „[unbelegt]“ marks a sentence whose citation could not be verified.
"""

from __future__ import annotations

from collections.abc import Iterable

from drafter.models import DraftSentence

UNVERIFIED_MARK = "[unbelegt]"


def render_sentence(sentence: DraftSentence) -> str:
    """„Text (Stand 11/2024) [1][2]“, with „[unbelegt]“ after the markers of an unverified sentence."""
    note = f" ({sentence.note})" if sentence.note else ""
    marks = "".join(f"[{marker}]" for marker in sentence.markers)
    if not sentence.verified:
        marks = f"{marks} {UNVERIFIED_MARK}".strip()
    return f"{sentence.text}{note} {marks}".strip()


def render_answer(sentences: Iterable[DraftSentence]) -> str:
    return " ".join(render_sentence(sentence) for sentence in sentences)
