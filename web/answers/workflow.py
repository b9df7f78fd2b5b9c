"""The steps that move an answer and the whole reply through review, each recorded in the audit log.

Whether a step is allowed is decided in web/answers/rules.py; this module performs it: it
changes the rows, records the decision and the audit entry, and updates the inquiry's status.
"""

from __future__ import annotations

from drafter.models import DraftSentence
from web import audit
from web.answers.rules import (
    WorkflowError,
    check_approvable,
    check_changes_requestable,
    check_reopenable,
    check_reply_approvable,
    check_reply_changes_requestable,
    check_submittable,
    check_withdrawable,
    inquiry_status,
    is_unchanged_machine_draft,
)
from web.database import db, utcnow
from web.models import AnswerStatus, Decision, Draft, DraftRevision, Inquiry, ReviewDecision, RevisionOrigin, User
from web.notifications import notify

__all__ = ["WorkflowError"]  # raised by every step here; views catch it from this module or from rules


def add_revision(draft: Draft, paragraphs: list[list[DraftSentence]], origin: RevisionOrigin, author: User):
    """A new revision on top of the current one; editing an answer sent back makes it a draft again."""
    number = draft.revisions[-1].number + 1 if draft.revisions else 1
    revision = DraftRevision(number=number, origin=origin, author_id=author.id)
    revision.paragraphs = paragraphs
    draft.revisions.append(revision)
    draft.updated_at = utcnow()
    if draft.status == AnswerStatus.CHANGES_REQUESTED and origin != RevisionOrigin.GENERATED:
        draft.status = AnswerStatus.DRAFT
    return revision


def submit(draft: Draft, user: User, confirmed_unchanged: bool = False) -> None:
    check_submittable(draft, confirmed_unchanged)
    draft.status = AnswerStatus.IN_REVIEW
    unchanged = is_unchanged_machine_draft(draft)
    audit.record(
        "submitted", "draft", draft.id, inquiry_id=draft.question.inquiry_id, user=user, unchanged=unchanged or None
    )
    refresh_status(draft.question.inquiry)


def withdraw(draft: Draft, user: User) -> None:
    check_withdrawable(draft)
    draft.status = AnswerStatus.DRAFT
    audit.record("withdrawn", "draft", draft.id, inquiry_id=draft.question.inquiry_id, user=user)
    refresh_status(draft.question.inquiry)


def approve(draft: Draft, reviewer: User, comment: str = "") -> None:
    check_approvable(draft, reviewer)
    draft.status = AnswerStatus.APPROVED
    draft.approved_by_id = reviewer.id
    draft.approved_at = utcnow()
    _decide(draft.question.inquiry, draft, reviewer, Decision.APPROVED, comment)
    notify.answer_approved(draft, reviewer, comment)


def request_changes(draft: Draft, reviewer: User, comment: str) -> None:
    check_changes_requestable(draft, comment)
    draft.status = AnswerStatus.CHANGES_REQUESTED
    _decide(draft.question.inquiry, draft, reviewer, Decision.CHANGES_REQUESTED, comment)
    notify.answer_sent_back(draft, reviewer, comment)


def reopen(draft: Draft, reviewer: User, comment: str) -> None:
    check_reopenable(draft, comment)
    draft.status = AnswerStatus.DRAFT
    draft.approved_by_id = None
    draft.approved_at = None
    inquiry = draft.question.inquiry
    inquiry.reply_approved = False
    inquiry.reply_approved_by_id = None
    _decide(inquiry, draft, reviewer, Decision.REOPENED, comment)


def approve_reply(inquiry: Inquiry, reviewer: User, comment: str = "") -> None:
    check_reply_approvable(inquiry, reviewer)
    inquiry.reply_approved = True
    inquiry.reply_approved_by_id = reviewer.id
    _decide(inquiry, None, reviewer, Decision.APPROVED, comment)


def request_reply_changes(inquiry: Inquiry, reviewer: User, comment: str) -> None:
    check_reply_changes_requestable(inquiry, comment)
    inquiry.reply_approved = False
    inquiry.reply_approved_by_id = None
    _decide(inquiry, None, reviewer, Decision.CHANGES_REQUESTED, comment)


def mark_sent(inquiry: Inquiry) -> None:
    inquiry.sent_at = utcnow()
    refresh_status(inquiry)
    audit.record("marked_sent", "inquiry", inquiry.id, inquiry_id=inquiry.id)


def refresh_status(inquiry: Inquiry) -> None:
    inquiry.status = inquiry_status(inquiry)


def _decide(inquiry: Inquiry, draft: Draft | None, reviewer: User, decision: Decision, comment: str) -> None:
    db.session.add(
        ReviewDecision(
            inquiry_id=inquiry.id,
            draft_id=draft.id if draft else None,
            reviewer_id=reviewer.id,
            decision=decision,
            comment=comment.strip() or None,
        )
    )
    action = str(decision) if draft else f"reply_{decision}"
    audit.record(
        action,
        "draft" if draft else "inquiry",
        draft.id if draft else inquiry.id,
        inquiry_id=inquiry.id,
        user=reviewer,
        comment=comment.strip() or None,
    )
    refresh_status(inquiry)
