"""Login throttling that holds across gunicorn worker processes.

An in-memory counter counts per process, so several workers would allow several times the
attempts. The audit log already records every failed login in the one database all workers
share, so the throttle counts there. The key is address and account name together: one
office's shared address does not lock out colleagues, and nobody can lock another person's
account from elsewhere. The account name is folded in Python (SQLite's lower() leaves „Ü“
alone), and the address is kept only as a keyed hash: the audit log is never deleted, and a
throttle needs equality, not the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from web.database import db, utcnow
from web.models import AuditEntry

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_limit(text: str) -> tuple[int, int]:
    """Read a limit like "5 per minute", "20/hour" or "5 per 10 minutes" as (attempts, window in seconds)."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:per|/)\s*(\d*)\s*(second|minute|hour|day)s?\s*", text.lower())
    if not match or int(match.group(1)) < 1 or match.group(2) == "0":
        raise ValueError(f"Anmeldegrenze „{text}“ ist ungültig; erlaubt ist z. B. „5 per minute“ oder „20 per hour“.")
    return int(match.group(1)), int(match.group(2) or 1) * _UNITS[match.group(3)]


def account_key(username: str) -> str | None:
    """The attempted account name as the audit log records a failed login: folded like the login matches it."""
    return username.strip().lower()[:80] or None


def failure_detail(address: str | None) -> dict[str, str]:
    """What a failed login records besides the account name: a keyed hash of where the attempt came from."""
    secret = current_app.secret_key.encode()
    digest = hmac.new(secret, (address or "unbekannt").encode(), hashlib.sha256).hexdigest()[:16]
    return {"origin": digest}


def is_throttled(username: str, address: str | None, limit: str) -> bool:
    attempts, seconds = parse_limit(limit)
    failures = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "login_failed",
            AuditEntry.at >= utcnow() - timedelta(seconds=seconds),
            AuditEntry.object_id == account_key(username),
            AuditEntry.detail == json.dumps(failure_detail(address), ensure_ascii=False),
        )
    )
    return failures >= attempts
