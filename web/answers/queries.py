"""Loading one answer (a draft) for the pages about it, and the answers waiting for review."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from web.accounts.visibility import visible_inquiries
from web.database import db
from web.models import AnswerStatus, Draft, Inquiry, Question, User

MAX_ID = 2**63 - 1
"""The largest id a database stores; a larger number in a URL names nothing (and would overflow the query)."""


def get_draft(draft_id: int) -> Draft:
    """The draft, or a 404 page; its question, inquiry, revisions and citations load as the pages ask for them."""
    if not 0 < draft_id <= MAX_ID:
        abort(404)
    return db.session.get(Draft, draft_id) or abort(404)


def drafts_in_review(user: User) -> list[Draft]:
    """The submitted answers `user` may see, by deadline, inquiry and question (review queue, „Meine Aufgaben“)."""
    return db.session.scalars(
        select(Draft)
        .join(Question)
        .join(Inquiry)
        .where(Draft.status == AnswerStatus.IN_REVIEW, visible_inquiries(user))
        .order_by(Inquiry.deadline, Inquiry.id, Question.position)
    ).all()
