"""Who may do what: one decorator per view naming the roles that may call it.

Every view except login and static files carries `roles_required(...)` (or `login_only`);
`create_app` checks this at start-up so that a new route cannot forget it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from web.models import Role

READ_INQUIRIES = (Role.STAFF, Role.REVIEWER)
EDIT_INQUIRIES = (Role.STAFF,)
REVIEW = (Role.REVIEWER,)
READ_KNOWLEDGE = (Role.STAFF, Role.REVIEWER, Role.CURATOR)
CURATE = (Role.CURATOR,)
ADMINISTER = (Role.ADMIN,)


def roles_required(*roles: Role) -> Callable:
    """Allow the view to users holding at least one of `roles`; others get 403, anonymous users the login."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(wrapped)
        guarded.allowed_roles = frozenset(roles)
        return guarded

    return decorate


def login_only(view: Callable) -> Callable:
    """For pages every signed-in user may see (start page, own password)."""
    guarded = login_required(view)
    guarded.allowed_roles = frozenset(Role)
    return guarded


def public(view: Callable) -> Callable:
    view.allowed_roles = None
    return view
