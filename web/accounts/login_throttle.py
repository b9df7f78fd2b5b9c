"""Login throttling that holds across gunicorn worker processes and parallel requests.

Each attempt is counted before its password is checked, by one atomic upsert per key
(`INSERT … ON CONFLICT DO UPDATE … RETURNING count`) in the database all workers share; an
attempt whose count passes a limit is refused. Counting first is what makes the limit hold
when 40 attempts arrive at once: a count read before and written after the check let 8 of 40
through. A successful login gives its attempt back, so only failures and attempts in flight
use up the limit.

Three keys, each with its own limit (fixed windows): address and account name together
(DRAFTER_LOGIN_RATE_LIMIT: one office's shared address does not lock out colleagues), the
address alone (DRAFTER_LOGIN_ADDRESS_LIMIT: spraying across many names), and the account
alone (DRAFTER_LOGIN_ACCOUNT_LIMIT, higher: guessing from many addresses). The account name
is folded in Python (SQLite's lower() leaves „Ü“ alone); the address is kept only as a keyed
hash, here and in the audit log, which is never deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite

from web.database import db, utcnow
from web.models import LoginAttemptCount

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


def origin_hash(address: str | None) -> str:
    """A keyed hash of where an attempt came from: equal for equal addresses, and not the address."""
    secret = current_app.secret_key.encode()
    return hmac.new(secret, (address or "unbekannt").encode(), hashlib.sha256).hexdigest()[:16]


def failure_detail(address: str | None) -> dict[str, str]:
    """What a failed login records besides the account name."""
    return {"origin": origin_hash(address)}


@dataclass(frozen=True)
class Attempt:
    """The counted keys of one login attempt, with the window each was counted in."""

    counted: tuple[tuple[str, int], ...]
    throttled: bool


def _limits(username: str, address: str | None) -> list[tuple[str, str]]:
    config = current_app.config
    origin, account = origin_hash(address), hashlib.sha256((account_key(username) or "").encode()).hexdigest()[:32]
    return [
        (f"pair:{origin}:{account}", config["LOGIN_RATE_LIMIT"]),
        (f"address:{origin}", config["LOGIN_ADDRESS_LIMIT"]),
        (f"account:{account}", config["LOGIN_ACCOUNT_LIMIT"]),
    ]


def _insert():
    return (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert(LoginAttemptCount)


def _increment(key: str, seconds: int) -> tuple[int, int]:
    """Add one to the key's count in the current window, atomically; (window, new count)."""
    window = math.floor(time.time() / seconds)
    statement = (
        _insert()
        .values(key=key, period=window, count=1, expires_at=utcnow() + timedelta(seconds=seconds))
        .on_conflict_do_update(index_elements=["key", "period"], set_={"count": LoginAttemptCount.count + 1})
        .returning(LoginAttemptCount.count)
    )
    return window, db.session.execute(statement).scalar_one()


def count_attempt(username: str, address: str | None) -> Attempt:
    """Count one attempt under every key and commit at once, so that parallel attempts see each other's count."""
    db.session.execute(delete(LoginAttemptCount).where(LoginAttemptCount.expires_at < utcnow()))
    counted, throttled = [], False
    for key, limit in _limits(username, address):
        attempts, seconds = parse_limit(limit)
        window, count = _increment(key, seconds)
        counted.append((key, window))
        throttled = throttled or count > attempts
    db.session.commit()
    return Attempt(counted=tuple(counted), throttled=throttled)


def give_back(attempt: Attempt) -> None:
    """A successful login does not use up the limit (the caller commits)."""
    for key, window in attempt.counted:
        db.session.execute(
            update(LoginAttemptCount)
            .where(LoginAttemptCount.key == key, LoginAttemptCount.period == window)
            .values(count=LoginAttemptCount.count - 1)
        )


def first_unknown_name(address: str | None) -> bool:
    """Whether this is the address's first failure for a name that does not exist in the address limit's window:
    those are recorded once per address and window, so spraying names cannot fill the audit log."""
    _, seconds = parse_limit(current_app.config["LOGIN_ADDRESS_LIMIT"])
    return _increment(f"unknown:{origin_hash(address)}", seconds)[1] == 1
