"""Who is told about a step in the workflow, stored in the same transaction as the step itself.

A notification goes to the people who work on the answer (the inquiry's assignee and the
author of the answer's current text), never to the one who took the step. When the county's
SMTP server is configured and the recipient has an e-mail address, a mail job is queued with
it; the job runner gets it only after the commit (`_hand_over_after_commit`), so a rolled-back
step mails nobody and a slow mail server never holds up the request.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from web.database import db, utcnow
from web.models import Draft, Inquiry, MailJob, Notification, NotificationKind, User

QUEUE = "mail"
_QUEUED_JOBS = "drafter_mail_jobs"
_COMMITTED_IDS = "drafter_mail_job_ids"


def answer_sent_back(draft: Draft, reviewer: User, comment: str) -> None:
    _tell(_workers_on(draft), NotificationKind.SENT_BACK, draft.question.inquiry, draft, reviewer, comment)


def answer_approved(draft: Draft, reviewer: User, comment: str) -> None:
    _tell(_workers_on(draft), NotificationKind.APPROVED, draft.question.inquiry, draft, reviewer, comment)


def inquiry_assigned(inquiry: Inquiry, by: User) -> None:
    """Tell the new assignee; assigning an inquiry to oneself tells nobody."""
    if inquiry.assignee_id is not None:
        _tell({inquiry.assignee_id}, NotificationKind.ASSIGNED, inquiry, None, by, "")


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(user: User, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications read, or all of them when no id is given."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    db.session.execute(statement.values(read_at=utcnow()))


def _workers_on(draft: Draft) -> set[int]:
    return {user_id for user_id in (draft.question.inquiry.assignee_id, draft.current.author_id) if user_id}


def _tell(
    user_ids: set[int], kind: NotificationKind, inquiry: Inquiry, draft: Draft | None, actor: User, comment: str
) -> None:
    recipients = db.session.scalars(
        select(User).where(User.id.in_(user_ids - {actor.id}), User.active).order_by(User.id)
    ).all()
    mail_on = bool(current_app.config["SMTP_HOST"])
    for recipient in recipients:
        notification = Notification(
            user_id=recipient.id,
            kind=kind,
            inquiry_id=inquiry.id,
            draft_id=draft.id if draft else None,
            actor_id=actor.id,
            comment=comment.strip() or None,
        )
        db.session.add(notification)
        if mail_on and recipient.email:
            job = MailJob(notification=notification, recipient=recipient.email)
            db.session.add(job)
            db.session.info.setdefault(_QUEUED_JOBS, []).append(job)


@event.listens_for(Session, "after_flush_postexec")
def _remember_ids(session: Session, flush_context) -> None:
    """Job ids exist after the flush; after the commit the rows may no longer be read."""
    jobs = session.info.get(_QUEUED_JOBS)
    if jobs:
        session.info.setdefault(_COMMITTED_IDS, []).extend(job.id for job in jobs if job.id is not None)
        session.info[_QUEUED_JOBS] = [job for job in jobs if job.id is None]


@event.listens_for(Session, "after_commit")
def _hand_over_after_commit(session: Session) -> None:
    ids = session.info.pop(_COMMITTED_IDS, None)
    if ids:
        current_app.extensions["drafter_jobs"].submit(QUEUE, ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED_JOBS, None)
    session.info.pop(_COMMITTED_IDS, None)
