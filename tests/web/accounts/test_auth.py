"""Signing in, sessions and the protections around them: hashing, CSRF, throttling, cookies, first admin."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import select

from tests.web.conftest import PASSWORD, USERS, csrf_token, login, make_app, post, seed_users, stop_app
from web.database import db
from web.models import AuditEntry, Role, User


def test_wrong_password_is_refused_in_german_and_logged(app):
    client = app.test_client()
    response = post(client, "/login", {"username": "sabine", "password": "falsch-falsch"})
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in response.get_data(as_text=True)
    assert client.get("/inquiries/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "login_failed"


def test_passwords_are_stored_hashed(app):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "sabine"))
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("pbkdf2:", "scrypt:"))


def test_login_leads_to_the_page_of_the_role(app):
    staff = login(app, "staff")
    assert staff.get("/").headers["Location"].endswith("/tasks/")
    assert login(app, "reviewer").get("/").headers["Location"].endswith("/tasks/")
    tasks = staff.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Meine Aufgaben" in tasks and 'href="/inquiries/"' in tasks  # the list is one click away
    assert 'href="/inquiries/new">Neue Anfrage erfassen' in tasks  # and so is recording a new one
    assert login(app, "curator").get("/").headers["Location"].endswith("/knowledge/")
    assert login(app, "admin").get("/").headers["Location"].endswith("/admin/users")


def test_login_never_forwards_to_another_site(app):
    client = app.test_client()
    response = client.post(
        "/login?next=//evil.example.org/phish",
        data={"username": "sabine", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_post_without_csrf_token_is_rejected(app):
    staff = login(app, "staff")
    response = staff.post("/inquiries/new", data={"reference": "X", "kind": "ifg", "text": "Frage?"})
    assert response.status_code == 400
    assert "Sicherheitsprüfung fehlgeschlagen" in response.get_data(as_text=True)
    response = staff.post("/logout")
    assert response.status_code == 400
    assert staff.get("/inquiries/").status_code == 200  # still signed in: the forged logout did nothing


def test_htmx_requests_carry_the_token_in_a_header(app):
    staff = login(app, "staff")
    token = csrf_token(staff)
    response = staff.post("/logout", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302


def test_login_is_throttled_per_address_and_account_in_every_worker_process(tmp_path, knowledge_dir, embedder):
    # Two apps on one database stand for two gunicorn workers: the count is shared, not per process.
    first = make_app(tmp_path / "instance", knowledge_dir, embedder, RATELIMIT_ENABLED=True)
    second = make_app(tmp_path / "instance", knowledge_dir, embedder, RATELIMIT_ENABLED=True)
    seed_users(first)
    try:
        clients = [first.test_client(), second.test_client()]
        for attempt in range(5):
            wrong = {"username": "Sabine" if attempt % 2 else "sabine", "password": "falsch"}
            assert post(clients[attempt % 2], "/login", wrong).status_code == 401
        for client in clients:
            blocked = post(client, "/login", {"username": "sabine", "password": PASSWORD})
            assert blocked.status_code == 429
            assert "Zu viele Anmeldeversuche" in blocked.get_data(as_text=True)
            assert client.get("/login").status_code == 200  # only signing in is limited
        other = post(clients[1], "/login", {"username": "rainer", "password": PASSWORD})
        assert other.status_code == 302  # another account from the same address still signs in
        for attempt in range(5):  # SQLite folds only ASCII: the count must not split „JÜRGEN“ from „jürgen“
            name = "JÜRGEN " if attempt % 2 else "jürgen"
            assert post(clients[0], "/login", {"username": name, "password": "falsch"}).status_code == 401
        assert post(second.test_client(), "/login", {"username": "Jürgen", "password": "falsch"}).status_code == 429
    finally:
        stop_app(first)
        stop_app(second)


def test_the_audit_log_keeps_a_keyed_hash_of_the_address_not_the_address(app):
    client = app.test_client()
    post(client, "/login", {"username": "sabine", "password": "falsch"}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).one()
    assert entry.object_id == "sabine"
    assert "192.0.2.7" not in (entry.detail or "") and "origin" in entry.detail


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, knowledge_dir, embedder, monkeypatch):
    monkeypatch.delenv("DRAFTER_SECRET_KEY", raising=False)
    first = make_app(tmp_path / "a", knowledge_dir, embedder)
    again = make_app(tmp_path / "a", knowledge_dir, embedder)
    other = make_app(tmp_path / "b", knowledge_dir, embedder)
    try:
        key_file = tmp_path / "a" / "secret_key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert first.secret_key == again.secret_key == key_file.read_text().strip()
        assert first.secret_key != other.secret_key
        assert len(first.secret_key) >= 64
    finally:
        for application in (first, again, other):
            stop_app(application)


@pytest.mark.parametrize("secure", [False, True])
def test_session_cookie_flags(tmp_path, knowledge_dir, embedder, secure):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, SESSION_COOKIE_SECURE=secure)
    seed_users(app)
    try:
        client = app.test_client()
        response = post(client, "/login", {"username": "sabine", "password": PASSWORD})
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("drafter_session="))
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure
    finally:
        stop_app(app)


def test_pages_send_security_headers(app):
    response = app.test_client().get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_create_admin_command_makes_the_first_administrator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "chefin", "--password-stdin"], input="Sehr-geheimes-Passwort\n")
    assert result.exit_code == 0, result.output
    assert "chefin" in result.output
    client = app.test_client()
    response = post(client, "/login", {"username": "chefin", "password": "Sehr-geheimes-Passwort"})
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200

    short = runner.invoke(args=["create-admin", "kurz", "--password-stdin"], input="kurz\n")
    assert short.exit_code != 0
    assert "mindestens 10 Zeichen" in short.output

    # the web form's rules, not only the length: a repeated character and a common password are refused too
    for password, reason in (("aaaaaaaaaaaa", "wiederholt nur wenige Zeichen"), ("passwort123", "häufig verwendeten")):
        refused = runner.invoke(args=["create-admin", "schwach", "--password-stdin"], input=f"{password}\n")
        assert refused.exit_code != 0 and reason in refused.output, refused.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "schwach")) is None


def test_admin_creates_an_account_that_must_set_its_own_password(app):
    admin = login(app, "admin")
    response = post(
        admin,
        "/admin/users/new",
        {
            "username": "neu",
            "display_name": "Nora Neu",
            "password": "Blaue-Tasse-41",
            "repeat_password": "Blaue-Tasse-41",
            "role_staff": "1",
            "role_reviewer": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "neu"))
        assert user.roles == {Role.STAFF, Role.REVIEWER}
    client = app.test_client()
    post(client, "/login", {"username": "neu", "password": "Blaue-Tasse-41"})
    assert client.get("/inquiries/").headers["Location"].endswith("/password")
    client.csrf = None
    client.logged_in = True
    changed = post(
        client,
        "/password",
        {"current_password": "Blaue-Tasse-41", "new_password": "Mein-eigenes-99", "repeat_password": "Mein-eigenes-99"},
    )
    assert changed.status_code == 302
    assert client.get("/inquiries/").status_code == 200
    assert client.get("/review/").status_code == 200


def test_admin_form_explains_mistakes_in_german(app):
    admin = login(app, "admin")
    response = post(
        admin, "/admin/users/new", {"username": USERS["staff"][0], "password": "kurz", "repeat_password": "kurz"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "gibt es bereits" in page
    assert "mindestens 10 Zeichen" in page
    assert "mindestens eine Rolle" in page


def test_deactivated_account_cannot_sign_in(app):
    admin = login(app, "admin")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "stefan"))
    post(admin, f"/admin/users/{user_id}", {"display_name": "Stefan", "role_staff": "1"})
    client = app.test_client()
    assert post(client, "/login", {"username": "stefan", "password": PASSWORD}).status_code == 401
