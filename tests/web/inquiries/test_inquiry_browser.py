"""In a real browser (headless Debian chromium): after drafting, add a question and draft only it.

The answers that were already drafted keep their revisions; the page stays accessible with the
split editor opened below the answer table. The new-inquiry form takes subject, date and sender
from the pasted text. Staff extend a deadline with a reason on the inquiry page (issue 14) and download the
Zwischennachricht for the requester; they hand an inquiry over to another Fachbereich.
"""

from __future__ import annotations

import pytest
from docx import Document
from sqlalchemy import select

from tests.web.browser import axe_problems, requires_browser, signed_in
from tests.web.conftest import sample_app, served
from tests.web.inquiries.test_metadata_from_text import LETTER
from web.database import db
from web.models import Inquiry, Unit

TEXT = """Anfrage zur Schulsanierung

1. Wie viele Schulen wurden 2025 saniert?
2. Welche Schulen folgen 2026?
3. Welche Online-Dienste bietet die Kreisverwaltung an?
"""

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory, sample_knowledge, embedder):
    app = sample_app(tmp_path_factory.mktemp("split-browser"), sample_knowledge, embedder)
    with served(app) as base:
        yield app, base


def revisions(app) -> dict[str, list[int]]:
    """Label → ids of its answer's revisions."""
    with app.app_context():
        questions = db.session.scalar(select(Inquiry)).questions
        return {q.label: [r.id for r in q.draft.revisions] for q in questions if q.draft}


def create_inquiry(page, base: str, reference: str, kind: str, received_on: str | None = None) -> None:
    """Record an inquiry of `kind` with the three questions of TEXT through the form."""
    page.goto(f"{base}/inquiries/new")
    page.fill("#reference", reference)
    page.select_option("#kind", kind)
    if received_on:
        page.fill("#received_on", received_on)
    page.fill("#text", TEXT)
    page.click("button:has-text('Anfrage anlegen')")


def test_add_a_question_after_drafting_and_draft_only_it(live, browser):
    app, base = live
    page = signed_in(browser, base, "staff")
    create_inquiry(page, base, "SCHUL/2026/1", "council")
    page.wait_for_selector("text=3 Fragen erkannt")
    page.click("button:has-text('Entwürfe erstellen')")
    page.wait_for_selector("#fortschritt-status:has-text('3 von 3 Entwürfen fertig')")
    before = revisions(app)
    assert set(before) == {"1", "2", "3"}

    page.click("summary:has-text('Aufteilung korrigieren')")
    page.fill("#add-label", "4")
    page.fill("#add-text", "Welche Fördermittel erhält der Landkreis für die Digitalisierung der Schulen?")
    page.click("button:has-text('Frage hinzufügen')")
    page.wait_for_selector("text=Die Aufteilung wurde geändert.")
    page.wait_for_selector("#fortschritt-status:has-text('3 von 4 Entwürfen fertig')")
    page.click("button:has-text('Frage 4 entwerfen')")
    page.wait_for_selector("#fortschritt-status:has-text('4 von 4 Entwürfen fertig')")
    assert page.locator("text=Antwort 4 öffnen").count() == 1

    after = revisions(app)
    assert {label: after[label] for label in before} == before
    assert len(after["4"]) == 1
    page.click("summary:has-text('Aufteilung korrigieren')")
    assert axe_problems(page) == []


def test_the_form_takes_subject_date_and_sender_from_the_pasted_text(live, browser):
    _, base = live
    page = signed_in(browser, base, "staff")
    page.goto(f"{base}/inquiries/new")
    page.fill("#text", LETTER)
    page.click("button:has-text('Betreff, Datum und Absender aus dem Text übernehmen')")
    page.wait_for_selector("text=Aus dem Text übernommen")
    assert page.input_value("#subject") == "Sanierung der Kreisstraße K 12"
    assert page.input_value("#received_on") == "2026-01-14"
    assert page.input_value("#requester_name") == "Erika Beispiel"
    assert axe_problems(page) == []


def test_staff_extend_a_deadline_then_download_the_zwischennachricht_and_a_refusal_keeps_the_entry(live, browser):
    _, base = live
    page = signed_in(browser, base, "staff")
    create_inquiry(page, base, "LTG/2026/7", "ltranspg", received_on="2026-12-01")
    page.wait_for_selector("text=Frist nach § 12 Abs. 3 LTranspG: ein Monat ab Eingang")
    page.click("a:has-text('Frist verlängern')")  # to the section, where the form waits folded
    page.click("summary:has-text('Frist verlängern')")
    page.fill("#new_deadline", "2027-02-01")
    page.evaluate("document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))")
    page.click("button:has-text('Frist verlängern')")
    page.wait_for_selector("#frist-fehler:has-text('Bitte begründen')")
    assert page.input_value("#new_deadline") == "2027-02-01"
    assert axe_problems(page) == []
    page.fill("#extension-reason", "Umfangreiche Akten aus drei Fachbereichen.")
    page.click("button:has-text('Frist verlängern')")
    page.wait_for_selector("text=Die Frist wurde bis zum 01.02.2027 verlängert.")
    assert page.locator("#frist li:has-text('Umfangreiche Akten aus drei Fachbereichen.')").count() == 1
    assert axe_problems(page) == []
    with page.expect_download() as download:
        page.click("a:has-text('Zwischennachricht an die antragstellende Person herunterladen')")
    assert download.value.suggested_filename == "Zwischennachricht_LTG_2026_7.docx"
    letter = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert "bis zum 01.02.2027" in letter and "nach § 12 Abs. 3 LTranspG" in letter
    assert "Grund der Verlängerung: Umfangreiche Akten aus drei Fachbereichen." in letter


def test_a_file_for_a_new_inquiry_is_read_in_the_background_and_fills_the_form(live, browser):
    _, base = live
    page = signed_in(browser, base, "staff")
    page.goto(f"{base}/inquiries/new")
    page.fill("#reference", "DATEI/2026/1")
    page.set_input_files("#file", {"name": "anfrage.txt", "mimeType": "text/plain", "buffer": LETTER.encode()})
    page.click("button:has-text('Betreff, Datum und Absender aus dem Text übernehmen')")
    page.wait_for_selector("text=Aus dem Text übernommen")  # after the page that waits for the file
    assert page.input_value("#subject") == "Sanierung der Kreisstraße K 12"
    assert page.input_value("#reference") == "DATEI/2026/1"  # what was typed before the file was read
    assert "Wann beginnt die Sanierung der K 12?" in page.input_value("#text")
    assert axe_problems(page) == []
    page.click("button:has-text('Anfrage anlegen und Fragen erkennen')")
    page.wait_for_selector("text=2 Fragen erkannt")


def test_staff_hand_an_inquiry_over_to_another_fachbereich_and_no_longer_see_it(live, browser):
    app, base = live
    with app.app_context():
        db.session.add(Unit(name="Jugendamt"))
        db.session.commit()
    page = signed_in(browser, base, "staff")
    create_inquiry(page, base, "JUG/2026/3", "citizen")
    page.wait_for_selector("text=3 Fragen erkannt")
    page.click("summary:has-text('An anderen Fachbereich abgeben')")
    page.select_option("#handover-unit", label="Jugendamt")
    assert axe_problems(page) == []
    page.click("button:has-text('Abgeben')")
    page.wait_for_selector(
        "text=Die Anfrage JUG/2026/3 liegt jetzt beim Fachbereich Jugendamt; Sie sehen sie nicht mehr."
    )
    assert page.locator("td:has-text('JUG/2026/3'), a:has-text('JUG/2026/3')").count() == 0
    assert axe_problems(page) == []
