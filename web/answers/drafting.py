"""Drafting in the background: one job per sub-question, its result stored as the first revision.

Each job calls the core pipeline for its one question (`draft_question`), so answers appear
one by one while staff keep working, and a failed question (LLM unreachable, say) can be
retried alone. The jobs run in the job runner's threads and share one language-model drafter
per app, kept in `app.extensions`, so its client and connection pool are made once. The answer
is stored as the core drafted it: its sentences with their markers, and its citations.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from flask import Flask, current_app

from drafter.answer_text import paragraphs_of
from drafter.models import DraftAnswer, SubQuestion
from drafter.pipeline import draft_question, llm_drafter
from web import audit
from web.answers.approved_answers import approved_context
from web.answers.citations import citation_record
from web.answers.rules import WorkflowError, check_drafting_startable, check_redraftable, needs_drafting
from web.answers.workflow import add_revision, refresh_status
from web.database import db, utcnow
from web.jobs import finish, hold_lease
from web.knowledge_store import knowledge_base, settings_for
from web.models import Draft, DraftingJob, Inquiry, JobState, Question, RevisionOrigin, User

if TYPE_CHECKING:
    from drafter.llm import LLMDrafter

QUEUE = "drafting"
_LLM = "drafter_llm"
_llm_lock = threading.Lock()


def app_llm(app: Flask) -> LLMDrafter | None:
    """The app's one language-model drafter (None: extractive drafts), made on first use and shared by all jobs."""
    if _LLM not in app.extensions:
        with _llm_lock:
            if _LLM not in app.extensions:
                app.extensions[_LLM] = llm_drafter(settings_for(app))
    return app.extensions[_LLM]


def may_redraft(question: Question) -> bool:
    """Whether to offer drafting this question (again): no job pending and nobody worked on its draft."""
    try:
        check_redraftable(question)
    except WorkflowError:
        return False
    return True


def start_drafting(inquiry: Inquiry, user: User) -> list[int]:
    """Fix the split and queue a job for every question that has neither a draft nor a pending job."""
    check_drafting_startable(inquiry)
    inquiry.drafting_started_at = inquiry.drafting_started_at or utcnow()
    jobs = [_queue(question, user) for question in inquiry.questions if needs_drafting(question)]
    audit.record("drafting_started", "inquiry", inquiry.id, inquiry_id=inquiry.id, questions=len(jobs))
    refresh_status(inquiry)
    db.session.flush()
    return [job.id for job in jobs]


def redraft(question: Question, user: User) -> int:
    """Draft one question again: after a failed job, or while nobody has edited the automatic draft."""
    check_redraftable(question)
    job = _queue(question, user)
    audit.record("redraft_requested", "question", question.id, inquiry_id=question.inquiry_id)
    db.session.flush()
    return job.id


def run_drafting_job(job_id: int) -> None:
    """Handler for the job runner (in an app context, job already claimed)."""
    job = db.session.get(DraftingJob, job_id)
    question = db.session.get(Question, job.question_id)
    app = current_app._get_current_object()
    sub = SubQuestion(label=question.label, text=question.text, group=question.group_title)
    answer = draft_question(
        knowledge_base(app),
        sub,
        settings_for(app),
        llm=app_llm(app),
        context=approved_context(question.text, question.inquiry_id),
    )
    if not hold_lease(job):  # the job went to another run while the model wrote: that run stores the answer
        return
    user = db.session.get(User, job.requested_by_id)
    store_answer(question, answer, user)
    finish(job)
    refresh_status(question.inquiry)
    db.session.commit()


def store_answer(question: Question, answer: DraftAnswer, user: User) -> Draft:
    """The core's answer as the question's next revision, with its citations in place of earlier ones."""
    draft = question.draft
    if draft is None:
        draft = Draft(question=question, evidence=str(answer.status), method=answer.method)
        db.session.add(draft)
    else:
        draft.citations.clear()
    draft.evidence, draft.method, draft.notice = str(answer.status), answer.method, answer.notice
    add_revision(draft, paragraphs_of(answer.sentences), RevisionOrigin.GENERATED, user)
    draft.citations.extend(citation_record(citation) for citation in answer.citations)
    audit.record(
        "draft_generated",
        "question",
        question.id,
        inquiry_id=question.inquiry_id,
        user=user,
        method=answer.method,
        evidence=str(answer.status),
        citations=len(answer.citations),
    )
    return draft


def _queue(question: Question, user: User) -> DraftingJob:
    job = DraftingJob(requested_by_id=user.id, state=JobState.QUEUED)
    question.jobs.append(job)
    return job
