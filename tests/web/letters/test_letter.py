"""The reply letter as a Word document, also when an answer holds characters XML cannot carry (issue 17)."""

from __future__ import annotations

import io

from docx import Document

from tests.web.conftest import post
from tests.web.review.test_review import _approve_all, drafted
from web.letters.letter import Letter, LetterAnswer, LetterSection, letter_docx, xml_safe


def test_words_line_and_page_breaks_become_line_breaks_and_other_control_characters_go():
    assert xml_safe("Erste Zeile\x0bzweite\x0cdritte") == "Erste Zeile\nzweite\ndritte"
    assert xml_safe("Nullbyte\x00, Glocke\x07, Tab\tbleibt") == "Nullbyte, Glocke, Tab\tbleibt"


def test_a_letter_with_control_characters_is_written():
    letter = Letter(
        authority="Kreisverwaltung\x07",
        authority_address="Hauptstraße 1",
        place_and_date="Talbach, 1.12.2026",
        reference="AZ\x0b1",
        recipient=["Erika\x00 Mustermann"],
        subject="Betreff",
        salutation="Hallo,",
        introduction="Wir antworten:",
        closing=["Grüße"],
        remedy_note=None,
        with_sources=False,
        sections=[LetterSection(None, [LetterAnswer("Zu 1):", "", "Erste Zeile\x0bzweite Zeile.")])],
    )
    paragraphs = [p.text for p in Document(io.BytesIO(letter_docx(letter))).paragraphs]
    assert "Erste Zeile\nzweite Zeile." in paragraphs
    assert "Erika Mustermann" in paragraphs


def test_docx_export_of_an_answer_with_a_vertical_tab_succeeds(app, staff, reviewer):
    ids = drafted(app, staff)
    text = "Seit 2025 gilt:\x0bEs sind 158 Leistungen. [1]"
    assert post(staff, f"/answers/{ids[0]}/save", {"text": text, "base_revision": 1}).status_code == 302
    _approve_all(app, staff, reviewer, ids)
    post(reviewer, "/review/inquiries/1/approve")
    response = staff.get("/inquiries/1/letter/download?format=docx&sources=1")
    assert response.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(response.data)).paragraphs]
    assert "Seit 2025 gilt:\nEs sind 158 Leistungen. [1]" in paragraphs
