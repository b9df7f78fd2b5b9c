"""Looking up an inquiry and the staff it can be assigned to; used by every area that works on inquiries."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from web.database import db
from web.models import Inquiry, Question, Role, Unit, User, UserRole


def get_inquiry(inquiry_id: int) -> Inquiry:
    """The inquiry, or a 404 page."""
    return db.session.get(Inquiry, inquiry_id) or abort(404)


def staff_users() -> list[User]:
    """Active accounts with the staff role, by name: who an inquiry can be assigned to."""
    return db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.STAFF, User.active).order_by(User.display_name)
    ).all()


def get_question(inquiry: Inquiry, question_id: int) -> Question:
    """A sub-question of this inquiry, or a 404 page (also for a question of another inquiry)."""
    question = db.session.get(Question, question_id)
    if question is None or question.inquiry_id != inquiry.id:
        abort(404)
    return question


def units_to_choose() -> list[Unit]:
    """Every unit, the default one first: an inquiry can be handed over to any Fachbereich."""
    return list(db.session.scalars(select(Unit).order_by(Unit.is_default.desc(), Unit.name)))
