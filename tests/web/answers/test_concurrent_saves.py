"""Two people saving the same answer at the same moment, over real HTTP against the threaded app.

Both saves are based on the same version; the database lets only one take the next number, so the
other must end in the conflict view with both texts, never in an error page or a lost text.
"""

from __future__ import annotations

import re
import threading

import pytest
import requests
from sqlalchemy import select

from tests.web import conftest
from tests.web.conftest import PASSWORD, USERS, make_app, post, seed_users, served, wait_for_jobs
from web.database import db
from web.models import Draft

TEXT = "Anfrage\n\n1) Wie viele Leistungen der Kreisverwaltung lassen sich digital beantragen?\n"
ROUNDS = 6
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def server(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True)
    seed_users(app)
    staff = conftest.login(app, "staff")
    post(staff, "/inquiries/new", {"reference": "K-1", "kind": "ifg", "received_on": "2026-01-14", "text": TEXT})
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    with app.app_context():
        draft_id = db.session.scalar(select(Draft.id))
    with served(app) as base:
        yield app, base, draft_id


def signed_in(base: str, role: str) -> requests.Session:
    session = requests.Session()
    token = _TOKEN.search(session.get(f"{base}/login").text).group(1)
    response = session.post(
        f"{base}/login", data={"username": USERS[role][0], "password": PASSWORD, "csrf_token": token}
    )
    assert response.ok
    return session


def save(base, draft_id, person, text, version, token, start, outcomes) -> None:
    """One save, sent the moment the other person's is."""
    start.wait()
    response = person.post(
        f"{base}/answers/{draft_id}/save",
        data={"text": text, "base_revision": version, "csrf_token": token},
        allow_redirects=False,
    )
    outcomes.append((response.status_code, text, response.text))


def test_two_simultaneous_saves_both_end_saved_or_in_the_conflict_view(server):
    app, base, draft_id = server
    people = [signed_in(base, "staff"), signed_in(base, "staff_reviewer")]
    outcomes: list[tuple[int, str, str]] = []
    for round_number in range(ROUNDS):
        page = people[0].get(f"{base}/answers/{draft_id}").text
        version = re.search(r'name="base_revision" value="(\d+)"', page).group(1)
        tokens = [_TOKEN.search(p.get(f"{base}/answers/{draft_id}").text).group(1) for p in people]
        start = threading.Barrier(2)
        args = [(people[i], f"Runde {round_number}: Text von Person {i}.", version, tokens[i], start) for i in range(2)]
        threads = [threading.Thread(target=save, args=(base, draft_id, *a, outcomes)) for a in args]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(outcomes) == 2 * ROUNDS
    assert all(status in (302, 409) for status, _, _ in outcomes), [s for s, _, _ in outcomes]
    conflicts = [(text, body) for status, text, body in outcomes if status == 409]
    assert conflicts  # at least one round really collided
    for text, body in conflicts:
        assert "Ihr Text ist unten erhalten" in body
        assert text in body  # the typed text is kept in the editor
        assert "Unterschiede zwischen der aktuellen Fassung und Ihrem Text" in body
    with app.app_context():
        saved = db.session.get(Draft, draft_id).revisions
        assert len(saved) == 1 + sum(status == 302 for status, _, _ in outcomes)
