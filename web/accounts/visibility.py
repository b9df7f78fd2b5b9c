"""Who may see which inquiry, and recording who read one with personal data.

Inquiries belong to one organisational unit (Fachbereich), users to any number of them. With
DRAFTER_VISIBILITY=unit (the default) a staff member sees and edits the inquiries of their
units, a reviewer those of their units and those they have decided on; the inquiries of the
default unit („Allgemein“, created by the migration, where everything of an installation
without units lives) everyone with the role sees. DRAFTER_VISIBILITY=all lets every staff
member and reviewer see every inquiry, as before units existed.

The check runs before every view that names an inquiry or an answer in its URL
(`inquiry_id`, `draft_id`), so a new route cannot forget it; lists filter with
`visible_inquiries`. A full page (not an htmx fragment) of an inquiry with the requester's
data leaves an „inquiry_read“ row in the audit log: the access history the administration
exports per account.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import event, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from web import audit
from web.database import db
from web.models import Draft, Inquiry, Question, ReviewDecision, Role, Unit, User, UserUnit

PERSONAL_FIELDS = ("requester_name", "requester_email", "requester_street", "requester_postcode", "requester_city")


def visible_inquiries(user: User) -> ColumnElement[bool]:
    """A filter on `Inquiry` for the inquiries `user` may see."""
    if current_app.config["VISIBILITY"] == "all":
        return true()
    if not user.has_role(Role.STAFF, Role.REVIEWER):
        return false()
    default_units = select(Unit.id).where(Unit.is_default)
    own_units = select(UserUnit.unit_id).where(UserUnit.user_id == user.id)
    clauses = [Inquiry.unit_id.in_(default_units), Inquiry.unit_id.in_(own_units)]
    if user.has_role(Role.REVIEWER):
        clauses.append(Inquiry.id.in_(select(ReviewDecision.inquiry_id).where(ReviewDecision.reviewer_id == user.id)))
    return or_(*clauses)


def may_see(user: User, inquiry_id: int) -> bool:
    return db.session.scalar(select(Inquiry.id).where(Inquiry.id == inquiry_id, visible_inquiries(user))) is not None


def has_personal_data(inquiry: Inquiry) -> bool:
    return any(getattr(inquiry, field) for field in PERSONAL_FIELDS)


def _inquiry_of_request() -> int | None:
    """The inquiry the URL names, directly or through one of its answers; None when it names none (or nothing)."""
    args = request.view_args or {}
    if "inquiry_id" in args:
        return args["inquiry_id"]
    if "draft_id" in args and 0 < args["draft_id"] <= 2**63 - 1:
        return db.session.scalar(select(Question.inquiry_id).join(Draft).where(Draft.id == args["draft_id"]))
    return None


def _check_request() -> None:
    if not current_user.is_authenticated:
        return
    inquiry_id = _inquiry_of_request()
    if inquiry_id is None or not 0 < inquiry_id <= 2**63 - 1:
        return
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is None:
        return  # the view answers 404
    if not may_see(current_user, inquiry.id):
        abort(403)
    if request.method == "GET" and not request.headers.get("HX-Request") and has_personal_data(inquiry):
        audit.record("inquiry_read", "inquiry", inquiry.id, inquiry_id=inquiry.id, page=request.endpoint)
        db.session.commit()


@event.listens_for(Inquiry, "before_insert")
def _default_unit(mapper, connection, inquiry: Inquiry) -> None:
    """An inquiry saved without a unit goes to its creator's unit when they have exactly one, else to the default."""
    if inquiry.unit_id is not None:
        return
    units = connection.scalars(
        select(UserUnit.unit_id)
        .join(Unit, Unit.id == UserUnit.unit_id)
        .where(UserUnit.user_id == inquiry.created_by_id, Unit.is_default.is_(False))
    ).all()
    if len(units) == 1:
        inquiry.unit_id = units[0]
    else:
        inquiry.unit_id = connection.scalar(select(Unit.id).where(Unit.is_default).order_by(Unit.id).limit(1))


def init_app(app: Flask) -> None:
    app.before_request(_check_request)
