"""The work lists of „Meine Aufgaben“, one query per list, each within the unit visibility rules.

Staff see the inquiries that are theirs: assigned to them, or assigned to nobody yet and
visible to them (their units and the default unit); in those, the answers still to write,
the answers sent back (also any they wrote elsewhere) and the inquiries due within
TASKS_DUE_DAYS. Reviewers see the answers submitted for review, with who submitted them and
when (from the audit log, where each submission is recorded), and replies ready for approval.
Curators see failed uploads no later upload of the same file has replaced; administrators
see notification mails the SMTP server did not take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from web.accounts.visibility import visible_inquiries
from web.answers.queries import drafts_in_review
from web.answers.rules import may_approve, ready_for_reply_approval
from web.database import db
from web.models import (
    OPEN_INQUIRY_STATUSES,
    AnswerStatus,
    AuditEntry,
    Decision,
    Draft,
    DraftRevision,
    IngestionJob,
    Inquiry,
    InquiryStatus,
    JobState,
    MailJob,
    Question,
    ReviewDecision,
    User,
)

SHOWN = 100
"""Longer lists are cut; the inquiry list and the review queue show everything."""


@dataclass(frozen=True)
class InquiryToWork:
    inquiry: Inquiry
    open_answers: int
    """Questions without an answer or with an answer still in draft."""


@dataclass(frozen=True)
class SentBack:
    draft: Draft
    reviewer: User | None
    comment: str | None
    at: datetime | None


@dataclass(frozen=True)
class Submitted:
    draft: Draft
    submitted_by: str
    at: datetime | None
    own: bool
    """Written partly by the reviewer, who may therefore not approve it."""


def _theirs(user: User):
    """The inquiries that are the user's to work on."""
    return and_(visible_inquiries(user), or_(Inquiry.assignee_id == user.id, Inquiry.assignee_id.is_(None)))


def inquiries_to_work(user: User) -> list[InquiryToWork]:
    open_answers = func.count(Question.id).filter(or_(Draft.id.is_(None), Draft.status == AnswerStatus.DRAFT))
    rows = db.session.execute(
        select(Inquiry, open_answers)
        .outerjoin(Question, Question.inquiry_id == Inquiry.id)
        .outerjoin(Draft, Draft.question_id == Question.id)
        .where(_theirs(user), Inquiry.status.in_((InquiryStatus.NEW, InquiryStatus.DRAFTING, InquiryStatus.IN_REVIEW)))
        .group_by(Inquiry.id)
        .order_by(Inquiry.deadline, Inquiry.id)
    ).all()
    work = [InquiryToWork(inquiry, count) for inquiry, count in rows if count or inquiry.status == InquiryStatus.NEW]
    return work[:SHOWN]


def sent_back(user: User) -> list[SentBack]:
    written = select(DraftRevision.draft_id).where(DraftRevision.author_id == user.id)
    drafts = db.session.scalars(
        select(Draft)
        .join(Question)
        .join(Inquiry)
        .where(
            Draft.status == AnswerStatus.CHANGES_REQUESTED,
            visible_inquiries(user),
            or_(_theirs(user), Draft.id.in_(written)),
        )
        .order_by(Inquiry.deadline, Inquiry.id, Question.position)
        .limit(SHOWN)
    ).all()
    latest = _latest_decisions([d.id for d in drafts], Decision.CHANGES_REQUESTED)
    return [SentBack(d, *latest.get(d.id, (None, None, None))) for d in drafts]


def _latest_decisions(draft_ids: list[int], decision: Decision) -> dict[int, tuple[User, str | None, datetime]]:
    rows = db.session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.draft_id.in_(draft_ids), ReviewDecision.decision == decision)
        .order_by(ReviewDecision.id)
    ).all()
    return {row.draft_id: (row.reviewer, row.comment, row.created_at) for row in rows}


def due_soon(user: User, today: date, days: int) -> list[Inquiry]:
    """The user's open inquiries due within `days` (overdue ones included), the earliest first."""
    return db.session.scalars(
        select(Inquiry)
        .where(_theirs(user), Inquiry.status.in_(OPEN_INQUIRY_STATUSES), Inquiry.deadline <= today + timedelta(days))
        .order_by(Inquiry.deadline, Inquiry.id)
        .limit(SHOWN)
    ).all()


def submitted_for_review(user: User) -> list[Submitted]:
    drafts = drafts_in_review(user)[:SHOWN]
    submitter = aliased(User)
    rows = db.session.execute(
        select(AuditEntry.object_id, AuditEntry.username, submitter.display_name, AuditEntry.at)
        .outerjoin(submitter, submitter.id == AuditEntry.user_id)
        .where(
            AuditEntry.action == "submitted",
            AuditEntry.object_type == "draft",
            AuditEntry.object_id.in_([str(d.id) for d in drafts]),
        )
        .order_by(AuditEntry.id)
    ).all()
    latest = {object_id: (name or username, at) for object_id, username, name, at in rows}
    return [Submitted(d, *latest.get(str(d.id), ("unbekannt", None)), own=not may_approve(d, user)) for d in drafts]


def replies_to_approve(user: User) -> list[Inquiry]:
    inquiries = db.session.scalars(
        select(Inquiry)
        .where(Inquiry.status == InquiryStatus.IN_REVIEW, Inquiry.reply_approved.is_(False), visible_inquiries(user))
        .order_by(Inquiry.deadline)
        .limit(SHOWN)
    ).all()
    return [inquiry for inquiry in inquiries if ready_for_reply_approval(inquiry)]


def failed_uploads() -> list[IngestionJob]:
    later = aliased(IngestionJob)
    replaced = (
        select(later.id)
        .where(later.filename == IngestionJob.filename, later.id > IngestionJob.id, later.state == JobState.DONE)
        .exists()
    )
    return db.session.scalars(
        select(IngestionJob)
        .where(IngestionJob.state == JobState.FAILED, ~replaced)
        .order_by(IngestionJob.id.desc())
        .limit(SHOWN)
    ).all()


def failed_mails() -> list[MailJob]:
    return db.session.scalars(
        select(MailJob).where(MailJob.state == JobState.FAILED).order_by(MailJob.id.desc()).limit(SHOWN)
    ).all()
