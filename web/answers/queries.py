"""Loading one answer (a draft) with what every page about it shows: its question, inquiry and citations."""

from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from web.database import db
from web.models import Draft, DraftRevision, Inquiry, Question

# The workspace's statements are built once: a statement built anew is hashed for SQLAlchemy's compiled
# cache on every run, and building and hashing them cost more than running them (bench/web.py: 350 → 450
# workspace views a second).
_DRAFT_OPTIONS = (
    # The inquiry's text (often long) is not repeated in every citation's row, nor is its assignee joined
    # (the workspace does not show it); both load if asked for.
    joinedload(Draft.question).joinedload(Question.inquiry).defer(Inquiry.text).lazyload(Inquiry.assignee),
    joinedload(Draft.citations),
    # Not noload: SQLAlchemy applies these options again when it reloads the draft after a commit or
    # rollback, and noload would then show it without revisions.
    lazyload(Draft.revisions),
)
_REVISIONS = select(DraftRevision).where(DraftRevision.draft_id == bindparam("draft_id")).order_by(DraftRevision.number)


def get_draft(draft_id: int) -> Draft:
    """The draft with its question, inquiry and citations in one statement, then its revisions.

    The citations are joined rather than fetched by a second statement: a draft has a handful, and the
    second statement cost more than the repeated columns. The revisions, which can be many, come from a
    statement of their own, kept like the others: SQLAlchemy's selectin loader builds its statement
    anew on every load, 0.3 ms more of the workspace's 3.7 ms.
    """
    draft = db.session.get(Draft, draft_id, options=_DRAFT_OPTIONS) or abort(404)
    if "revisions" in inspect(draft).unloaded:  # loaded already, they may hold a revision not yet flushed
        set_committed_value(draft, "revisions", db.session.scalars(_REVISIONS, {"draft_id": draft_id}).all())
    return draft
