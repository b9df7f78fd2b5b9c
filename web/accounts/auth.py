"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from web import audit
from web.accounts import directory, sessions
from web.accounts.login_throttle import account_key, count_attempt, failure_detail, first_unknown_name, give_back
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
    """Send everyone to the page of their main task: staff and reviewers to „Meine Aufgaben“, which lists what
    waits for them (the inquiry list is one click away in the navigation)."""
    if current_user.has_role(Role.STAFF, Role.REVIEWER):
        return redirect(url_for("tasks.index"))
    if current_user.has_role(Role.CURATOR):
        return redirect(url_for("knowledge.index"))
    if current_user.has_role(Role.ADMIN):
        return redirect(url_for("admin.users"))
    return render_template("auth/no_role.html")


def _account_signing_in(username: str, password: str) -> User:
    """The account `username` signs in to; raises a DirectoryRefusal whose message the login page shows.

    A local account of that name signs in with its own password (the first administrator, counties
    without a directory); any other name is asked of the directory, when one is configured.
    """
    local = directory.local_account(username)
    if local is not None or not directory.configured():
        valid = check_password_hash(local.password_hash if local else _DUMMY_HASH, password)
        if local is None:
            raise directory.UnknownName(directory.WRONG)
        if not valid or not local.active:
            raise directory.WrongCredentials(directory.WRONG)
        return local
    user = directory.sync_account(username, directory.authenticate(username, password))
    if not user.active:  # deactivated in drafter by the administration, whatever the directory says
        raise directory.WrongCredentials(directory.WRONG)
    return user


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    error = None
    status = 200
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        attempt = count_attempt(username, request.remote_addr) if current_app.config["RATELIMIT_ENABLED"] else None
        if attempt is not None and attempt.throttled:
            abort(429)
        try:
            user = _account_signing_in(username, password)
        except directory.DirectoryRefusal as refusal:
            db.session.rollback()
            error = refusal.message
            status = 503 if isinstance(refusal, directory.DirectoryUnavailable) else 401
            known = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
            # A failure for an existing account is recorded each time (the throttle bounds them); failures for
            # names that do not exist once per address and window, so spraying names cannot fill the log.
            if not isinstance(refusal, directory.UnknownName) or known or first_unknown_name(request.remote_addr):
                detail = failure_detail(request.remote_addr)
                if directory.configured():
                    detail["reason"] = refusal.reason
                audit.record("login_failed", "user", account_key(username), user=known, **detail)
            db.session.commit()
        else:
            if attempt is not None:
                give_back(attempt)
            session.clear()
            sessions.start_session(user)
            login_user(user)
            session.permanent = True
            user.last_login_at = utcnow()
            audit.record("login", "user", user.id, user=user, **({"source": "directory"} if user.directory_dn else {}))
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    page = render_template("auth/login.html", error=error, username=username, directory=directory.configured())
    return page, status


@bp.route("/logout", methods=["POST"])
@login_only
def logout():
    audit.record("logout", "user", current_user.id)
    sessions.revoke_current()
    db.session.commit()
    logout_user()
    session.clear()
    flash("Sie wurden abgemeldet.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_only
def password():
    error = None
    if request.method == "POST" and current_user.directory_dn:
        error = directory.OWN_PASSWORD
    elif request.method == "POST":
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        error = password_problem(new, request.form.get("repeat_password", ""), current_user.username)
        if not check_password_hash(current_user.password_hash, current):
            error = "Das bisherige Passwort ist falsch."
        elif new == current:
            error = "Das neue Passwort muss sich vom bisherigen unterscheiden."
        if error is None:
            current_user.password_hash = generate_password_hash(new)
            current_user.must_change_password = False
            ended = sessions.revoke_all(current_user.id)
            sessions.start_session(current_user)  # this browser stays signed in, every other one is signed out
            audit.record("password_changed", "user", current_user.id, sessions_ended=ended)
            db.session.commit()
            flash("Ihr Passwort wurde geändert.", "success")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", error=error), (400 if error else 200)


@bp.route("/logout/everywhere", methods=["POST"])
@login_only
def logout_everywhere():
    """„Alle Sitzungen abmelden“: for a lost or shared device, every browser of the account is signed out."""
    ended = sessions.revoke_all(current_user.id)
    audit.record("logout_everywhere", "user", current_user.id, sessions_ended=ended)
    db.session.commit()
    logout_user()
    session.clear()
    flash(f"Alle Sitzungen Ihres Kontos wurden beendet ({ended}). Bitte melden Sie sich neu an.", "info")
    return redirect(url_for("auth.login"))
