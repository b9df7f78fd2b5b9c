"""Who may use which page and action: one row per route, checked for every role and for anonymous visitors.

The table is written out by hand on purpose: it is the specification. A new route that is
missing here fails `test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import shutil

import pytest
from flask import url_for

from tests.web.conftest import login, make_app, post, seed_users, stop_app

S, R, C, A = "staff", "reviewer", "curator", "admin"
EVERYONE = {S, R, C, A}
PUBLIC = "public"

EXPECTED: dict[str, set[str] | str] = {
    "auth.login": PUBLIC,
    "auth.home": EVERYONE,
    "auth.logout": EVERYONE,
    "auth.password": EVERYONE,
    "auth.logout_everywhere": EVERYONE,
    "admin.users": {A},
    "admin.create_user": {A},
    "admin.edit_user": {A},
    "admin.reset_password": {A},
    "admin.end_sessions": {A},
    "admin.units": {A},
    "admin.access_history": {A},
    "admin.audit_log": {A},
    "inquiries.index": {S, R},
    "inquiries.detail": {S, R},
    "inquiries.comment": {S, R},
    "inquiries.create": {S},
    "inquiries.reading": {S},
    "inquiries.edit": {S},
    "inquiries.mark_sent": {S},
    "deadlines.extend": {S},
    "handover.move": {S},
    "splits.save": {S},
    "splits.merge": {S},
    "splits.split": {S},
    "splits.delete": {S},
    "splits.add": {S},
    "splits.detect": {S},
    "drafting.draft": {S},
    "drafting.redraft_question": {S},
    "drafting.progress": {S, R},
    "drafts.workspace": {S, R},
    "drafts.revisions": {S, R},
    "drafts.passages": {S, R},
    "drafts.save": {S},
    "drafts.add_passage": {S},
    "drafts.submit_one": {S},
    "drafts.withdraw_one": {S},
    "drafts.submit_all": {S},
    "review.queue": {R},
    "review.inquiry_review": {R},
    "review.approve_answer": {R},
    "review.request_answer_changes": {R},
    "review.reopen_answer": {R},
    "review.approve_whole": {R},
    "review.request_whole_changes": {R},
    "export.options": {S, R},
    "export.download": {S, R},
    "export.save_frame": {S},
    "export.extension_notice_download": {S},
    "letter_template.show": {A},
    "letter_template.download_default": {A},
    "letter_template.upload": {A},
    "letter_template.reset": {A},
    "sent_inquiries.index": {A},
    "sent_inquiries.reopen": {A},
    "knowledge.index": {S, R, C},
    "knowledge.search": {S, R, C},
    "knowledge.document": {S, R, C},
    "knowledge.document_text": {S, R, C},
    "knowledge.passage": {S, R, C},
    "knowledge.upload": {C},
    "knowledge.batch": {C},
    "knowledge.jobs": {C},
    "knowledge.update_metadata": {C},
    "knowledge.delete": {C},
    "knowledge.reindex": {C},
    "tasks.index": EVERYONE,
    "notifications.index": EVERYONE,
    "notifications.open_notification": EVERYONE,
    "notifications.read_all": EVERYONE,
    "notifications.retry_mail": {A},
}


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory, sample_knowledge, embedder):
    folder = tmp_path_factory.mktemp("permissions")
    shutil.copytree(sample_knowledge, folder / "knowledge")
    application = make_app(folder / "instance", folder / "knowledge", embedder)
    seed_users(application)
    yield application
    stop_app(application)


def _cases(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


def _url(app, rule) -> str:
    """Every id points at nothing: allowed roles get past the role check and then a 404 or a form error."""
    values = {
        arg: 999_999 if rule._converters[arg].__class__.__name__ == "IntegerConverter" else "unbekannt"
        for arg in rule.arguments
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


ROLES = [None, S, R, C, A]


def test_every_route_is_in_the_table(shared_app):
    endpoints = {rule.endpoint for rule in shared_app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonym")
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_role_access(shared_app, endpoint, role):
    allowed = EXPECTED[endpoint]
    cases = [(rule, method) for rule, method in _cases(shared_app) if rule.endpoint == endpoint]
    assert cases
    for rule, method in cases:
        url = _url(shared_app, rule)
        client = login(shared_app, role) if role else shared_app.test_client()
        response = post(client, url) if method == "POST" else client.get(url)
        location = response.headers.get("Location", "")
        if allowed == PUBLIC:
            assert response.status_code in {200, 302, 400, 401}
        elif role is None:
            assert response.status_code == 302 and "/login" in location, f"{method} {url} ohne Anmeldung"
        elif role in allowed:
            assert response.status_code != 403, f"{role} darf {method} {url} nicht verwehrt werden"
            assert "/login?next=" not in location
        else:
            assert response.status_code == 403, f"{role} darf {method} {url} nicht nutzen ({response.status_code})"
            assert "Keine Berechtigung" in response.get_data(as_text=True)
