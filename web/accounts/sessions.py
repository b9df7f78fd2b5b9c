"""Signed-in sessions, kept in the database so that they can be revoked.

Flask's signed cookie still carries the CSRF token and flashed messages, but whom it signs in
is decided here: login stores a random token in the cookie and a row keyed by the token's
SHA-256 in `user_sessions`. Every request looks the row up; a revoked row, an idle or an
absolute timeout (DRAFTER_SESSION_IDLE_MINUTES, DRAFTER_SESSION_MAX_HOURS) signs the cookie
out. A copied cookie therefore stops working with logout, a password change, deactivation or
„Alle Sitzungen abmelden“. Also here: sending anonymous visitors to the login, forcing a
password change, and checking the login limits at start-up (the throttle: login_throttle.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from web.accounts.login_throttle import parse_limit
from web.database import db, utcnow
from web.models import User, UserSession

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

SESSION_KEY = "sid"
# How often a session's "last seen" is written: once a minute is exact enough for the idle timeout
# and spares the database a write on every request.
LAST_SEEN_STEP = timedelta(minutes=1)


def _row_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> None:
    """Open a new database session for `user` and put its token into the cookie (the caller commits)."""
    # Sessions past the absolute timeout sign nobody in any more; their history is in the audit log.
    db.session.execute(delete(UserSession).where(UserSession.created_at < utcnow() - _timeouts()[1]))
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(id=_row_id(token), user_id=user.id, user_agent=(request.user_agent.string or "")[:300] or None)
    )
    session[SESSION_KEY] = token


def current_session_id() -> str | None:
    token = session.get(SESSION_KEY)
    return _row_id(token) if isinstance(token, str) else None


def revoke_current() -> None:
    """End the session of this request (logout); the caller commits."""
    row_id = current_session_id()
    if row_id:
        db.session.execute(update(UserSession).where(UserSession.id == row_id).values(revoked=True))


def revoke_all(user_id: int) -> int:
    """End every session of an account (password change, deactivation, „Alle Sitzungen abmelden“)."""
    result = db.session.execute(
        update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked.is_(False)).values(revoked=True)
    )
    return result.rowcount


def revoke_one(user_id: int, row_id: str) -> bool:
    """End one session of an account, as the administration does from the account's page."""
    result = db.session.execute(
        update(UserSession).where(UserSession.id == row_id, UserSession.user_id == user_id).values(revoked=True)
    )
    return result.rowcount > 0


def active_sessions(user_id: int) -> list[UserSession]:
    """The account's sessions that still sign someone in, newest first."""
    now = utcnow()
    idle, absolute = _timeouts()
    return db.session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked.is_(False),
            UserSession.last_seen_at > now - idle,
            UserSession.created_at > now - absolute,
        )
        .order_by(UserSession.created_at.desc())
    ).all()


def _timeouts() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_MAX_HOURS"])


def _is_live(row: UserSession, now: datetime) -> bool:
    idle, absolute = _timeouts()
    return not row.revoked and now - row.last_seen_at <= idle and now - row.created_at <= absolute


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    row_id = current_session_id()
    row = db.session.get(UserSession, row_id) if row_id else None
    now = utcnow()
    if row is None or row.user_id != int(user_id) or not _is_live(row, now):
        session.clear()
        return None
    user = db.session.get(User, row.user_id, options=[selectinload(User.role_rows)])
    if user is None or not user.active:
        return None
    if now - row.last_seen_at >= LAST_SEEN_STEP:
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        db.session.commit()
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    """Send to the login page; htmx requests are told to redirect the whole page instead of swapping it in."""
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request"):
        return Response(status=401, headers={"HX-Redirect": target})
    flash(login_manager.login_message, "info")
    return redirect(target)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    # A mistyped limit stops the start, not the first login.
    for name in ("LOGIN_RATE_LIMIT", "LOGIN_ADDRESS_LIMIT", "LOGIN_ACCOUNT_LIMIT"):
        parse_limit(app.config[name])

    @app.before_request
    def _force_password_change():
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in {"auth.password", "auth.logout", "auth.logout_everywhere", "static"}
        ):
            return redirect(url_for("auth.password"))
        return None
