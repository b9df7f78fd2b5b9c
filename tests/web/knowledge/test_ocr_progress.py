"""While a scan is recognised at ingest, the upload's page says which page is being read."""

from __future__ import annotations

import io
import re

from fpdf import FPDF
from sqlalchemy import select

from tests.test_ocr import LETTER, add_scanned_page, pytestmark, scan  # noqa: F401 (skipped without Tesseract)
from tests.web.conftest import post
from web.database import db
from web.models import IngestionJob


def test_the_upload_page_shows_which_page_of_a_scan_is_being_recognised(app, curator):
    pdf = FPDF(unit="pt")
    pages = (
        LETTER,
        "Der Kreisausschuss berät am Montag\nüber die Förderung der Dorfläden.",
        "Mit freundlichen Grüßen\nIm Auftrag",
    )
    for text in pages:  # different on every page: lines that recur on each page are dropped as running heads
        add_scanned_page(pdf, scan(text))
    data = {"files": [(io.BytesIO(bytes(pdf.output())), "gescannter-bescheid.pdf")]}
    response = post(curator, "/knowledge/upload", data, content_type="multipart/form-data")
    batch_page = response.headers["Location"]
    seen = []
    while True:  # the page's htmx poll: 200 while a job is pending, 286 (stop polling) once all are done
        poll = curator.get(batch_page, headers={"HX-Request": "true"})
        seen += re.findall(r"Seite \d von \d wird erkannt", poll.get_data(as_text=True))
        if poll.status_code == 286:
            break
    assert seen, "keine Fortschrittsanzeige gesehen"
    assert set(seen) <= {f"Seite {number} von 3 wird erkannt" for number in (1, 2, 3)}
    assert seen == sorted(seen)  # in the order the pages are read
    final = poll.get_data(as_text=True)
    assert "wird erkannt" not in final and "Dokument ansehen" in final
    with app.app_context():
        job = db.session.scalar(select(IngestionJob).where(IngestionJob.filename == "gescannter-bescheid.pdf"))
        assert job.state == "done" and job.progress == "Seite 3 von 3 wird erkannt"
