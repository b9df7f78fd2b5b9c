"""Sessions, CSRF and HTTP security headers (login throttling: web.login_throttle).

CSRF tokens are checked on every POST, from the form field or, for htmx requests, from the
X-CSRFToken header that base.html sets on <body>. The content security policy allows only
our own scripts and styles, which is why the app has no inline JavaScript.
"""

from __future__ import annotations

from flask import Flask, Response, flash, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import bindparam, func, select
from werkzeug.middleware.proxy_fix import ProxyFix

from web.database import db
from web.login_throttle import parse_limit
from web.models import User, UserRole

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# Every request runs this, so it is built once, and fetches the user with the role names in one statement:
# one round trip less than loading the role rows after the user.
_USER_WITH_ROLES = select(
    User,
    select(func.aggregate_strings(UserRole.role, " ")).where(UserRole.user_id == User.id).scalar_subquery(),
).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    found = db.session.execute(_USER_WITH_ROLES, {"user_id": int(user_id)}).first()
    if found is None or not found[0].active:
        return None
    user, roles = found
    user.know_roles((roles or "").split())
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
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    csrf.init_app(app)
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

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
