"""While a scanned inquiry file is read in the background, the waiting page says which page is being recognised."""

from __future__ import annotations

import io
import re

from fpdf import FPDF
from sqlalchemy import select

from tests.test_ocr import add_scanned_page, pytestmark, scan  # noqa: F401 (skipped without Tesseract)
from tests.web.conftest import post
from web.database import db
from web.models import Inquiry, InquiryFileJob

PAGES = (
    "Antrag nach dem Landestransparenzgesetz\nBetreff: Nitratwerte im Grundwasser",
    "1. Welche Nitratwerte wurden 2025 an den Messstellen gemessen?",
    "2. Wie viele Messstellen überschreiten den Grenzwert?",
)


def test_the_waiting_page_of_a_scanned_inquiry_file_says_which_page_is_being_read(app, staff):
    pdf = FPDF(unit="pt")
    for text in PAGES:  # different on every page: lines that recur on each page are dropped as running heads
        add_scanned_page(pdf, scan(text))
    form = {
        "reference": "UI-2026-9",
        "kind": "ltranspg",
        "received_on": "2026-12-01",
        "assignee_id": "",
        "text": "",
        "file": (io.BytesIO(bytes(pdf.output())), "gescannter-antrag.pdf"),
    }
    response = post(staff, "/inquiries/new", form, content_type="multipart/form-data")
    waiting_page = response.headers["Location"]
    assert "/inquiries/new/file/" in waiting_page
    seen = []
    while True:  # the page's htmx poll: the fragment while the file is read, then a redirect to go on
        poll = staff.get(waiting_page, headers={"HX-Request": "true"})
        seen += re.findall(r"Seite \d von \d wird erkannt", poll.get_data(as_text=True))
        if "HX-Redirect" in poll.headers:
            break
    assert seen, "keine Fortschrittsanzeige gesehen"
    assert set(seen) <= {f"Seite {number} von 3 wird erkannt" for number in (1, 2, 3)}
    assert seen == sorted(seen)  # in the order the pages are read
    done = staff.get(poll.headers["HX-Redirect"], follow_redirects=True).get_data(as_text=True)
    assert "wird erkannt" not in done and "Messstellen" in done
    with app.app_context():
        job = db.session.scalar(select(InquiryFileJob).where(InquiryFileJob.filename == "gescannter-antrag.pdf"))
        assert job.state == "done" and job.progress == "Seite 3 von 3 wird erkannt"
        assert db.session.scalar(select(Inquiry.reference)) == "UI-2026-9"
