"""The login throttle under parallel attempts and spraying, and what a new password must not be."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from tests.web.conftest import PASSWORD, login, make_app, post, seed_users, served, stop_app
from web.accounts.passwords import password_problem
from web.database import db
from web.models import AuditEntry

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def live_app(tmp_path, knowledge_dir, embedder):
    """The app behind a real threaded HTTP server on 127.0.0.1, with the throttle on (per hour: no window ends
    during the test)."""
    app = make_app(
        tmp_path / "instance",
        knowledge_dir,
        embedder,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="5 per hour",
        LOGIN_ADDRESS_LIMIT="12 per hour",
    )
    seed_users(app)
    with served(app) as base:
        yield app, base


def _browser(base: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    token = _TOKEN.search(browser.get(f"{base}/login").text).group(1)
    return browser, token


def _attempt(base: str, browser: requests.Session, token: str, username: str, password: str) -> int:
    data = {"username": username, "password": password, "csrf_token": token}
    return browser.post(f"{base}/login", data=data, allow_redirects=False).status_code


def test_forty_parallel_wrong_logins_let_at_most_the_limit_through(live_app):
    _, base = live_app
    browsers = [_browser(base) for _ in range(40)]
    barrier = threading.Barrier(40)

    def wrong(pair):
        barrier.wait()
        return _attempt(base, *pair, "sabine", "falsch-geraten")

    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(wrong, browsers))
    assert statuses.count(401) <= 5, statuses
    assert statuses.count(401) + statuses.count(429) == 40, statuses
    browser, token = browsers[0]
    assert _attempt(base, browser, token, "sabine", PASSWORD) == 429  # even the right password waits now


def test_spraying_names_from_one_address_is_limited_and_logged_once(live_app):
    app, base = live_app
    browser, token = _browser(base)
    statuses = [_attempt(base, browser, token, f"gibt-es-nicht-{n}", "Sommer2026!") for n in range(20)]
    assert statuses[:12] == [401] * 12
    assert set(statuses[12:]) == {429}
    with app.app_context():
        rows = db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login_failed")
        )
    assert rows == 1  # names that do not exist: one row per address and window, not twenty


def test_a_successful_login_does_not_use_up_the_limit(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, RATELIMIT_ENABLED=True)
    seed_users(app)
    try:
        for _ in range(8):
            client = login(app, "staff")
            post(client, "/logout")
        assert post(app.test_client(), "/login", {"username": "sabine", "password": PASSWORD}).status_code == 302
    finally:
        stop_app(app)


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "abcabcabcabc", "Passwort2026!", "1234567890", "Qwertzuiop", "Kreisverwaltung1", "Willkommen!!"],
)
def test_common_and_repetitive_passwords_are_refused(password):
    problem = password_problem(password, password, "mmuster")
    assert problem is not None and "Bitte wählen Sie" in problem


def test_a_password_with_the_user_name_is_refused_and_a_long_sentence_is_accepted():
    assert "Benutzernamen" in password_problem("mmuster-2026!", "mmuster-2026!", "MMuster")
    assert password_problem("Drei Katzen auf dem Dach", "Drei Katzen auf dem Dach", "mmuster") is None


def test_the_password_form_explains_a_common_password(app):
    staff = login(app, "staff")
    response = post(
        staff,
        "/password",
        {"current_password": PASSWORD, "new_password": "Passwort123", "repeat_password": "Passwort123"},
    )
    assert response.status_code == 400
    assert "häufig verwendeten" in response.get_data(as_text=True)
