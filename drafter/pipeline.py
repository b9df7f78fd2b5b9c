"""From sub-questions to drafts: retrieve evidence for each, then draft with the LLM or extractively."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drafter.config import Settings
from drafter.extractive import draft_extractive
from drafter.knowledge_base import KnowledgeBase
from drafter.models import DraftAnswer, SearchHit, SubQuestion

if TYPE_CHECKING:
    from drafter.llm import DraftContext

PASSAGES_PER_QUESTION = 8


def retrieve_evidence(kb: KnowledgeBase, question: SubQuestion, k: int = PASSAGES_PER_QUESTION) -> list[SearchHit]:
    return kb.search(question.text, k=k)


def draft_inquiry(
    kb: KnowledgeBase,
    questions: list[SubQuestion],
    settings: Settings,
    on_answer: Callable[[DraftAnswer], None] | None = None,
    context_for: Callable[[SubQuestion], DraftContext | None] | None = None,
) -> list[DraftAnswer]:
    """One draft per question, in the questions' order; `on_answer` is called as each one is ready."""
    jobs = [(question, retrieve_evidence(kb, question)) for question in questions]
    if settings.llm.enabled:
        from drafter.llm import LLMDrafter

        drafter = LLMDrafter(settings.llm, min_evidence=settings.min_evidence)
        return drafter.draft_all(jobs, context_for=context_for, on_answer=on_answer)
    answers = []
    for question, hits in jobs:
        answer = draft_extractive(question, hits, settings.min_evidence)
        if on_answer:
            on_answer(answer)
        answers.append(answer)
    return answers
