"""Subject, received date and requester taken from the inquiry itself and offered in the form for checking."""

from __future__ import annotations

import html
import io
import re
from datetime import date

from sqlalchemy import select

from tests.conftest import KNOWLEDGE
from tests.web.conftest import post
from tests.web.inquiries.test_inquiries import after_the_file_is_read
from web.database import db
from web.models import Inquiry
from web.templating import today_local

SAMPLE_MAIL = KNOWLEDGE / "inquiries" / "2026-ifg-anfrage-buerger.eml"
LETTER = """Fraktion im Kreistag Talbach
Talbach, 14. Januar 2026

Betreff: Sanierung der Kreisstraße K 12

Sehr geehrter Herr Landrat,

1. Wann beginnt die Sanierung der K 12?
2. Wie hoch sind die Kosten?

Mit freundlichen Grüßen
Erika Beispiel
"""


def field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def read(client, data: dict, content_type: str | None = None):
    base = {"reference": "LT-1", "kind": "ltranspg", "received_on": "", "text": "", "step": "read"}
    kwargs = {"content_type": content_type} if content_type else {}
    return after_the_file_is_read(client, post(client, "/inquiries/new", {**base, **data}, **kwargs))


def test_sample_mail_offers_its_subject_date_and_sender_in_the_form(app, staff):
    response = read(staff, {"file": (io.BytesIO(SAMPLE_MAIL.read_bytes()), SAMPLE_MAIL.name)}, "multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert field(page, "subject") == "Antrag nach dem Landestransparenzgesetz - Online-Dienste, Ladepunkte, Glasfaser"
    assert field(page, "received_on") == "2026-01-19"
    assert field(page, "requester_name") == "Jan Beispielmann"
    assert field(page, "requester_email") == "jan.beispielmann@example.org"
    assert "Aus dem Text übernommen: Betreff, Eingangsdatum, Name, E-Mail." in page
    assert "Online-Ausweisfunktion" in page  # the mail's text is in the text field, ready to be created
    assert field(page, "source_filename") == SAMPLE_MAIL.name
    with app.app_context():
        assert db.session.scalar(select(Inquiry)) is None  # nothing is created before staff confirm


def test_staff_edit_the_offered_values_and_the_inquiry_keeps_them(app, staff):
    page = read(
        staff, {"file": (io.BytesIO(SAMPLE_MAIL.read_bytes()), SAMPLE_MAIL.name)}, "multipart/form-data"
    ).get_data(as_text=True)
    form = {name: field(page, name) for name in ("reference", "subject", "received_on", "requester_email")}
    text = html.unescape(re.search(r'<textarea id="text" name="text"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    response = post(
        staff,
        "/inquiries/new",
        {
            **form,
            "kind": "ltranspg",
            "text": text,
            "requester_name": "Jan Beispielmann (Haselbach-Süd)",
            "source_filename": SAMPLE_MAIL.name,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        assert inquiry.subject.startswith("Antrag nach dem Landestransparenzgesetz")
        assert inquiry.received_on == date(2026, 1, 19)
        assert inquiry.requester_name == "Jan Beispielmann (Haselbach-Süd)"
        assert inquiry.requester_email == "jan.beispielmann@example.org"
        assert inquiry.source_filename == SAMPLE_MAIL.name
        assert len(inquiry.questions) >= 3


def test_uploading_the_sample_mail_at_once_takes_its_date_not_today(app, staff):
    sent = post(
        staff,
        "/inquiries/new",
        {
            "reference": "LT-2",
            "kind": "ltranspg",
            "received_on": "",
            "text": "",
            "file": (io.BytesIO(SAMPLE_MAIL.read_bytes()), SAMPLE_MAIL.name),
        },
        content_type="multipart/form-data",
    )
    response = after_the_file_is_read(staff, sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        assert (inquiry.received_on, inquiry.requester_name) == (date(2026, 1, 19), "Jan Beispielmann")
        assert inquiry.subject.startswith("Antrag nach dem Landestransparenzgesetz")


def test_pasted_letter_offers_betreff_date_line_and_signature(app, staff):
    page = read(staff, {"text": LETTER}).get_data(as_text=True)
    assert field(page, "subject") == "Sanierung der Kreisstraße K 12"
    assert field(page, "received_on") == "2026-01-14"
    assert field(page, "requester_name") == "Erika Beispiel"
    assert field(page, "reference") == "LT-1"  # what staff typed stays


def test_a_field_staff_filled_is_not_overwritten_when_creating(app, staff):
    post(staff, "/inquiries/new", {"reference": "B-1", "kind": "council", "subject": "Eigener Betreff", "text": LETTER})
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        assert inquiry.subject == "Eigener Betreff"
        assert (inquiry.received_on, inquiry.requester_name) == (date(2026, 1, 14), "Erika Beispiel")


def test_text_that_names_no_date_is_received_today(app, staff):
    post(staff, "/inquiries/new", {"reference": "B-2", "kind": "council", "text": "1. Wie viele Schulen gibt es?"})
    with app.app_context():
        assert db.session.scalar(select(Inquiry)).received_on == today_local()


def test_reading_without_text_says_what_to_do(app, staff):
    response = read(staff, {})
    assert response.status_code == 400
    assert "Bitte zuerst den Text der Anfrage einfügen oder eine Datei auswählen." in response.get_data(as_text=True)
