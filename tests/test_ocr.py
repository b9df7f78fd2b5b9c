"""Scans and photographed letters: text recognised page by page, marked as OCR, failures reported by page.

Every scan is made here: German text drawn with Pillow at 200 dpi on a small page, saved as
a PNG or placed as the only content of a PDF page (fpdf2), so there is no text layer.
"""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pytesseract
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from drafter.config import ParseLimits, Settings
from drafter.errors import UnreadableDocument
from drafter.knowledge_base import KnowledgeBase
from drafter.loaders import load_document, progress
from drafter.splitting import split_inquiry

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DPI = 200
LETTER = (
    "Die Gebühren für die Straßenreinigung steigen am 01.01.2027\n"
    "von 2,45 Euro auf 2,79 Euro je Meter. Über 187 Widersprüche\n"
    "entscheidet das Ordnungsamt in Großenbrück bis zum 15.03.2027."
)
TYPED = "Antwort der Kreisverwaltung Talbach zur Anfrage vom 14.10.2026."


def _tesseract_with_german() -> bool:
    if shutil.which("tesseract") is None:
        return False
    return "deu" in pytesseract.get_languages()


pytestmark = pytest.mark.skipif(
    not _tesseract_with_german(),
    reason="Tesseract mit deutschem Sprachmodell ist nicht installiert (scripts/setup: tesseract-ocr, tesseract-ocr-deu)",
)


def scan(text: str = LETTER) -> Image.Image:
    """`text` in 11 pt at 200 dpi on a page just large enough for it, as a flatbed scanner would deliver it."""
    font = ImageFont.truetype(FONT, round(11 / 72 * DPI))
    page = Image.new("L", (round(6.5 * DPI), round(1.4 * DPI)), 255)
    ImageDraw.Draw(page).multiline_text((DPI // 4, DPI // 4), text, font=font, fill=0, spacing=DPI // 14)
    return page


def add_scanned_page(pdf: FPDF, image: Image.Image) -> None:
    pdf.add_page(format=(image.width * 72 / DPI, image.height * 72 / DPI))
    pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)


def add_text_page(pdf: FPDF) -> None:
    pdf.add_page(format=(420, 595))
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, TYPED)


def save(pdf: FPDF, path: Path) -> Path:
    pdf.output(str(path))
    return path


def close_to(found: str, expected: str, error_rate: float = 0.03) -> bool:
    """Equal up to `error_rate` of the characters, whitespace collapsed: OCR may misread a character or two."""
    found, expected = (re.sub(r"\s+", " ", text).strip() for text in (found, expected))
    return Levenshtein.distance(found, expected) <= error_rate * len(expected)


def test_scanned_pdf_page_is_recognised_with_umlauts_and_numbers(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt")
    add_scanned_page(pdf, scan())
    document = load_document(save(pdf, tmp_path / "scan.pdf"))
    assert close_to(document.text, LETTER), document.text
    assert "Straßenreinigung" in document.text and "01.01.2027" in document.text
    assert document.metadata["ocr_pages"] == "1"
    assert document.page_at(document.text.index("Widersprüche")) == 1


def test_png_of_a_letter_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "brief.png"
    scan().save(path, dpi=(DPI, DPI))
    document = load_document(path)
    assert close_to(document.text, LETTER), document.text
    assert "Gebühren" in document.text and "2,79" in document.text
    assert document.metadata["ocr_pages"] == "1"
    assert [page.number for page in document.pages] == [1]


def test_mixed_pdf_keeps_its_text_page_and_recognises_only_the_scanned_page(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt")
    add_text_page(pdf)
    add_scanned_page(pdf, scan())
    document = load_document(save(pdf, tmp_path / "gemischt.pdf"))
    first, second = document.pages
    assert document.text[first.start : first.end] == TYPED
    assert close_to(document.text[second.start : second.end], LETTER)
    assert (first.number, second.number) == (1, 2)
    assert document.metadata["ocr_pages"] == "2"
    assert "ocr_failed_pages" not in document.metadata


def test_each_scanned_page_is_reported_from_the_reading_process_as_it_starts(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt")
    add_text_page(pdf)
    add_scanned_page(pdf, scan())
    add_scanned_page(pdf, scan())
    messages: list[str] = []
    with progress.reporting_to(messages.append):
        load_document(save(pdf, tmp_path / "gemischt.pdf"))
    assert messages == ["Seite 2 von 3 wird erkannt", "Seite 3 von 3 wird erkannt"]  # page 1 has its text layer


def test_page_that_cannot_be_recognised_is_reported_by_number_and_the_rest_loads(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt")
    add_text_page(pdf)
    add_scanned_page(pdf, scan())
    # Tesseract needs longer than a hundredth of a second for any page: page 2 fails like a page that hangs.
    hurried = replace(ParseLimits(), ocr_page_seconds=0.01)
    document = load_document(save(pdf, tmp_path / "teilweise.pdf"), limits=hurried)
    assert document.text == TYPED
    assert document.metadata["ocr_failed_pages"] == "2"
    assert "ocr_pages" not in document.metadata
    warning = document.metadata["ocr_warning"]
    assert "Seite 2" in warning and "DRAFTER_OCR_PAGE_SECONDS" in warning and "neu scannen" in warning


def test_missing_language_model_is_named_for_each_scanned_page(tmp_path: Path) -> None:
    path = tmp_path / "brief.png"
    scan().save(path)
    with pytest.raises(UnreadableDocument) as caught:
        load_document(path, limits=replace(ParseLimits(), ocr_languages="xyz"))
    message = str(caught.value)
    assert "Seite 1 " in message and "Sprachmodell xyz" in message and "scripts/setup" in message


def test_scan_ingested_is_found_by_search_on_its_page_and_a_corrupt_image_is_reported(tmp_path, embedder) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    pdf = FPDF(unit="pt")
    pdf.add_page(format=(420, 595))
    pdf.set_font("Helvetica", size=9)
    for number in range(1, 9):  # a typed first page long enough to be passages of its own
        pdf.multi_cell(
            0,
            11,
            f"Abschnitt {number}: Die Kreisverwaltung prüft jeden Antrag auf Zuschuss zur Sanierung "
            f"von Gebäuden im Kreisgebiet innerhalb von {number + 2} Wochen nach Eingang der Unterlagen.\n",
        )
    add_scanned_page(pdf, scan())
    save(pdf, folder / "bescheid.pdf")
    (folder / "kaputt.png").write_bytes(b"\x89PNG\r\n\x1a\n abgeschnitten")
    kb = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "daten"), embedder)
    try:
        report = kb.ingest([folder])
        [failed] = report.failed
        assert failed.path.name == "kaputt.png" and "beschädigt" in (failed.error or "")
        best = kb.search("Widersprüche Ordnungsamt Großenbrück", k=1)[0]
        assert best.document.name == "bescheid.pdf" and best.chunk.page == 2 and "Widersprüche" in best.chunk.text
        assert best.document.ocr_pages == "2"  # recorded, so the document page can say the text was recognised
    finally:
        kb.close()


def test_photographed_inquiry_splits_into_its_questions(tmp_path: Path) -> None:
    path = tmp_path / "anfrage.jpg"
    letter = "Anfrage zur Straßenreinigung\n1. Wie hoch sind die Gebühren 2026?\n2. Wann tritt die Änderung in Kraft?"
    scan(letter).convert("RGB").save(path, quality=85, dpi=(DPI, DPI))
    questions = split_inquiry(load_document(path).text)
    assert [question.label for question in questions] == ["1", "2"]
    assert close_to(questions[1].text, "Wann tritt die Änderung in Kraft?")


def png_chunk(kind: bytes, content: bytes) -> bytes:
    return struct.pack(">I", len(content)) + kind + content + struct.pack(">I", zlib.crc32(kind + content))


def test_image_declaring_billions_of_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)  # 10 gigapixels in a file under 100 bytes
    path = tmp_path / "riesig.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )
    with pytest.raises(UnreadableDocument) as caught:
        load_document(path)
    assert "zu groß" in str(caught.value) and "neu scannen" in str(caught.value)


def test_corrupt_image_is_reported_in_german(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 kein JPEG, nur der Anfang")
    with pytest.raises(UnreadableDocument) as caught:
        load_document(path)
    assert "beschädigt" in str(caught.value) and "erneut hochladen" in str(caught.value)
