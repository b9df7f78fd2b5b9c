"""Hostile and oversized files: refused quickly with a German message naming the limit, at most one process lost.

Every file is made here: a DOCX "zip bomb" (2.5 MB that unpacks to 1 GB of XML), a DOCX of
100,000 short paragraphs, a PDF of 6,000 pages, HTML of 60,000 paragraphs.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from drafter.config import ParseLimits
from drafter.errors import DocumentError, DocumentOverLimit, EmptyDocument, ParsingAborted
from drafter.loaders import load_document, read_document
from drafter.loaders.sandbox import run_limited

DEFAULTS = ParseLimits()
NO_CONTENT_LIMITS = replace(
    DEFAULTS, max_expanded_bytes=1 << 40, max_compression_ratio=1e9, max_paragraphs=10**9, max_chars=10**12
)
PARAGRAPH = b"<w:p><w:r><w:t>Frage?</w:t></w:r></w:p>"
BIG_PARAGRAPH = b"<w:p><w:r><w:t>" + b"A" * 1000 + b"</w:t></w:r></w:p>"


def docx_with_body(path: Path, body: Iterable[bytes], compresslevel: int = 6) -> Path:
    """A valid DOCX from python-docx's template whose body is `body`, streamed into the archive."""
    template = io.BytesIO()
    docx.Document().save(template)
    source = zipfile.ZipFile(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename != "word/document.xml":
                archive.writestr(entry, data)
                continue
            head, tail = data.split(b"<w:body>")
            with archive.open(entry.filename, "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                for chunk in body:
                    part.write(chunk)
                part.write(tail)
    return path


def assert_german_limit(error: DocumentError, *expected: str) -> None:
    message = str(error)
    assert message.startswith(f"{error.path.name}: ")
    assert "Bitte" in message
    for text in expected:
        assert text in message


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    block = BIG_PARAGRAPH * 1024
    path = tmp_path_factory.mktemp("bomb") / "bombe.docx"
    return docx_with_body(path, (block for _ in range(1024)))  # 1 GB of paragraphs


@pytest.fixture(scope="module")
def many_paragraphs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paragraphs") / "absaetze.docx"
    return docx_with_body(path, [b"<w:p><w:r><w:t>Frage %d?</w:t></w:r></w:p>" % number for number in range(100_000)])


def test_zip_bomb_is_refused_before_it_is_unpacked(zip_bomb: Path) -> None:
    assert zip_bomb.stat().st_size < 3 * 1_048_576
    with pytest.raises(DocumentOverLimit) as caught:
        load_document(zip_bomb)
    assert caught.value.setting == "DRAFTER_MAX_EXPANDED_MB"
    assert_german_limit(caught.value, "entpackt mehr als 200 MB", "DRAFTER_MAX_EXPANDED_MB")


def test_part_packed_like_a_bomb_is_refused_although_small_enough(tmp_path: Path) -> None:
    path = docx_with_body(tmp_path / "gepackt.docx", [b" " * (20 * 1_048_576)], compresslevel=9)
    with pytest.raises(DocumentOverLimit) as caught:
        load_document(path)
    assert_german_limit(caught.value, "ungewöhnlich stark gepackt", "erlaubt 1 : 200", "DRAFTER_MAX_COMPRESSION_RATIO")


def test_docx_with_100000_paragraphs_is_refused(many_paragraphs: Path) -> None:
    with pytest.raises(DocumentOverLimit) as caught:
        load_document(many_paragraphs)
    assert_german_limit(caught.value, "mehr als 50.000 Absätze (100.000)", "DRAFTER_MAX_PARAGRAPHS")


def test_docx_with_100000_paragraphs_reads_completely_when_allowed(many_paragraphs: Path) -> None:
    """python-docx's style look-up per paragraph made this take minutes (within the child's CPU limit it
    would fail); read from the XML it takes seconds, as bench/hostile.py prints."""
    document = load_document(many_paragraphs, limits=replace(DEFAULTS, max_paragraphs=100_000))
    assert document.text.count("Frage") == 100_000
    assert document.text.endswith("Frage 99999?")


def test_pdf_with_more_pages_than_allowed_is_refused_before_reading_them(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(6_000):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "seiten.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(DocumentOverLimit) as caught:
        load_document(path)
    assert_german_limit(caught.value, "mehr als 5.000 Seiten (6.000)", "DRAFTER_MAX_PAGES")


def test_html_with_more_paragraphs_than_allowed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "seite.html"
    path.write_text("<html><body>" + "<p>Absatz</p>\n" * 60_000 + "</body></html>", encoding="utf-8")
    with pytest.raises(DocumentOverLimit) as caught:
        load_document(path)
    assert_german_limit(caught.value, "mehr als 50.000 Absätze", "DRAFTER_MAX_PARAGRAPHS")


def test_text_longer_than_allowed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lang.txt"
    path.write_text("Wort " * 3_000, encoding="utf-8")
    with pytest.raises(DocumentOverLimit) as caught:
        load_document(path, limits=replace(DEFAULTS, max_chars=10_000))
    assert_german_limit(caught.value, "mehr als 10.000 Zeichen Text (14.999)", "DRAFTER_MAX_CHARS")


def test_parser_over_the_memory_limit_ends_in_a_german_error_and_the_next_file_loads(
    zip_bomb: Path, tmp_path: Path
) -> None:
    """With the content checks lifted, the bomb really unpacks: only the child process runs out of memory."""
    limits = replace(NO_CONTENT_LIMITS, memory_bytes=600 * 1_048_576)
    with pytest.raises(ParsingAborted) as caught:
        load_document(zip_bomb, limits=limits)
    assert_german_limit(caught.value, "mehr als 600 MB Arbeitsspeicher", "DRAFTER_PARSE_MEMORY_MB")
    assert load_document(docx_with_body(tmp_path / "danach.docx", [PARAGRAPH]), limits=limits).text == "Frage?"


def test_parser_over_the_cpu_time_limit_is_stopped_with_a_german_error(many_paragraphs: Path) -> None:
    limits = replace(NO_CONTENT_LIMITS, cpu_seconds=1)
    with pytest.raises(ParsingAborted) as caught:
        load_document(many_paragraphs, limits=limits)
    assert_german_limit(caught.value, "DRAFTER_PARSE_CPU_SECONDS")
    # on a busy machine the child may not even get its second of CPU before the wall-clock guard ends it
    assert "mehr als 1 s Rechenzeit" in str(caught.value) or "dauerte länger als 4 s" in str(caught.value)


def test_child_that_hangs_is_killed_after_four_times_its_cpu_limit(tmp_path: Path) -> None:
    with pytest.raises(ParsingAborted) as caught:
        run_limited(time.sleep, 60, path=tmp_path / "haengt.pdf", limits=replace(DEFAULTS, cpu_seconds=1))
    assert_german_limit(caught.value, "dauerte länger als 4 s", "DRAFTER_PARSE_CPU_SECONDS")


def test_child_that_crashes_ends_in_a_german_error(tmp_path: Path) -> None:
    with pytest.raises(ParsingAborted) as caught:
        run_limited(os.abort, path=tmp_path / "absturz.docx", limits=DEFAULTS)
    assert_german_limit(caught.value, "abgestürzt (Signal 6)", "neu speichern")


def test_normal_document_loads_in_the_child_exactly_as_in_process(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    answers = ["Die Kosten trägt der Kreis.", "Die Umstellung endet 2025.", "Weitere Maßnahmen folgen."]
    for number, answer in enumerate(answers, start=1):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Antwort der Kreisverwaltung\n{answer}\n\nSeite {number} von 3")
    path = tmp_path / "antwort.pdf"
    pdf.output(str(path))
    sandboxed = load_document(path)
    assert sandboxed == read_document(path, None, DEFAULTS)
    assert [page.number for page in sandboxed.pages] == [1, 2, 3]
    assert sandboxed.text == "Die Kosten trägt der Kreis.\n\nDie Umstellung endet 2025.\n\nWeitere Maßnahmen folgen."


def test_errors_keep_their_type_and_message_across_the_process_boundary(tmp_path: Path) -> None:
    path = tmp_path / "leer.md"
    path.write_text("   \n", encoding="utf-8")
    with pytest.raises(EmptyDocument) as caught:
        load_document(path)
    with pytest.raises(EmptyDocument) as in_process:
        read_document(path, None, DEFAULTS)
    assert str(caught.value) == str(in_process.value)
    assert caught.value.path == path


def test_files_read_from_several_threads_at_once(tmp_path: Path) -> None:
    """gunicorn's threads each read uploads; each read gets its own child process."""
    paths = []
    for number in range(6):
        path = tmp_path / f"anfrage{number}.txt"
        path.write_text(f"Anfrage {number}: Wie hoch sind die Kosten?", encoding="utf-8")
        paths.append(path)
    with ThreadPoolExecutor(max_workers=3) as pool:
        texts = list(pool.map(lambda path: load_document(path).text, paths))
    assert texts == [f"Anfrage {number}: Wie hoch sind die Kosten?" for number in range(6)]
