"""An answer's sentences as plain text: the one place that writes citation markers into a string.

Drafts travel as structured sentences (`DraftSentence`: text, markers, verified, note); text is needed
only where a person reads plain text (the command line, an e-mail, the `answer` field of the JSON
contract). A table of figures keeps its rows on lines of their own. „[unbelegt]“ marks a sentence whose
citation could not be verified.
"""

from __future__ import annotations

from collections.abc import Iterable

from drafter.models import DraftSentence

UNVERIFIED_MARK = "[unbelegt]"


def render_sentence(sentence: DraftSentence) -> str:
    """„Text (Stand 11/2024) [1][2]“, with „[unbelegt]“ after the markers of an unverified sentence."""
    marks = "".join(f"[{marker}]" for marker in sentence.markers)
    if not sentence.verified:
        marks = f"{marks} {UNVERIFIED_MARK}".strip()
    return f"{with_note(sentence)} {marks}".strip()


def with_note(sentence: DraftSentence) -> str:
    """The sentence as a reader sees it: with its date mark („… (Stand 11/2024)“) when a newer figure exists."""
    return f"{sentence.text} ({sentence.note})".strip() if sentence.note else sentence.text


def render_answer(sentences: Iterable[DraftSentence]) -> str:
    return "\n\n".join(" ".join(map(render_sentence, paragraph)) for paragraph in paragraphs_of(sentences))


def paragraphs_of(sentences: Iterable[DraftSentence]) -> list[list[DraftSentence]]:
    """The sentences as paragraphs: a quote of several lines (a table of figures) stands in a paragraph of its
    own, so that its rows start on lines of their own in the editor and in the letter."""
    paragraphs: list[list[DraftSentence]] = []
    for sentence in sentences:
        if "\n" in sentence.text or not paragraphs or "\n" in paragraphs[-1][-1].text:
            paragraphs.append([sentence])
        else:
            paragraphs[-1].append(sentence)
    return paragraphs
