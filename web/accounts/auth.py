"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from web import audit
from web.accounts.login_throttle import account_key, failure_detail, is_throttled
from web.accounts.passwords import password_problem
from web.accounts.permissions import login_only, public
from web.database import db, utcnow
from web.models import Role, User

bp = Blueprint("auth", __name__, template_folder="templates")

# Compared against when the account does not exist, so that both cases take the same time.
_DUMMY_HASH = generate_password_hash("kein-konto-vorhanden")


def _safe_next(target: str | None) -> str:
    """Only local paths: a login link must not forward to another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("auth.home")


@bp.route("/")
@login_only
def home():
    """Send everyone to the page of their main task."""
    if current_user.has_role(Role.STAFF, Role.REVIEWER):
        return redirect(url_for("inquiries.index"))
    if current_user.has_role(Role.CURATOR):
        return redirect(url_for("knowledge.index"))
    if current_user.has_role(Role.ADMIN):
        return redirect(url_for("admin.users"))
    return render_template("auth/no_role.html")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        config = current_app.config
        if config["RATELIMIT_ENABLED"] and is_throttled(username, request.remote_addr, config["LOGIN_RATE_LIMIT"]):
            abort(429)
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
        if user is None or not valid or not user.active:
            error = "Benutzername oder Passwort ist falsch."
            detail = failure_detail(request.remote_addr)
            audit.record("login_failed", "user", account_key(username), user=user, **detail)
            db.session.commit()
        else:
            session.clear()
            login_user(user)
            session.permanent = True
            user.last_login_at = utcnow()
            audit.record("login", "user", user.id, user=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error, username=username), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@login_only
def logout():
    audit.record("logout", "user", current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Sie wurden abgemeldet.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_only
def password():
    error = None
    if request.method == "POST":
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        error = password_problem(new, request.form.get("repeat_password", ""))
        if not check_password_hash(current_user.password_hash, current):
            error = "Das bisherige Passwort ist falsch."
        elif new == current:
            error = "Das neue Passwort muss sich vom bisherigen unterscheiden."
        if error is None:
            current_user.password_hash = generate_password_hash(new)
            current_user.must_change_password = False
            audit.record("password_changed", "user", current_user.id)
            db.session.commit()
            flash("Ihr Passwort wurde geändert.", "success")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", error=error), (400 if error else 200)
