"""Login throttling that holds across gunicorn worker processes.

An in-memory counter counts per process, so several workers would allow several times the
attempts. The audit log already records every failed login in the one database all workers
share, so the throttle counts there. The key is address and account name together: one
office's shared address does not lock out colleagues, and nobody can lock another person's
account from elsewhere.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import func, select

from web.database import db, utcnow
from web.models import AuditEntry

_UNITS = {"second": 1, "minute": 60, "hour": 3600}


def parse_limit(text: str) -> tuple[int, int]:
    """Read a limit like "5 per minute" or "20/hour" as (attempts, window in seconds)."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:per|/)\s*(second|minute|hour)s?\s*", text.lower())
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"Anmeldegrenze „{text}“ ist ungültig; erlaubt ist z. B. „5 per minute“ oder „20 per hour“.")
    return int(match.group(1)), _UNITS[match.group(2)]


def failure_detail(address: str | None) -> dict[str, str]:
    """What a failed login records besides the account name: where the attempt came from."""
    return {"address": address or "unbekannt"}


def is_throttled(username: str, address: str | None, limit: str) -> bool:
    attempts, seconds = parse_limit(limit)
    detail = json.dumps(failure_detail(address), ensure_ascii=False)
    failures = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "login_failed",
            AuditEntry.at >= utcnow() - timedelta(seconds=seconds),
            func.lower(AuditEntry.object_id) == username[:80].lower(),  # as the login itself matches names
            AuditEntry.detail == detail,
        )
    )
    return failures >= attempts
