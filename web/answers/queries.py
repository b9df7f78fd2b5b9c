"""Loading one answer (a draft) for the pages about it."""

from __future__ import annotations

from flask import abort

from web.database import db
from web.models import Draft


def get_draft(draft_id: int) -> Draft:
    """The draft, or a 404 page; its question, inquiry, revisions and citations load as the pages ask for them."""
    return db.session.get(Draft, draft_id) or abort(404)
