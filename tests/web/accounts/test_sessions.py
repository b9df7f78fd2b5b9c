"""Sessions live in the database: a copied cookie stops working when its session is revoked or times out."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.web.conftest import PASSWORD, csrf_token, login, make_app, post, seed_users, stop_app
from web.database import db
from web.models import User, UserSession

COOKIE = "drafter_session"


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of the first one's session cookie, as an attacker would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def test_a_copied_cookie_stops_working_after_logout(app):
    staff = login(app, "staff")
    thief = copy_of(app, staff)
    assert thief.get("/inquiries/").status_code == 200
    post(staff, "/logout")
    response = thief.get("/inquiries/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_copied_cookie_stops_working_after_a_password_change(app):
    staff = login(app, "staff")
    thief = copy_of(app, staff)
    new = "Drei-Woerter-Satz-7"
    changed = post(staff, "/password", {"current_password": PASSWORD, "new_password": new, "repeat_password": new})
    assert changed.status_code == 302
    assert staff.get("/inquiries/").status_code == 200  # the browser that changed it stays signed in
    assert thief.get("/inquiries/").status_code == 302


def test_logging_out_everywhere_ends_every_browser_of_the_account(app):
    first, second, colleague = login(app, "staff"), login(app, "staff"), login(app, "staff2")
    response = post(first, "/logout/everywhere")
    assert response.status_code == 302
    assert "Alle Sitzungen Ihres Kontos wurden beendet (2)" in first.get("/login").get_data(as_text=True)
    assert second.get("/inquiries/").status_code == 302
    assert colleague.get("/inquiries/").status_code == 200


def test_the_administrator_sees_and_ends_sessions_and_deactivation_ends_them(app):
    staff = login(app, "staff")
    staff2 = login(app, "staff2")
    admin = login(app, "admin")
    sabine = user_id(app, "sabine")
    page = admin.get(f"/admin/users/{sabine}").get_data(as_text=True)
    assert "Angemeldete Sitzungen" in page and "Sitzung beenden" in page
    with app.app_context():
        session_id = db.session.scalar(select(UserSession.id).where(UserSession.user_id == sabine))
    assert post(admin, f"/admin/users/{sabine}/sessions/end", {"session": session_id}).status_code == 302
    assert staff.get("/inquiries/").status_code == 302
    assert "nirgends angemeldet" in admin.get(f"/admin/users/{sabine}").get_data(as_text=True)

    stefan = user_id(app, "stefan")
    post(admin, f"/admin/users/{stefan}", {"display_name": "Stefan", "role_staff": "1"})  # without "active"
    with app.app_context():
        db.session.execute(update(User).where(User.id == stefan).values(active=True))  # even if reactivated
        db.session.commit()
    assert staff2.get("/inquiries/").status_code == 302


def test_idle_and_absolute_timeouts_sign_out(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=8)
    seed_users(app)
    try:
        idle, busy = login(app, "staff"), login(app, "staff2")
        with app.app_context():
            rows = db.session.scalars(select(UserSession)).all()
            by_user = {row.user_id: row for row in rows}
            by_user[user_id(app, "sabine")].last_seen_at -= timedelta(minutes=31)
            stefan = by_user[user_id(app, "stefan")]
            stefan.created_at -= timedelta(hours=8, minutes=1)  # active a moment ago, but signed in too long
            stale_id = stefan.id
            db.session.commit()
        assert idle.get("/inquiries/").status_code == 302
        assert busy.get("/inquiries/").status_code == 302
        fresh = login(app, "staff")
        assert fresh.get("/inquiries/").status_code == 200
        with app.app_context():  # the next login removed the row past the absolute timeout
            assert db.session.get(UserSession, stale_id) is None
    finally:
        stop_app(app)


def test_the_session_table_holds_a_hash_not_the_token(app):
    staff = login(app, "staff")
    cookie = staff.get_cookie(COOKIE).value
    csrf_token(staff)
    with app.app_context():
        stored = db.session.scalars(select(UserSession.id)).all()
    assert stored and all(row_id not in cookie for row_id in stored)
