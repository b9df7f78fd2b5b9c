"""Drafting in the background: one job per sub-question, its result stored as the first revision.

Each job calls the core pipeline for its one question, so answers appear one by one while
staff keep working, and a failed question (LLM unreachable, say) can be retried alone.
"""

from __future__ import annotations

from flask import current_app

from drafter.models import DraftAnswer, SubQuestion
from drafter.pipeline import draft_inquiry
from web import audit
from web.answers.approved_answers import approved_context
from web.answers.workflow import WorkflowError, add_revision, refresh_status
from web.database import db, utcnow
from web.jobs import finish
from web.knowledge_store import knowledge_base, settings_for
from web.models import (
    AnswerStatus,
    CitationRecord,
    Draft,
    DraftingJob,
    Inquiry,
    JobState,
    Question,
    User,
)

QUEUE = "drafting"


def start_drafting(inquiry: Inquiry, user: User) -> list[int]:
    """Fix the split and queue a job for every question that has neither a draft nor a pending job."""
    if not inquiry.questions:
        raise WorkflowError("Die Anfrage enthält keine Fragen. Bitte zuerst mindestens eine Frage anlegen.")
    inquiry.drafting_started_at = inquiry.drafting_started_at or utcnow()
    jobs = [
        _queue(question, user) for question in inquiry.questions if question.draft is None and not _pending(question)
    ]
    audit.record("drafting_started", "inquiry", inquiry.id, inquiry_id=inquiry.id, questions=len(jobs))
    refresh_status(inquiry)
    db.session.flush()
    return [job.id for job in jobs]


def redraft(question: Question, user: User) -> int:
    """Draft one question again: after a failed job, or while nobody has edited the automatic draft."""
    if _pending(question):
        raise WorkflowError(f"Für Frage {question.label} läuft bereits ein Entwurf.")
    draft = question.draft
    touched = draft is not None and (
        draft.status != AnswerStatus.DRAFT or any(r.origin != "generated" for r in draft.revisions)
    )
    if touched:
        raise WorkflowError(
            f"Antwort {question.label} wurde bereits bearbeitet oder geprüft; ein neuer automatischer "
            "Entwurf würde diese Arbeit überschreiben. Bitte „Weitere Fundstellen“ nutzen."
        )
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
    answer = draft_inquiry(
        knowledge_base(app),
        [sub],
        settings_for(app),
        context_for=lambda _: approved_context(question.text, question.inquiry_id),
    )[0]
    user = db.session.get(User, job.requested_by_id)
    store_answer(question, answer, user)
    finish(job)
    refresh_status(question.inquiry)
    db.session.commit()


def store_answer(question: Question, answer: DraftAnswer, user: User) -> Draft:
    draft = question.draft
    if draft is None:
        draft = Draft(question=question, evidence=str(answer.status), method=answer.method)
        db.session.add(draft)
    else:
        draft.citations.clear()
    draft.evidence, draft.method, draft.notice = str(answer.status), answer.method, answer.notice
    unverified = [sentence.text for sentence in answer.sentences if not sentence.verified]
    add_revision(draft, answer.answer, "generated", user, unverified)
    for citation in answer.citations:
        draft.citations.append(
            CitationRecord(
                marker=citation.marker,
                chunk_id=citation.chunk_id,
                doc=citation.doc,
                title=citation.title,
                passage_text=citation.passage_text,
                quote=citation.quote,
                quote_start=citation.quote_start,
                quote_end=citation.quote_end,
                page=citation.page,
                doc_type=citation.doc_type,
                doc_date=citation.date,
            )
        )
    audit.record(
        "draft_generated", "question", question.id, inquiry_id=question.inquiry_id, user=user,
        method=answer.method, evidence=str(answer.status), citations=len(answer.citations),
    )  # fmt: skip
    return draft


def _queue(question: Question, user: User) -> DraftingJob:
    job = DraftingJob(requested_by_id=user.id, state=JobState.QUEUED)
    question.jobs.append(job)
    return job


def _pending(question: Question) -> bool:
    latest = question.latest_job
    return latest is not None and latest.state in {JobState.QUEUED, JobState.RUNNING}
