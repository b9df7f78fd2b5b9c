"""Drafts answers with the configured language model, verified sentence by sentence.

The extractive drafter runs first and decides whether the knowledge base holds enough evidence:
without it the model is never asked, so "no basis" looks the same with and without a model.
With it, the model writes the answer; a failed request is retried a bounded number of times and
then the extractive draft is returned with a notice, so no sub-question is ever lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from drafter.answer_text import render_answer
from drafter.answer_types import AnswerType, answer_strength, expected_answer_type
from drafter.config import LLMSettings
from drafter.extractive import NewerSearch, abstention, draft_extractive, source_reason
from drafter.llm.client import build_chat_model
from drafter.llm.faults import LLMFault, classify
from drafter.llm.output_parsing import ModelOutput, parse_model_output
from drafter.llm.prompting import DraftContext, build_messages, number_passages
from drafter.llm.verification import VerifiedDraft, date_older_figures, verify_sentences
from drafter.models import DraftAnswer, DraftSentence, DraftStatus, SearchHit, SubQuestion

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


class LLMDrafter:
    """Drafts sub-questions with a chat model; safe to share between threads.

    `chat_model` defaults to the one `build_chat_model` makes from `settings` on first use.
    A failed request is retried after `backoff_base` seconds, doubling per retry (at most 30 s).
    At most `max_passages` of the hits, in retrieval order, are shown to the model.
    """

    def __init__(
        self,
        settings: LLMSettings,
        min_evidence: float,
        own_authority: str | None = None,
        chat_model: BaseChatModel | None = None,
        backoff_base: float = 1.0,
        max_passages: int = 8,
    ) -> None:
        self.settings = settings
        self.min_evidence = min_evidence
        self.own_authority = own_authority
        self.backoff_base = backoff_base
        self.max_passages = max_passages
        self._chat_model = chat_model
        self._model_lock = threading.Lock()

    def draft(
        self,
        question: SubQuestion,
        hits: list[SearchHit],
        context: DraftContext | None = None,
        newer: NewerSearch | None = None,
    ) -> DraftAnswer:
        """With `newer`, the extractive gate looks its lead figure up in later documents, and the passage that
        states it anew is shown to the model after the retrieved ones, so the model can give the current figure."""
        later: dict[str, SearchHit] = {}
        extractive = draft_extractive(
            question, hits, self.min_evidence, self.own_authority, _recording(newer, later) if newer else None
        )
        if extractive.status == DraftStatus.INSUFFICIENT_EVIDENCE:
            return extractive
        shown = hits[: self.max_passages]
        known = {hit.chunk.chunk_id for hit in shown}
        updates = {
            c.chunk_id: later[c.chunk_id]
            for c in extractive.citations
            if c.chunk_id in later and c.chunk_id not in known
        }
        passages = number_passages([*shown, *updates.values()])
        messages = build_messages(question, passages, context)
        fault: LLMFault | None = None
        attempts = 0
        while attempts <= max(0, self.settings.retries):
            if attempts:
                time.sleep(min(self.backoff_base * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS))
            attempts += 1
            try:
                output = parse_model_output(self._ask(messages))
            except Exception as error:
                fault = classify(error)
                log.warning("Sprachmodell, Frage %s, Versuch %d: %s", question.label, attempts, fault.reason)
                if not fault.retryable:
                    break
                continue
            return self._answer(question, output, passages, context, extractive)
        notice = fault.notice(attempts) if fault else None
        return replace(extractive, notice=_join_notices(extractive.notice, notice))

    def draft_all(
        self,
        jobs: list[tuple[SubQuestion, list[SearchHit]]],
        context_for: Callable[[SubQuestion], DraftContext | None] | None = None,
        on_answer: Callable[[DraftAnswer], None] | None = None,
        newer: NewerSearch | None = None,
    ) -> list[DraftAnswer]:
        """One answer per job, in job order; `on_answer` is called in this thread as each finishes."""
        answers: dict[int, DraftAnswer] = {}
        workers = max(1, self.settings.concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="drafter-llm") as pool:
            futures = {
                pool.submit(self.draft, question, hits, context_for(question) if context_for else None, newer): index
                for index, (question, hits) in enumerate(jobs)
            }
            for future in as_completed(futures):
                answer = future.result()
                answers[futures[future]] = answer
                if on_answer:
                    on_answer(answer)
        return [answers[index] for index in range(len(jobs))]

    def _ask(self, messages: list[BaseMessage]) -> str:
        reply = self._model().invoke(messages, stream=False)
        content = reply.content
        if isinstance(content, list):
            content = "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)
        return content

    def _model(self) -> BaseChatModel:
        with self._model_lock:
            if self._chat_model is None:
                self._chat_model = build_chat_model(self.settings)
            return self._chat_model

    def _answer(
        self,
        question: SubQuestion,
        output: ModelOutput,
        passages: dict[int, SearchHit],
        context: DraftContext | None,
        gate: DraftAnswer,
    ) -> DraftAnswer:
        """`gate` is the extractive draft: its status and reason bound what the model's answer can claim."""
        answer = replace(abstention(question), method="llm")
        if output.abstention:
            return answer
        verified = verify_sentences(output.sentences, passages, context.guidance if context else [], self.own_authority)
        outdated = _outdated_notice(date_older_figures(verified, passages, self.own_authority))
        doubts = [
            source_reason(verified.citations),
            _type_missing(question.text, verified.sentences, set(passages[1].term_weights)),
            outdated,
        ]
        return replace(
            answer,
            answer=render_answer(verified.sentences),
            # the model's sentences are never trusted more than the evidence they were written from
            status=DraftStatus.DRAFTED
            if verified.all_verified and gate.status == DraftStatus.DRAFTED and not any(doubts)
            else DraftStatus.NEEDS_REVIEW,
            citations=verified.citations,
            sentences=verified.sentences,
            notice=_join_notices(gate.notice, _review_notice(verified), *doubts),
        )


def _review_notice(draft: VerifiedDraft) -> str | None:
    if draft.all_verified:
        return None
    details = "; ".join(f"Satz {index}: {reason}" for index, reason in draft.problems)
    count = len(draft.problems)
    subject = "1 Satz ist" if count == 1 else f"{count} Sätze sind"
    return f"{subject} nicht belegt und vor dem Versand zu prüfen ({details})."


def _type_missing(question: str, sentences: list[DraftSentence], question_stems: set[str]) -> str | None:
    """Why the model's answer does not open with the asked answer type, as the extractive draft is judged: a
    „Wie viele“ answer whose first sentence names no number is not the answer a user can rely on."""
    answer_type = expected_answer_type(question)
    if answer_type == AnswerType.OPEN or not sentences:
        return None
    gives = [answer_strength(answer_type, s.text, question, question_stems) > 0 for s in sentences]
    if gives[0]:
        return None
    if any(gives[1:]):
        return answer_type.missing_de(elsewhere=True)
    return f"Gefragt ist {answer_type.asked_de}; kein Satz der Antwort nennt das."


def _outdated_notice(reasons: list[str]) -> str | None:
    return f"{'; '.join(reasons)}. Bitte die neuere Angabe übernehmen." if reasons else None


def _join_notices(*notices: str | None) -> str | None:
    """The notices in order, each once: the gate and the model's answer may name the same foreign passage."""
    return " ".join(dict.fromkeys(notice for notice in notices if notice)) or None


def _recording(newer: NewerSearch, found: dict[str, SearchHit]) -> NewerSearch:
    """`newer`, keeping every passage it returns in `found` by chunk id."""

    def search(text: str, date: str) -> list[SearchHit]:
        hits = newer(text, date)
        found.update((hit.chunk.chunk_id, hit) for hit in hits)
        return hits

    return search
