"""The append-only audit log: every action that changes data leaves one row saying who, what and when.

`record` adds the row to the current session so it commits together with the change it
describes (no log entry for a change that was rolled back). The ORM refuses to update or
delete audit rows; the migration adds database triggers that refuse it as well.
"""

from __future__ import annotations

import json

from flask_login import current_user
from sqlalchemy import event

from web.database import db
from web.models import AuditEntry, User


class AuditLogIsAppendOnly(RuntimeError):
    pass


def record(
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    inquiry_id: int | None = None,
    user: User | None = None,
    **detail: object,
) -> AuditEntry:
    actor = user if user is not None else _current_user()
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        username=actor.username if actor else "system",
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        inquiry_id=inquiry_id,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )
    db.session.add(entry)
    return entry


def _current_user() -> User | None:
    try:
        user = current_user._get_current_object()
    except (AttributeError, RuntimeError):  # outside a request (worker thread, CLI)
        return None
    return user if getattr(user, "is_authenticated", False) else None


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise AuditLogIsAppendOnly("Einträge des Prüfprotokolls können nicht geändert oder gelöscht werden.")
