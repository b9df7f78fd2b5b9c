"""Turns a sub-question, its retrieved passages and the curators' guidance into chat messages.

The passages are numbered 1…n in retrieval order; those numbers are the only ones the model may
cite, and verification maps them back to the `SearchHit` they came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import Template

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from drafter.extractive import ABSTENTION_SENTENCE
from drafter.models import SearchHit, SubQuestion
from drafter.prompts import load_prompt

# Passage text must not be able to close its own delimiter and pose as instructions.
_DELIMITER_RUN = re.compile(r"<{3,}|>{3,}")


@dataclass
class DraftContext:
    """What curators add to a draft beyond the knowledge base.

    `guidance` holds agreed wordings (Sprachregelungen) for the topic; `approved_answers` holds
    (question, approved answer text) pairs of earlier replies to the same question.
    """

    guidance: list[str] = field(default_factory=list)
    approved_answers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.guidance and not self.approved_answers


def number_passages(hits: list[SearchHit]) -> dict[int, SearchHit]:
    """Passage number (as shown to the model) → hit; numbering follows the retrieval order."""
    return {number: hit for number, hit in enumerate(hits, start=1)}


def build_messages(
    question: SubQuestion, passages: dict[int, SearchHit], context: DraftContext | None = None
) -> list[BaseMessage]:
    system = Template(load_prompt("antwortentwurf_system")).substitute(enthaltung=ABSTENTION_SENTENCE)
    user = Template(load_prompt("antwortentwurf_user")).substitute(
        frage=_neutralise(question.text.strip()),
        vorgaben=_render_context(context),
        fundstellen="\n\n".join(_render_passage(n, hit) for n, hit in passages.items()),
    )
    return [SystemMessage(content=system), HumanMessage(content=user)]


def _render_passage(number: int, hit: SearchHit) -> str:
    document = hit.document
    lines = [
        f"<<<FUNDSTELLE {number}>>>",
        f"Titel: {_neutralise(document.title or document.name)}",
        f"Art: {document.doc_type.label_de}",
        f"Datum: {document.date or 'unbekannt'}",
    ]
    if hit.chunk.page is not None:
        lines.append(f"Seite: {hit.chunk.page}")
    lines += ["Text:", _neutralise(hit.chunk.text.strip()), f"<<<ENDE FUNDSTELLE {number}>>>"]
    return "\n".join(lines)


def _render_context(context: DraftContext | None) -> str:
    if context is None or context.empty:
        return ""
    parts: list[str] = []
    if context.guidance:
        parts.append("Sprachregelungen:")
        parts += [f"- {_neutralise(text.strip())}" for text in context.guidance]
    for question, answer in context.approved_answers:
        parts += [
            "Bereits freigegebene Antwort auf dieselbe Frage:",
            f"Frage: {_neutralise(question.strip())}",
            f"Antwort: {_neutralise(answer.strip())}",
        ]
    return Template(load_prompt("antwortentwurf_vorgaben")).substitute(vorgaben="\n".join(parts))


def _neutralise(text: str) -> str:
    return _DELIMITER_RUN.sub(lambda m: m.group().replace("<", "‹").replace(">", "›"), text)
