"""The letter as PDF/A for the e-Akte, converted by the real LibreOffice (issue 14): its layout, and that the file
holds the same text as the DOCX it was made from. A conversion takes LibreOffice about a second."""

from __future__ import annotations

import io
import re
import shutil
from collections import Counter

import pypdfium2
import pytest
from docx import Document
from pypdf import PdfReader

from tests.web.letters.test_letter import approved
from web.letters.pdf import ConversionFailed, docx_to_pdf

MM_PER_POINT = 25.4 / 72
PAGE_FOOTER = re.compile(r"Seite \d+ von \d+")
requires_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice fehlt (scripts/setup installiert es)"
)


@requires_libreoffice
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
    # Tagged for screen readers, in German, with the DOCX's headings as the PDF's (EN 301 549, 10 and 11.8).
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de-DE" and catalog["/MarkInfo"]["/Marked"]
    assert {"/H1", "/H2"} <= structure_tags(catalog["/StructTreeRoot"])
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


def structure_tags(node) -> set[str]:
    """The tags (/H1, /P …) of a PDF's structure tree."""
    node = node.get_object()
    if not hasattr(node, "get"):
        return set()
    children = node.get("/K")
    children = children if isinstance(children, list) else [] if children is None else [children]
    tags = {str(node["/S"])} if "/S" in node else set()
    return tags.union(*(structure_tags(child) for child in children))


def docx_words(document: Document) -> tuple[list[str], list[list[str]]]:
    """Every word of the letter's letterhead and body (frames included), and the body paragraphs' words in order.
    The footer is left out: its page numbers are fields each program counts itself."""
    section = document.sections[0]
    letterhead = [p.text for p in section.first_page_header.paragraphs]
    paragraphs = [p.text.split() for p in document.paragraphs if p.text.strip()]
    return " ".join(letterhead).split() + [word for words in paragraphs for word in words], paragraphs


def pdf_words(data: bytes) -> list[str]:
    """Every word LibreOffice put on the pages, without the „Seite n von m“ each page's footer adds. PDFium marks
    a hyphen at the end of a line as U+FFFE and joins the word's halves; the DOCX has a plain hyphen there."""
    document = pypdfium2.PdfDocument(data)
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    return PAGE_FOOTER.sub(" ", " ".join(pages)).replace("\ufffe", "-").split()


@requires_libreoffice
def test_the_pdf_for_the_file_has_the_same_text_as_the_docx(app, staff, reviewer):
    approved(app, staff, reviewer, requester_organisation="FWG-Kreistagsfraktion", requester_city="Talbach")
    query = "sources=1&questions=1"
    docx = Document(io.BytesIO(staff.get(f"/inquiries/1/letter/download?format=docx&{query}").data))
    response = staff.get(f"/inquiries/1/letter/download?format=pdf&{query}")
    assert response.mimetype == "application/pdf"
    expected, paragraphs = docx_words(docx)
    found = pdf_words(response.data)
    assert len(expected) > 200  # salutation, twelve answers with their questions, annex
    assert Counter(found) == Counter(expected)  # each word as often, none lost, none added
    # And in the DOCX's order: every paragraph begins after the one before it (the address field and the
    # information block are frames, placed on the page apart from the text's flow, so only their words count).
    text, position = " ".join(found), 0
    for words in paragraphs[paragraphs.index(["Sehr", "geehrte", "Damen", "und", "Herren,"]) :]:
        start = " ".join(words[:5])
        position = text.index(start, position) + len(start)
