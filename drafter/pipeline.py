"""From sub-questions to drafts: retrieve evidence for each, then draft with the LLM or extractively.

`draft_question` drafts one sub-question (the web app re-drafts single questions with it);
`draft_inquiry` drafts all of an inquiry's questions, several at a time when a language model
answers. An application makes one `LLMDrafter` with `llm_drafter` and passes it to every call,
so the model client and its connection pool are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drafter.config import Settings
from drafter.extractive import NewerSearch, draft_extractive
from drafter.knowledge_base import KnowledgeBase
from drafter.models import DraftAnswer, SearchHit, SubQuestion

if TYPE_CHECKING:
    from drafter.llm import DraftContext, LLMDrafter

PASSAGES_PER_QUESTION = 8
NEWER_STATEMENTS = 5
"""How many passages of later documents are searched for a newer statement of a quoted figure."""


def retrieve_evidence(kb: KnowledgeBase, question: SubQuestion, k: int = PASSAGES_PER_QUESTION) -> list[SearchHit]:
    return kb.search(question.text, k=k)


def llm_drafter(settings: Settings) -> LLMDrafter | None:
    """The language-model drafter the settings ask for, or None for extractive drafts."""
    if not settings.llm.enabled:
        return None
    from drafter.llm import LLMDrafter

    return LLMDrafter(settings.llm, min_evidence=settings.min_evidence, own_authority=settings.authority_name)


def draft_question(
    kb: KnowledgeBase,
    question: SubQuestion,
    settings: Settings,
    llm: LLMDrafter | None = None,
    context: DraftContext | None = None,
) -> DraftAnswer:
    hits = retrieve_evidence(kb, question)
    if llm is not None:
        return llm.draft(question, hits, context, newer_search(kb))
    return draft_extractive(question, hits, settings.min_evidence, settings.authority_name, newer_search(kb))


def newer_search(kb: KnowledgeBase) -> NewerSearch:
    """How a draft looks up a figure in the documents dated after the one it quotes."""
    return lambda text, date: kb.search(text, k=NEWER_STATEMENTS, date_from=date)


def draft_inquiry(
    kb: KnowledgeBase,
    questions: list[SubQuestion],
    settings: Settings,
    on_answer: Callable[[DraftAnswer], None] | None = None,
    context_for: Callable[[SubQuestion], DraftContext | None] | None = None,
    llm: LLMDrafter | None = None,
) -> list[DraftAnswer]:
    """One draft per question, in the questions' order; `on_answer` is called as each one is ready."""
    llm = llm or llm_drafter(settings)
    if llm is not None and len(questions) > 1:  # the model answers several questions at a time
        jobs = [(question, retrieve_evidence(kb, question)) for question in questions]
        return llm.draft_all(jobs, context_for=context_for, on_answer=on_answer, newer=newer_search(kb))
    answers = []
    for question in questions:
        answer = draft_question(kb, question, settings, llm, context_for(question) if context_for else None)
        if on_answer:
            on_answer(answer)
        answers.append(answer)
    return answers
