"""The Zwischennachricht: after extending a deadline, staff download the letter that tells the requester."""

from __future__ import annotations

import io
import re

from docx import Document
from sqlalchemy import select

from tests.web.conftest import post
from tests.web.inquiries.test_inquiries import new_inquiry
from web.config import extendable_kinds
from web.database import db
from web.models import AuditEntry

NOTICE_LINK = re.compile(r'href="(/inquiries/1/letter/extension/(\d+))"[^>]*>Zwischennachricht an die antragstellende')


def _text(document: Document) -> str:
    """Body, frames and headers of the letter, as the recipient reads them."""
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.first_page_header.paragraphs]
    return "\n".join(parts)


def test_after_an_extension_staff_download_the_notice_with_new_date_reason_and_legal_basis(app, staff):
    app.config["AUTHORITY_NAME"] = "Kreisverwaltung Talbach"
    new_inquiry(
        staff,
        reference="UI-2026-7",
        kind="ltranspg",
        subject="Nitratwerte im Grundwasser",
        received_on="2026-12-01",
        requester_name="Erika Muster",
        requester_street="Lindenweg 3",
        requester_postcode="56000",
        requester_city="Talbach",
        text="1. Welche Nitratwerte wurden 2025 gemessen?",
    )
    assert "Zwischennachricht an die antragstellende Person" not in staff.get("/inquiries/1").get_data(as_text=True)
    extended = post(
        staff,
        "/inquiries/1/deadline",
        {"new_deadline": "2027-01-25", "reason": "Die Messreihen liegen bei drei Wasserwerken."},
        follow_redirects=True,
    )
    page = extended.get_data(as_text=True)
    assert "Bitte die antragstellende Person mit der Zwischennachricht" in page
    link = NOTICE_LINK.search(page)
    assert link, "the inquiry page offers the notice right after the extension"

    response = staff.get(link.group(1))
    assert response.status_code == 200
    assert 'filename="Zwischennachricht_UI-2026-7.docx"' in response.headers["Content-Disposition"]
    text = _text(Document(io.BytesIO(response.data)))
    assert "Zwischennachricht zu Ihrem Antrag vom 01.12.2026: Nitratwerte im Grundwasser" in text
    assert "Ihr Antrag vom 01.12.2026 zum Thema „Nitratwerte im Grundwasser“ ist bei uns in Bearbeitung." in text
    assert "Guten Tag Erika Muster," in text and "Lindenweg 3" in text and "56000 Talbach" in text
    assert "Kreisverwaltung Talbach" in text  # the county's letterhead, as the reply letter has it
    assert "verlängern die Frist für unsere Antwort nach § 12 Abs. 3 LTranspG bis zum 25.01.2027" in text
    assert "Über Ihren Antrag können wir nicht bis zum 04.01.2027 entscheiden" in text
    assert "Grund der Verlängerung: Die Messreihen liegen bei drei Wasserwerken." in text
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "extension_notice_exported"))
        assert entry is not None and entry.inquiry_id == 1 and "25.01.2027" in entry.detail


def test_a_second_extension_offers_the_notice_of_the_newest_date_and_reviewers_get_none(app, staff, reviewer):
    new_inquiry(staff, kind="ifg", received_on="2026-12-01", text="1. Wie viele Schulen gibt es?")
    post(staff, "/inquiries/1/deadline", {"new_deadline": "2027-01-15", "reason": "Dritte beteiligt (§ 8 IFG)."})
    post(staff, "/inquiries/1/deadline", {"new_deadline": "2027-02-15", "reason": "Der Dritte bat um Aufschub."})
    link = NOTICE_LINK.search(staff.get("/inquiries/1").get_data(as_text=True))
    text = _text(Document(io.BytesIO(staff.get(link.group(1)).data)))
    assert "bis zum 15.02.2027" in text and "nach § 7 Abs. 5 Satz 2 IFG" in text
    assert "Der Dritte bat um Aufschub." in text and "nicht bis zum 15.01.2027 entscheiden" in text
    assert NOTICE_LINK.search(reviewer.get("/inquiries/1").get_data(as_text=True)) is None
    assert reviewer.get(link.group(1)).status_code == 403
    assert staff.get("/inquiries/1/letter/extension/99").status_code == 404


def test_the_notice_to_a_citizen_speaks_of_their_anfrage_and_names_the_countys_rule(app, staff):
    app.config["DEADLINE_EXTENDABLE"] = extendable_kinds("citizen")
    new_inquiry(staff, kind="citizen", subject="Radweg", received_on="2026-12-01", text="1. Wann kommt der Radweg?")
    post(staff, "/inquiries/1/deadline", {"new_deadline": "2027-01-29", "reason": "Die Planung liegt beim Land."})
    link = NOTICE_LINK.search(staff.get("/inquiries/1").get_data(as_text=True))
    text = _text(Document(io.BytesIO(staff.get(link.group(1)).data)))
    assert "Zwischennachricht zu Ihrer Anfrage vom 01.12.2026: Radweg" in text
    assert "Wir können Ihre Anfrage nicht bis zum" in text
    assert "nach der Vorgabe der Kreisverwaltung für Bürgeranfragen bis zum 29.01.2027" in text
