"""Signed-in sessions: loading the user of a request, sending anonymous visitors to the login, forcing a
password change, and checking the login limit at start-up (the throttle itself: login_throttle.py)."""

from __future__ import annotations

from flask import Flask, Response, flash, redirect, request, url_for
from flask_login import LoginManager, current_user
from sqlalchemy.orm import selectinload

from web.accounts.login_throttle import parse_limit
from web.database import db
from web.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id), options=[selectinload(User.role_rows)])
    return user if user is not None and user.active else None


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
    parse_limit(app.config["LOGIN_RATE_LIMIT"])  # a mistyped limit stops the start, not the first login

    @app.before_request
    def _force_password_change():
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in {"auth.password", "auth.logout", "static"}
        ):
            return redirect(url_for("auth.password"))
        return None
