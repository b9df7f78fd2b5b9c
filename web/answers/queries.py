"""Loading one answer (a draft) for the pages about it."""

from __future__ import annotations

from flask import abort

from web.database import db
from web.models import Draft

MAX_ID = 2**63 - 1
"""The largest id a database stores; a larger number in a URL names nothing (and would overflow the query)."""


def get_draft(draft_id: int) -> Draft:
    """The draft, or a 404 page; its question, inquiry, revisions and citations load as the pages ask for them."""
    if not 0 < draft_id <= MAX_ID:
        abort(404)
    return db.session.get(Draft, draft_id) or abort(404)
