"""Review under the four-eyes principle: approve or send back each answer and the whole reply.

The rules live in web/answers/rules.py and the steps in web/answers/workflow.py; these views
only collect the reviewer's decision and comment and show the German reason when a step is
not allowed. The review page of an inquiry shows every submitted answer with its Prüfhinweise,
sources and changes against the machine draft, so the reviewer decides on each (one action per
answer, each its own audit entry) and on the whole reply on one page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from web.accounts.permissions import REVIEW, roles_required
from web.accounts.visibility import visible_inquiries
from web.answers.checks import Note, SentenceState, check_sentences, machine_sentences, plural, review_notes
from web.answers.queries import MAX_ID, drafts_in_review, get_draft
from web.answers.rendering import answer_paragraphs, word_diff
from web.answers.rules import (
    WorkflowError,
    is_unchanged_machine_draft,
    may_approve,
    may_approve_reply,
    ready_for_reply_approval,
)
from web.answers.sources import Source, sources_of
from web.answers.workflow import approve, approve_reply, reopen, request_changes, request_reply_changes
from web.database import db
from web.inquiries.queries import get_inquiry
from web.models import AnswerStatus, Draft, Inquiry, InquiryStatus, RevisionOrigin

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


@bp.route("/")
@roles_required(*REVIEW)
def queue():
    waiting = drafts_in_review(current_user)
    replies = db.session.scalars(
        select(Inquiry)
        .where(Inquiry.status == InquiryStatus.IN_REVIEW, visible_inquiries(current_user))
        .order_by(Inquiry.deadline)
    ).all()
    return render_template(
        "review/queue.html",
        waiting=waiting,
        own={d.id for d in waiting if not may_approve(d, current_user)},
        hints={d.id: _queue_hints(d) for d in waiting},
        waiting_count=plural(len(waiting), "Antwort", "Antworten"),
        ready=[inquiry for inquiry in replies if ready_for_reply_approval(inquiry)],
    )


def _queue_hints(draft: Draft) -> list[str]:
    """What a reviewer should know before opening an answer: untouched machine text, sentences without a source."""
    checked = check_sentences(draft.current.paragraphs, draft.citations, machine_sentences(draft))
    flagged = sum(c.state != SentenceState.BELEGT for paragraph in checked for c in paragraph)
    hints = ["unverändert übernommen"] if is_unchanged_machine_draft(draft) else []
    if flagged:
        hints.append(f"{plural(flagged, 'Satz', 'Sätze')} ohne passenden Beleg")
    if draft.current.holds_abstention:
        hints.append("enthält noch den Hinweis „muss fachlich ergänzt werden“")
    return hints


@dataclass
class AnswerUnderReview:
    """One answer as the review page shows it: its checked sentences, Prüfhinweise, sources, changes."""

    draft: Draft
    paragraphs: list
    notes: list[Note]
    sources: list[Source]
    changes: list[tuple[str, str]] | None
    may_approve: bool
    blocked: bool


REVIEWED = (AnswerStatus.IN_REVIEW, AnswerStatus.APPROVED, AnswerStatus.CHANGES_REQUESTED)


@bp.route("/inquiries/<int:inquiry_id>")
@roles_required(*REVIEW)
def inquiry_review(inquiry_id: int):
    if not 0 < inquiry_id <= MAX_ID:
        abort(404)
    inquiry = get_inquiry(inquiry_id)
    answers = [_under_review(q.draft) for q in inquiry.questions if q.draft is not None and q.draft.status in REVIEWED]
    waiting = [q.label for q in inquiry.questions if q.draft is None or q.draft.status not in REVIEWED]
    return render_template(
        "review/inquiry.html",
        inquiry=inquiry,
        answers=answers,
        waiting=waiting,
        reply_ready=ready_for_reply_approval(inquiry),
        may_approve_reply=may_approve_reply(inquiry, current_user),
        max_comment_chars=MAX_COMMENT_CHARS,
    )


def _under_review(draft: Draft) -> AnswerUnderReview:
    current = draft.current
    sources = sources_of(draft, current.paragraphs)
    checked = check_sentences(current.paragraphs, draft.citations, machine_sentences(draft))
    machine = [r for r in draft.revisions if r.origin == RevisionOrigin.GENERATED]
    changes = None if not machine or machine[-1] is current else word_diff(machine[-1].text, current.text)
    return AnswerUnderReview(
        draft=draft,
        paragraphs=answer_paragraphs(checked, {s.marker for s in sources}),
        notes=review_notes(draft, max_age_years=current_app.config["SOURCE_MAX_AGE_YEARS"]),
        sources=sources,
        changes=changes,
        may_approve=may_approve(draft, current_user),
        blocked=current.holds_abstention,
    )


MAX_COMMENT_CHARS = 5_000
"""A reviewer's comment says what to change; longer text belongs in the answer or a document."""


def _comment() -> str:
    comment = request.form.get("comment", "")
    if len(comment) > MAX_COMMENT_CHARS:
        raise WorkflowError(
            f"Der Kommentar ist zu lang (höchstens {MAX_COMMENT_CHARS:,} Zeichen). Bitte kürzen und erneut "
            "absenden.".replace(",", ".")
        )
    return comment


def _decide_on_answer(draft_id: int, decide) -> object:
    draft = get_draft(draft_id)
    try:
        message = decide(draft, _comment())
        db.session.commit()
        flash(message, "success")
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    if request.form.get("next") == "queue":
        return redirect(url_for("review.queue"))
    if request.form.get("next") == "inquiry":
        return redirect(
            url_for("review.inquiry_review", inquiry_id=draft.question.inquiry_id, _anchor=f"antwort-{draft.id}")
        )
    return redirect(url_for("drafts.workspace", draft_id=draft_id))


@bp.route("/answers/<int:draft_id>/approve", methods=["POST"])
@roles_required(*REVIEW)
def approve_answer(draft_id: int):
    def decide(draft, comment):
        approve(draft, current_user, comment)
        return f"Antwort {draft.question.label} ist freigegeben."

    return _decide_on_answer(draft_id, decide)


@bp.route("/answers/<int:draft_id>/changes", methods=["POST"])
@roles_required(*REVIEW)
def request_answer_changes(draft_id: int):
    def decide(draft, comment):
        request_changes(draft, current_user, comment)
        return f"Antwort {draft.question.label} geht mit Ihrem Kommentar zurück an die Sachbearbeitung."

    return _decide_on_answer(draft_id, decide)


@bp.route("/answers/<int:draft_id>/reopen", methods=["POST"])
@roles_required(*REVIEW)
def reopen_answer(draft_id: int):
    def decide(draft, comment):
        reply_was_approved = draft.question.inquiry.reply_approved
        reopen(draft, current_user, comment)
        message = f"Die Freigabe von Antwort {draft.question.label} ist aufgehoben; sie kann wieder bearbeitet werden."
        if reply_was_approved:
            message += " Damit ist auch die Freigabe der Gesamtantwort aufgehoben."
        return message

    return _decide_on_answer(draft_id, decide)


@bp.route("/inquiries/<int:inquiry_id>/approve", methods=["POST"])
@roles_required(*REVIEW)
def approve_whole(inquiry_id: int):
    return _decide_on_reply(inquiry_id, approve_reply, "Die Gesamtantwort ist freigegeben.")


@bp.route("/inquiries/<int:inquiry_id>/changes", methods=["POST"])
@roles_required(*REVIEW)
def request_whole_changes(inquiry_id: int):
    return _decide_on_reply(inquiry_id, request_reply_changes, "Ihr Kommentar zur Gesamtantwort ist gespeichert.")


def _decide_on_reply(inquiry_id: int, decide, success: str):
    inquiry = get_inquiry(inquiry_id)
    try:
        decide(inquiry, current_user, _comment())
        db.session.commit()
        flash(success, "success")
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    if request.form.get("next") == "inquiry":
        return redirect(url_for("review.inquiry_review", inquiry_id=inquiry.id, _anchor="gesamtantwort"))
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id, _anchor="freigabe"))
