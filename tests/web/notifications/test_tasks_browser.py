"""In a real browser (headless Debian chromium): a reviewer sends an answer back on the review page, the staff
member finds it in „Meine Aufgaben“ and the mail arrives at the test SMTP server; the new pages pass axe; at a
tablet's 820 px the workspace shows the sources beside the answer, not below versions and comments."""

from __future__ import annotations

import pytest

from tests.web.browser import axe_problems, requires_browser, signed_in
from tests.web.conftest import sample_app, served, wait_for_jobs
from tests.web.notifications.conftest import give_addresses
from tests.web.review.test_review_browser import THREE, drafts_of, record_and_draft, submit

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory, sample_knowledge, embedder, smtp_server):
    app = sample_app(
        tmp_path_factory.mktemp("tasks-browser"),
        sample_knowledge,
        embedder,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        BASE_URL="https://drafter.kreis.example",
    )
    addresses = give_addresses(app, "browser")
    with served(app) as base:
        yield app, base, addresses


def test_the_staff_member_sees_the_send_back_in_the_work_list_and_gets_the_mail(live, browser, smtp_server):
    app, base, addresses = live
    staff = signed_in(browser, base, "staff")
    record_and_draft(staff, base, "T-3", THREE, 3)
    ids = drafts_of(app, "T-3")
    submit(staff, base, ids[0])

    reviewer = signed_in(browser, base, "reviewer")
    reviewer.click("nav >> text=Meine Aufgaben")
    reviewer.wait_for_selector("text=Eingereicht von Sabine Sachbearbeiterin")
    assert axe_problems(reviewer) == []
    reviewer.click("a:has-text('Antwort 1a prüfen')")
    reviewer.fill(f"#kommentar-{ids[0]}", "Bitte die Zahl mit Stand 2026 belegen.")
    reviewer.click("button:has-text('Antwort 1a: Änderung erbitten')")
    reviewer.wait_for_selector("text=geht mit Ihrem Kommentar zurück an die Sachbearbeitung")

    staff.click("nav >> text=Meine Aufgaben")
    returned = staff.locator("section[aria-labelledby=zurueck-titel] li.task")
    assert returned.count() == 1
    assert "Antwort 1a überarbeiten" in returned.text_content()
    assert "Zurückgegeben von Rainer Prüfer" in returned.text_content()
    assert "Bitte die Zahl mit Stand 2026 belegen." in returned.text_content()
    assert staff.locator(".account .badge-count").text_content().startswith("1")
    assert axe_problems(staff) == []
    staff.click(".account >> text=Benachrichtigungen")
    assert "Antwort 1a zurückgegeben – T-3" in staff.text_content("main")
    assert axe_problems(staff) == []
    staff.click("a:has-text('Antwort 1a zurückgegeben')")
    assert staff.url.endswith(f"/answers/{ids[0]}")
    assert staff.locator(".account .badge-count").count() == 0  # read by opening it

    wait_for_jobs(app)
    [mail] = smtp_server.to(addresses["sabine"])
    assert mail["Subject"].startswith("Antwort 1a zurückgegeben – T-3")
    assert f"https://drafter.kreis.example/answers/{ids[0]}" in mail.get_content()

    for role in ("curator", "admin"):
        page = signed_in(browser, base, role)
        page.goto(f"{base}/tasks/")
        assert axe_problems(page) == []


def test_at_tablet_width_the_sources_sit_beside_the_answer(live, browser):
    app, base, _ = live
    staff = signed_in(browser, base, "staff")
    staff.set_viewport_size({"width": 820, "height": 1180})
    record_and_draft(staff, base, "T-1", THREE, 3)
    staff.goto(f"{base}/answers/{drafts_of(app, 'T-1')[0]}")
    box = staff.evaluate(
        """() => Object.fromEntries(['#antwort', '.workspace-sources', '#versionen', '#kommentare'].map(s => {
            const r = document.querySelector(s).getBoundingClientRect();
            return [s, {top: r.top, bottom: r.bottom, left: r.left, right: r.right}];
        }))"""
    )
    answer, sources = box["#antwort"], box[".workspace-sources"]
    assert sources["left"] >= answer["right"]  # beside …
    assert sources["top"] < answer["bottom"]  # … at the answer's height
    assert sources["top"] < box["#versionen"]["top"] and sources["top"] < box["#kommentare"]["top"]
    assert staff.locator(".workspace-sources .source").count() >= 1
