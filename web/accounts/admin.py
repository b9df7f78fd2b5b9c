"""Administration: accounts and their roles, and reading the audit log.

Accounts are never deleted (the audit log and drafts refer to them); they are deactivated.
"""

from __future__ import annotations

import csv
import io
import secrets

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from web import audit
from web.accounts import sessions
from web.accounts.audit_reading import action_de, readable_rows
from web.accounts.passwords import password_problem
from web.accounts.permissions import ADMINISTER, roles_required
from web.database import db
from web.models import AuditEntry, Role, Unit, User

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

AUDIT_PAGE_SIZE = 100


def _roles_from_form() -> set[Role]:
    return {role for role in Role if request.form.get(f"role_{role}")}


def all_units() -> list[Unit]:
    return db.session.scalars(select(Unit).order_by(Unit.is_default.desc(), Unit.name)).all()


def _units_from_form() -> list[Unit]:
    return [unit for unit in all_units() if request.form.get(f"unit_{unit.id}")]


def _email_from_form(errors: dict[str, str]) -> str | None:
    """The address notifications are mailed to; empty means the account gets them in the app only."""
    email = request.form.get("email", "").strip()
    if email and (len(email) > 254 or email.count("@") != 1 or any(c.isspace() for c in email)):
        errors["email"] = "Bitte eine E-Mail-Adresse wie name@kreis.example angeben oder das Feld leer lassen."
    return email or None


@bp.route("/users")
@roles_required(*ADMINISTER)
def users():
    accounts = db.session.scalars(select(User).options(selectinload(User.role_rows)).order_by(User.username)).all()
    return render_template("admin/users.html", users=accounts, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(*ADMINISTER)
def create_user():
    errors: dict[str, str] = {}
    form = request.form
    if request.method == "POST":
        username = form.get("username", "").strip()
        display_name = form.get("display_name", "").strip() or username
        password = form.get("password", "")
        roles = _roles_from_form()
        if not username or len(username) > 80 or any(c.isspace() for c in username):
            errors["username"] = "Bitte einen Benutzernamen ohne Leerzeichen (höchstens 80 Zeichen) angeben."
        elif db.session.scalar(select(User).where(func.lower(User.username) == username.lower())):
            errors["username"] = f"Den Benutzernamen „{username}“ gibt es bereits."
        problem = password_problem(password, form.get("repeat_password", ""), username)
        if problem:
            errors["password"] = problem
        if not roles:
            errors["roles"] = "Bitte mindestens eine Rolle auswählen."
        email = _email_from_form(errors)
        if not errors:
            user = User(
                username=username,
                display_name=display_name[:200],
                email=email,
                password_hash=generate_password_hash(password),
                must_change_password=True,
            )
            user.set_roles(roles)
            user.units = _units_from_form()
            db.session.add(user)
            db.session.flush()
            audit.record(
                "user_created",
                "user",
                user.id,
                username=username,
                roles=sorted(roles),
                units=[u.name for u in user.units],
            )
            db.session.commit()
            flash(
                f"Das Konto „{username}“ wurde angelegt. Beim ersten Anmelden wird ein neues Passwort verlangt.",
                "success",
            )
            return redirect(url_for("admin.users"))
    status = 400 if errors else 200
    chosen_units = [unit.id for unit in _units_from_form()]
    page = render_template(
        "admin/user_form.html", errors=errors, form=form, roles=list(Role), units=all_units(), chosen_units=chosen_units
    )
    return page, status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMINISTER)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        roles = _roles_from_form()
        active = bool(request.form.get("active"))
        if user.id == current_user.id and (Role.ADMIN not in roles or not active):
            errors["roles"] = "Sie können sich die Administration nicht selbst entziehen oder sich deaktivieren."
        elif not roles:
            errors["roles"] = "Bitte mindestens eine Rolle auswählen."
        email = _email_from_form(errors)
        if not errors:
            before = sorted(user.roles)
            email_changed = user.email != email
            user.email = email
            user.set_roles(roles)
            user.display_name = request.form.get("display_name", "").strip()[:200] or user.username
            user.active = active
            before_units = sorted(unit.name for unit in user.units)
            user.units = _units_from_form()
            ended = 0 if active else sessions.revoke_all(user.id)
            audit.record(
                "user_changed",
                "user",
                user.id,
                roles_before=before,
                roles=sorted(roles),
                active=active,
                sessions_ended=ended,
                units_before=before_units,
                units=sorted(unit.name for unit in user.units),
                email_changed=email_changed or None,
            )
            db.session.commit()
            flash(f"Das Konto „{user.username}“ wurde gespeichert.", "success")
            return redirect(url_for("admin.users"))
    status = 400 if errors else 200
    return _edit_page(user, errors), status


def _edit_page(user: User, errors: dict[str, str], temporary: str | None = None) -> str:
    return render_template(
        "admin/user_edit.html",
        user=user,
        errors=errors,
        roles=list(Role),
        units=all_units(),
        temporary=temporary,
        active_sessions=sessions.active_sessions(user.id),
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required(*ADMINISTER)
def reset_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.directory_dn:  # its password is the directory's; a local one would never be asked for
        errors = {"password": "Das Passwort dieses Kontos wird im Verzeichnisdienst verwaltet und dort zurückgesetzt."}
        return _edit_page(user, errors), 400
    temporary = secrets.token_urlsafe(9)
    user.password_hash = generate_password_hash(temporary)
    user.must_change_password = True
    ended = sessions.revoke_all(user.id)
    audit.record("password_reset", "user", user.id, sessions_ended=ended)
    db.session.commit()
    # Shown once on this page rather than flashed: flashed messages travel in the session cookie.
    return _edit_page(user, {}, temporary)


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@roles_required(*ADMINISTER)
def end_sessions(user_id: int):
    """End one session of the account (form field `session`) or, without it, all of them."""
    user = db.session.get(User, user_id) or abort(404)
    chosen = request.form.get("session", "")
    ended = int(sessions.revoke_one(user.id, chosen)) if chosen else sessions.revoke_all(user.id)
    audit.record("sessions_ended", "user", user.id, sessions_ended=ended)
    db.session.commit()
    flash(f"Beendete Sitzungen von „{user.username}“: {ended}. Dort muss sich das Konto neu anmelden.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/audit")
@roles_required(*ADMINISTER)
def audit_log():
    page = max(1, request.args.get("page", 1, type=int))
    action = request.args.get("action", "").strip()
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    entries = db.session.scalars(query.limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return render_template(
        "admin/audit.html",
        rows=readable_rows(entries[:AUDIT_PAGE_SIZE]),
        has_next=len(entries) > AUDIT_PAGE_SIZE,
        page=page,
        action=action,
        actions=[(name, action_de(name)) for name in actions],
    )


@bp.route("/units", methods=["GET", "POST"])
@roles_required(*ADMINISTER)
def units():
    """The organisational units (Fachbereiche): staff see the inquiries of their units (web/accounts/visibility.py)."""
    error = None
    if request.method == "POST":
        name = " ".join(request.form.get("name", "").split())
        if not name or len(name) > 120:
            error = "Bitte einen Namen für den Fachbereich angeben (höchstens 120 Zeichen)."
        elif db.session.scalar(select(Unit).where(func.lower(Unit.name) == name.lower())):
            error = f"Den Fachbereich „{name}“ gibt es bereits."
        else:
            unit = Unit(name=name)
            db.session.add(unit)
            db.session.flush()
            audit.record("unit_created", "unit", unit.id, name=name)
            db.session.commit()
            flash(
                f"Der Fachbereich „{name}“ wurde angelegt. Ordnen Sie ihm jetzt auf den Kontoseiten Personen zu.",
                "success",
            )
            return redirect(url_for("admin.units"))
    counts = dict(db.session.execute(select(Unit.id, func.count(User.id)).join(Unit.members).group_by(Unit.id)).all())
    return render_template("admin/units.html", units=all_units(), counts=counts, error=error), (400 if error else 200)


@bp.route("/users/<int:user_id>/access.csv")
@roles_required(*ADMINISTER)
def access_history(user_id: int):
    """Everything the audit log holds about what the account did and read, oldest first, as CSV for a spreadsheet."""
    user = db.session.get(User, user_id) or abort(404)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.user_id == user.id).order_by(AuditEntry.id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Zeitpunkt (UTC)", "Konto", "Aktion", "Objekt", "Objekt-Nr.", "Anfrage", "Einzelheiten"])
    for entry in entries:
        writer.writerow(
            [
                entry.at.isoformat(sep=" ", timespec="seconds"),
                entry.username,
                entry.action,
                entry.object_type,
                entry.object_id or "",
                entry.inquiry_id or "",
                _csv_safe(entry.detail or ""),
            ]
        )
    audit.record("access_history_exported", "user", user.id)
    db.session.commit()
    return Response(
        "\ufeff" + buffer.getvalue(),  # the byte order mark makes Excel read UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="zugriffe-{user.id}.csv"'},
    )


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet must not run as a formula."""
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text
