"""The letter as PDF/A for the e-Akte, converted by the real LibreOffice (issue 14); one conversion, it is slow."""

from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader

from tests.web.letters.test_letter import approved
from web.letters.pdf import ConversionFailed, docx_to_pdf

MM_PER_POINT = 25.4 / 72


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice fehlt (scripts/setup installiert es)")
def test_an_approved_letter_downloads_as_pdf_a_with_its_text_and_the_address_where_din_5008_puts_it(
    app, staff, reviewer
):
    approved(app, staff, reviewer, requester_organisation="FWG-Kreistagsfraktion", requester_city="Talbach")
    response = staff.get("/inquiries/1/letter/download?format=pdf&questions=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("FWG-Kreistagsfraktion", "Unser Zeichen: FWG/2026/1", "Zu 1a)", "Zu 2a)", "Landrat"):
        assert expected in text
    assert f"Seite 1 von {len(reader.pages)}" in text
    assert text.count("Unser Zeichen") == 1
    assert b"pdfaid:part" in response.data  # PDF/A identification in the XMP metadata
    page = reader.pages[0]
    positions = {}

    def remember(found, _cm, tm, _font, _size):
        if found.strip():
            positions.setdefault(
                found.strip(), (tm[4] * MM_PER_POINT, (float(page.mediabox.top) - tm[5]) * MM_PER_POINT)
            )

    page.extract_text(visitor_text=remember)
    assert (round(float(page.mediabox.width) * MM_PER_POINT), round(float(page.mediabox.height) * MM_PER_POINT)) == (
        210,
        297,
    )
    left, top = next(value for key, value in positions.items() if key.startswith("FWG-Kreistagsfraktion"))
    assert 20 <= left <= 25 and 62 <= top <= 70  # in the Anschriftzone, below the 17.7 mm Vermerkzone


def test_a_missing_libreoffice_is_named_with_what_to_do(app, staff, reviewer):
    with pytest.raises(ConversionFailed, match="libreoffice-writer-nogui"):
        docx_to_pdf(b"", soffice="kein-libreoffice-hier")
    approved(app, staff, reviewer)
    app.config["SOFFICE"] = "kein-libreoffice-hier"
    page = staff.get("/inquiries/1/letter/download?format=pdf", follow_redirects=True).get_data(as_text=True)
    assert "Für das PDF wird LibreOffice benötigt" in page and "als DOCX" in page
