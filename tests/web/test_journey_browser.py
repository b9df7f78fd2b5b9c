"""The whole journey in a real browser (headless Debian chromium via Playwright) plus an accessibility scan.

Staff record a numbered inquiry, correct the split, have it drafted, edit an answer, write the
answers the knowledge base has no basis for and send everything to review, confirming the untouched
drafts; a reviewer approves each answer and the reply on the inquiry's review page; the exported DOCX
holds every answer under its original label. axe-core then checks every main page for serious or
critical WCAG 2.1 AA violations.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from tests.web.browser import axe_problems, requires_browser, signed_in
from tests.web.conftest import SAMPLE_INQUIRY, sample_app, served

LABELS = ["1a", "1b", "1c", "2a", "2b", "2c", "2d", "3a", "3b", "3c", "3d", "3e"]

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, sample_knowledge, embedder):
    with served(sample_app(tmp_path_factory.mktemp("browser"), sample_knowledge, embedder)) as base:
        yield base


@pytest.fixture(scope="module")
def journey(browser, live_server):
    """Run the journey once; the tests below check its outcome and scan the pages it passed."""
    base = live_server
    visited: dict[str, list[str]] = {"staff": [], "reviewer": []}
    staff = signed_in(browser, base, "staff")
    staff.click("text=Neue Anfrage erfassen")
    visited["staff"].append(staff.url)
    staff.fill("#reference", "FWG/2026/003")
    staff.select_option("#kind", "council")
    staff.fill("#received_on", "2026-01-14")
    staff.fill("#requester_name", "FWG-Fraktion im Kreistag Talbach")
    staff.fill("#text", SAMPLE_INQUIRY.read_text())
    staff.click("button:has-text('Anfrage anlegen')")
    staff.wait_for_selector("text=12 Fragen erkannt")
    inquiry_url = staff.url.split("#")[0]
    visited["staff"].append(inquiry_url)
    labels = staff.eval_on_selector_all("input[name=label][id^=label-]", "els => els.map(e => e.value)")

    # Correct one split: the text of 2b gets a clarification (htmx swaps only the question list).
    question_2b = staff.locator("li.question-card", has=staff.locator("input[name=label][value='2b']"))
    textarea = question_2b.locator("textarea[name=text]")
    textarea.fill(textarea.input_value() + " (Stand: 31.12.2025)")
    question_2b.locator("button:has-text('Frage 2b speichern')").click()
    staff.wait_for_selector("text=Die Aufteilung wurde geändert.")

    staff.click("button:has-text('Entwürfe erstellen')")
    staff.wait_for_selector("#fortschritt-status:has-text('12 von 12 Entwürfen fertig')")
    staff.click("text=Antwort 1a öffnen")
    workspace_url = staff.url
    staff.click("a.marker >> nth=0")
    highlighted = staff.locator(".source.active mark").count()
    staff.fill("#answer-text", staff.input_value("#answer-text") + "\n\nErgänzt durch die Sachbearbeitung.")
    staff.click("button:has-text('Als neue Version speichern')")
    staff.wait_for_selector("text=Gespeichert als Version 2")
    staff.click("button:has-text('Weitere Fundstellen anzeigen')")
    staff.wait_for_selector("#weitere-ergebnisse .source")
    visited["staff"] += [
        workspace_url,
        workspace_url.split("#")[0] + "/revisions?version=2",
        workspace_url.split("#")[0] + "/passages",
    ]
    # Where the knowledge base has no basis, staff write the answer themselves: the abstention text can be
    # neither approved nor sent (issue 13).
    staff.goto(inquiry_url)
    abstaining = staff.locator("table.progress tr", has=staff.locator("text=keine ausreichenden Belege"))
    for link in [abstaining.nth(i).locator("a").first.get_attribute("href") for i in range(abstaining.count())]:
        staff.goto(base + link)
        staff.fill("#answer-text", "Hierzu liegen der Kreisverwaltung keine Unterlagen vor.")
        staff.click("button:has-text('Als neue Version speichern')")
        staff.wait_for_selector("text=Gespeichert als Version 2")
    # Untouched machine drafts go to review only with a confirmation per answer.
    staff.goto(inquiry_url)
    unchanged = staff.locator("input[name=confirm_unchanged]")
    for i in range(unchanged.count()):
        unchanged.nth(i).check()
    staff.click("button:has-text('Alle fertigen Entwürfe zur Prüfung geben')")
    staff.wait_for_selector("text=12 Antworten liegen jetzt zur Prüfung vor.")
    # The letter's introduction is worded by staff before the reply is approved (issue 14).
    staff.goto(inquiry_url + "/letter/")
    staff.fill("#letter_introduction", "gern beantworten wir Ihre Fragen zur Digitalisierung wie folgt:")
    staff.click("button:has-text('Brieftext speichern')")
    staff.wait_for_selector("text=Betreff, Einleitung und Schluss des Briefes wurden gespeichert.")

    reviewer = signed_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/review/")
    visited["reviewer"].append(reviewer.url)
    reviewer.click("a:has-text('Anfrage FWG/2026/003 prüfen')")  # every answer of the inquiry on one page
    visited["reviewer"].append(reviewer.url.split("#")[0])
    for label in LABELS:
        reviewer.click(f"button:has-text('Antwort {label} freigeben')")
        reviewer.wait_for_selector(f"text=Antwort {label} ist freigegeben.")
    reviewer.goto(f"{base}/review/")
    assert "Keine Antworten warten auf Prüfung." in reviewer.content()
    reviewer.goto(inquiry_url)
    reviewer.click("button:has-text('Gesamtantwort freigeben')")
    reviewer.wait_for_selector("text=Die Gesamtantwort ist freigegeben.")
    reviewer.click("text=Antwortbrief erstellen")
    visited["reviewer"].append(reviewer.url)
    with reviewer.expect_download() as download:
        reviewer.click("button:has-text('Antwortbrief herunterladen')")
    letter = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    return {
        "labels": labels,
        "letter": letter,
        "highlighted": highlighted,
        "visited": visited,
        "pages": {"staff": staff, "reviewer": reviewer},
        "base": base,
    }


def test_split_shows_every_numbered_question(journey):
    assert journey["labels"] == LABELS


def test_citation_marker_highlights_the_quote(journey):
    assert journey["highlighted"] >= 1


def test_exported_letter_answers_every_question_under_its_label(journey):
    paragraphs = [p.text for p in journey["letter"].paragraphs]
    headings = [" ".join(p.split()[:2]) for p in paragraphs if p.startswith("Zu ")]
    assert headings == [f"Zu {label})" for label in LABELS]
    assert "gern beantworten wir Ihre Fragen zur Digitalisierung wie folgt:" in paragraphs
    body = "\n".join(paragraphs)
    assert "Ergänzt durch die Sachbearbeitung." in body
    assert "(Stand: 31.12.2025)" in body  # the corrected question text
    assert "FWG-Fraktion im Kreistag Talbach" in body


def test_main_pages_have_no_serious_accessibility_problems(journey, browser):
    base = journey["base"]
    staff, reviewer = journey["pages"]["staff"], journey["pages"]["reviewer"]
    staff_pages = [
        *journey["visited"]["staff"],
        f"{base}/inquiries/",
        f"{base}/password",
        f"{base}/knowledge/",
        f"{base}/knowledge/search?q=Online-Dienste",
    ]
    problems = []
    for url in staff_pages:
        staff.goto(url)
        problems += axe_problems(staff)
    staff.goto(f"{base}/knowledge/search?q=Online-Dienste")
    staff.click("ol.hits h3 a >> nth=0")
    problems += axe_problems(staff)
    staff.goto(f"{base}/knowledge/")
    staff.click("table a >> nth=0")
    problems += axe_problems(staff)
    for url in journey["visited"]["reviewer"]:
        reviewer.goto(url)
        problems += axe_problems(reviewer)

    curator = signed_in(browser, base, "curator")
    curator.goto(f"{base}/knowledge/upload")
    problems += axe_problems(curator)
    curator.set_input_files("#files", [{"name": "kaputt.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1"}])
    curator.click("button:has-text('Hochladen und einlesen')")
    curator.wait_for_selector("#upload-status:has-text('Fertig')")
    problems += axe_problems(curator)
    curator.goto(f"{base}/knowledge/jobs")
    problems += axe_problems(curator)

    admin = signed_in(browser, base, "admin")
    for path in ("/admin/users", "/admin/users/new", "/admin/audit", "/admin/users/1", "/admin/letter-template/"):
        admin.goto(base + path)
        problems += axe_problems(admin)
    admin.goto(f"{base}/gibt-es-nicht")
    problems += axe_problems(admin)

    anonymous = browser.new_context(bypass_csp=True).new_page()
    anonymous.goto(f"{base}/login")
    problems += axe_problems(anonymous)
    assert problems == []


def test_new_inquiry_form_errors_are_accessible(journey):
    page = journey["pages"]["staff"]
    page.goto(f"{journey['base']}/inquiries/new")
    page.fill("#reference", "")
    page.evaluate("document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))")
    page.click("button:has-text('Anfrage anlegen')")
    page.wait_for_selector(".error-summary")
    assert page.get_attribute("#reference", "aria-invalid") == "true"
    assert axe_problems(page) == []
