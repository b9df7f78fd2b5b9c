"""Review in a real browser (headless Debian chromium): checked sentences from the editor to the review page,
a three-answer inquiry approved on one page, an abstaining answer that cannot be approved, and axe on both pages.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from drafter.extractive import ABSTENTION
from drafter.models import DraftSentence
from tests.test_trust import CARE_STATISTICS, MOBILE_2025
from tests.web.browser import axe_problems, requires_browser, signed_in
from tests.web.conftest import login, sample_app, served, wait_for_jobs
from tests.web.knowledge.test_knowledge import upload
from web.database import db
from web.models import Draft, Inquiry, Question

pytestmark = requires_browser

THREE = """Anfrage der Fraktion

1a) Wie viele Leistungen der Kreisverwaltung lassen sich inzwischen digital beantragen?
1b) Wie hoch ist die Gebühr für ein Wunschkennzeichen?
2a) Welche Verwaltungsdaten stehen über eine Schnittstelle zur Verfügung?
"""
ONE = "Anfrage\n\n1) Wie viele Leistungen der Kreisverwaltung lassen sich digital beantragen?\n"


@pytest.fixture(scope="module")
def live(tmp_path_factory, sample_knowledge, embedder):
    app = sample_app(tmp_path_factory.mktemp("review-browser"), sample_knowledge, embedder)
    with served(app) as base:
        yield app, base


def record_and_draft(page, base: str, reference: str, text: str, count: int) -> str:
    page.goto(f"{base}/inquiries/new")
    page.fill("#reference", reference)
    page.select_option("#kind", "council")
    page.fill("#received_on", "2026-01-14")
    page.fill("#text", text)
    page.click("button:has-text('Anfrage anlegen')")
    page.wait_for_selector("text=Bitte die Aufteilung prüfen")
    inquiry_url = page.url.split("#")[0]
    page.click("button:has-text('Entwürfe erstellen')")
    page.wait_for_selector(f"#fortschritt-status:has-text('{count} von {count} Entwürfen fertig')")
    return inquiry_url


def drafts_of(app, reference: str) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Draft.id)
                .join(Question)
                .join(Inquiry)
                .where(Inquiry.reference == reference)
                .order_by(Question.position)
            )
        )


def submit(page, base: str, draft_id: int) -> None:
    page.goto(f"{base}/answers/{draft_id}")
    if page.locator("#confirm-unchanged").count():
        page.check("#confirm-unchanged")
    page.click("form[action$='/submit'] button")
    page.wait_for_selector("text=liegt jetzt zur Prüfung vor")


def test_a_reviewer_approves_a_three_answer_inquiry_on_one_page_with_flags_from_the_editor(live, browser):
    app, base = live
    staff = signed_in(browser, base, "staff")
    record_and_draft(staff, base, "B-3", THREE, 3)
    ids = drafts_of(app, "B-3")
    assert len(ids) == 3

    staff.goto(f"{base}/answers/{ids[0]}")
    staff.fill("#answer-text", "Der Landkreis betreibt 9.999 Server im Keller. [1]")
    staff.click("button:has-text('Als neue Version speichern')")
    staff.wait_for_selector("text=Gespeichert als Version 2")
    flagged = staff.locator(".answer-text .unbelegt")
    assert flagged.count() == 1
    assert "Beleg passt nicht" in flagged.text_content()
    assert "Zitat steht nicht in der angegebenen Fundstelle" in flagged.text_content()
    assert axe_problems(staff) == []

    staff.goto(f"{base}/answers/{ids[1]}")
    staff.click("form[action$='/submit'] button")  # unchanged: the browser insists on the confirmation
    assert staff.url.endswith(f"/answers/{ids[1]}")
    assert staff.locator("text=liegt jetzt zur Prüfung vor").count() == 0
    for draft_id in ids:
        submit(staff, base, draft_id)

    reviewer = signed_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/review/")
    reviewer.click("a:has-text('Anfrage B-3 prüfen') >> nth=0")
    assert reviewer.locator(".review-answer").count() == 3
    first = reviewer.locator(f"#antwort-{ids[0]} .answer-text .unbelegt")
    assert "Beleg passt nicht" in first.text_content()
    assert axe_problems(reviewer) == []
    for label in ("1a", "1b", "2a"):
        reviewer.click(f"button:has-text('Antwort {label} freigeben')")
        reviewer.wait_for_selector(f"text=Antwort {label} ist freigegeben.")
    reviewer.click("button:has-text('Gesamtantwort freigeben')")
    reviewer.wait_for_selector("text=Die Gesamtantwort ist freigegeben.")
    assert "/review/inquiries/" in reviewer.url


def test_an_answer_with_the_abstention_text_cannot_be_approved(live, browser):
    app, base = live
    staff = signed_in(browser, base, "staff")
    record_and_draft(staff, base, "B-1", ONE, 1)
    (draft_id,) = drafts_of(app, "B-1")
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.current.paragraphs = [[DraftSentence(ABSTENTION, [], verified=False)]]
        db.session.commit()
    submit(staff, base, draft_id)
    reviewer = signed_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/review/")
    reviewer.click("a:has-text('Anfrage B-1 prüfen') >> nth=0")
    assert reviewer.locator("button:has-text('Antwort 1 freigeben')").count() == 0
    assert reviewer.locator("text=Freigabe nicht möglich").count() == 1
    assert reviewer.locator(".note-blocking").count() == 1


def test_a_quoted_table_shows_a_row_per_line_and_an_older_figure_its_date_in_workspace_and_review(
    tmp_path, sample_knowledge, embedder, browser
):
    app = sample_app(tmp_path, sample_knowledge, embedder)
    with served(app) as base:  # stops the app afterwards
        files = [(io.BytesIO(CARE_STATISTICS.encode()), "2026-04-antwort-eingliederungshilfe.txt")]
        files.append((io.BytesIO(MOBILE_2025.encode()), "2025-09-sachstandsbericht.txt"))
        upload(login(app, "curator"), files)
        wait_for_jobs(app)
        staff = signed_in(browser, base, "staff")
        inquiry = (
            "Anfrage\n\n1) Wie viele Leistungsberechtigte der Eingliederungshilfe gibt es zuletzt im Landkreis?\n"
            "2) Wie viele Beschäftigte haben eine Vereinbarung über mobiles Arbeiten?\n"
        )
        record_and_draft(staff, base, "T-2", inquiry, 2)
        table_id, mobile_id = drafts_of(app, "T-2")
        staff.goto(f"{base}/answers/{table_id}")
        shown = staff.locator(".answer-text p").first.inner_text()  # as rendered: one line without pre-line
        assert "Jahr Leistungsberechtigte\n2022 1.184\n2023 1.231\n2024 1.297\n2025 1.342" in shown
        assert axe_problems(staff) == []
        staff.goto(f"{base}/answers/{mobile_id}")
        assert "(Stand 09/2025)" in staff.locator(".answer-text").inner_text()
        assert axe_problems(staff) == []
        for draft_id in (table_id, mobile_id):
            submit(staff, base, draft_id)

        reviewer = signed_in(browser, base, "reviewer")
        reviewer.goto(f"{base}/review/")
        reviewer.click("a:has-text('Anfrage T-2 prüfen') >> nth=0")
        table = reviewer.locator(f"#antwort-{table_id} .answer-text p").first.inner_text()
        assert "2024 1.297\n2025 1.342" in table
        assert "(Stand 09/2025)" in reviewer.locator(f"#antwort-{mobile_id} .answer-text").inner_text()
        assert axe_problems(reviewer) == []
