"""Review under the four-eyes principle: approve or send back each answer and the whole reply.

The rules live in web/answers/rules.py and the steps in web/answers/workflow.py; these views
only collect the reviewer's decision and comment and show the German reason when a step is
not allowed.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from web.accounts.permissions import REVIEW, roles_required
from web.answers.queries import get_draft
from web.answers.rules import WorkflowError, may_approve, ready_for_reply_approval
from web.answers.workflow import approve, approve_reply, reopen, request_changes, request_reply_changes
from web.database import db
from web.inquiries.queries import get_inquiry
from web.models import AnswerStatus, Draft, Inquiry, InquiryStatus, Question

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


@bp.route("/")
@roles_required(*REVIEW)
def queue():
    waiting = db.session.scalars(
        select(Draft)
        .join(Question)
        .join(Inquiry)
        .where(Draft.status == AnswerStatus.IN_REVIEW)
        .order_by(Inquiry.deadline, Inquiry.id, Question.position)
    ).all()
    replies = db.session.scalars(
        select(Inquiry).where(Inquiry.status == InquiryStatus.IN_REVIEW).order_by(Inquiry.deadline)
    ).all()
    return render_template(
        "review/queue.html",
        waiting=waiting,
        own={d.id for d in waiting if not may_approve(d, current_user)},
        ready=[inquiry for inquiry in replies if ready_for_reply_approval(inquiry)],
    )


def _decide_on_answer(draft_id: int, decide) -> object:
    draft = get_draft(draft_id)
    comment = request.form.get("comment", "")
    try:
        message = decide(draft, comment)
        db.session.commit()
        flash(message, "success")
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    if request.form.get("next") == "queue":
        return redirect(url_for("review.queue"))
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
        reopen(draft, current_user, comment)
        return f"Die Freigabe von Antwort {draft.question.label} ist aufgehoben; sie kann wieder bearbeitet werden."

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
        decide(inquiry, current_user, request.form.get("comment", ""))
        db.session.commit()
        flash(success, "success")
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id, _anchor="freigabe"))
