"""PDF files: text per page with exact page offsets, running headers and footers removed.

Pages are normalised one by one and then joined with a blank line, so `Page.start`/`end`
are offsets into the final text. A word hyphenated across a page break is moved onto the
earlier page as a whole, which keeps both page spans whole-worded.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pypdfium2
from PIL import Image
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from drafter.config import ParseLimits
from drafter.errors import DocumentOverLimit, EmptyDocument, NoTextRecognised, UnreadableDocument
from drafter.models import LoadedDocument, Page
from drafter.text_cleaning import join_hyphenated_break, normalize_text

from .limits import check_count
from .ocr import Recognition, recognise_pages

PAGE_SEPARATOR = "\n\n"
CORRUPT = (
    "Die PDF-Datei ist beschädigt und konnte nicht gelesen werden. "
    "Bitte die Datei neu exportieren oder als DOCX/TXT hochladen."
)
TRUNCATED = (
    "Die PDF-Datei ist unvollständig (vermutlich abgebrochener Download oder Upload). "
    "Bitte die Datei erneut herunterladen bzw. exportieren und noch einmal hochladen."
)
PASSWORD_PROTECTED = (
    "Die PDF-Datei ist passwortgeschützt und kann ohne Passwort nicht gelesen werden. "
    "Bitte eine Fassung ohne Passwortschutz speichern (z. B. „Drucken als PDF“) und hochladen."
)
MISSING_CRYPTO = (
    "Die PDF-Datei ist verschlüsselt (AES); zum Entschlüsseln fehlt auf dem Server das Python-Paket "
    "„cryptography“. Bitte die IT-Betreuung informieren oder eine Fassung ohne Verschlüsselung hochladen."
)
NO_TEXT_FOUND = "Die PDF-Datei enthält keine Textebene, und auch die Texterkennung (OCR) fand auf keiner Seite Text."

# Header/footer lines are searched among the first and last lines of a page …
_EDGE_LINES = 3
# … and removed when they recur, digits aside, on at least this share of pages.
_RUNNING_SHARE = 0.6
_DIGITS = re.compile(r"\d{1,9}")
_PLACEHOLDER_TITLES = re.compile(
    r"^(?:microsoft word|untitled|unbenannt|dokument\d*$|document\d*$)|\.(?:docx?|odt|rtf|txt|pdf|pptx?|xlsx?)$",
    re.IGNORECASE,
)


def load_pdf(path: Path, data: bytes, limits: ParseLimits) -> LoadedDocument:
    reader = _open(path, data)
    try:
        # The count the page tree declares costs nothing; counting its pages walks the tree (3 s for 20,000),
        # which a file that understates its count still pays. Extracting text is what costs time per page.
        check_count(path, _declared_pages(reader), limits.max_pages, "Seiten", "DRAFTER_MAX_PAGES")
        check_count(path, len(reader.pages), limits.max_pages, "Seiten", "DRAFTER_MAX_PAGES")
        raw_pages = [page.extract_text(extraction_mode="plain") or "" for page in reader.pages]
    except DocumentOverLimit:
        raise
    except FileNotDecryptedError as exc:
        raise UnreadableDocument(path, PASSWORD_PROTECTED) from exc
    except Exception as exc:  # pypdf raises many unrelated types on broken content streams
        raise UnreadableDocument(path, _damage(data)) from exc
    if not raw_pages:
        raise EmptyDocument(path, "Die PDF-Datei enthält keine Seiten.")
    recognition = recognise_scanned_pages(data, raw_pages, limits)
    raw_pages = [recognition.texts.get(number, raw) for number, raw in enumerate(raw_pages, start=1)]
    # Running lines go before words are joined, or a footer would be glued to a hyphenated word.
    prepared = remove_running_lines([normalize_text(page, join_hyphenated=False) for page in raw_pages])
    text, pages = join_pages([normalize_text(page) for page in prepared])
    if not text:
        if recognition.failed:
            raise UnreadableDocument(path, recognition.warning(rest_loaded=False))
        raise NoTextRecognised(path, NO_TEXT_FOUND)
    metadata = _document_info(reader) | recognition.metadata()
    return LoadedDocument(path=path, text=text, title=metadata.get("title", ""), pages=pages, metadata=metadata)


def recognise_scanned_pages(data: bytes, raw_pages: list[str], limits: ParseLimits) -> Recognition:
    """Recognise the pages without a text layer, rendered at DRAFTER_OCR_DPI; pages with text are left as they are."""
    scanned = [number for number, raw in enumerate(raw_pages, start=1) if not raw.strip()]
    if not scanned:
        return Recognition()
    document = pypdfium2.PdfDocument(data)
    try:
        renderers = [(number, _renderer(document, number, limits.ocr_dpi)) for number in scanned]
        return recognise_pages(renderers, limits, len(raw_pages))
    finally:
        document.close()


def _renderer(document: pypdfium2.PdfDocument, number: int, dpi: int) -> Callable[[], Image.Image]:
    def render() -> Image.Image:
        page = document[number - 1]
        try:
            width, height = page.get_size()
            # A page the size of a wall would not fit in memory at full resolution; 60 megapixels suffice for text.
            scale = min(dpi / 72, (60_000_000 / max(width * height, 1.0)) ** 0.5)
            return page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()

    return render


def remove_running_lines(pages: list[str]) -> list[str]:
    """Drop lines that recur near the top or bottom of most pages (letterhead, "Seite 3 von 12").

    A line recurs if it is the same on those pages, or if it differs only in a number that
    moves in step with the page number (page counters, whatever their wording). A numbered
    heading such as "Zu Frage 2" at the top of a page therefore stays.
    """
    if len(pages) < 2:
        return pages
    page_marks = [
        set().union(*(_signatures(line, number) for line in _edge_lines(page)))
        for number, page in enumerate(pages, start=1)
    ]
    counts = Counter(mark for marks in page_marks for mark in marks)
    needed = max(2, math.ceil(_RUNNING_SHARE * len(pages)))
    running = {mark for mark, count in counts.items() if count >= needed}
    if not running:
        return pages
    cleaned = []
    for number, page in enumerate(pages, start=1):
        lines = page.split("\n")
        edges = _edge_positions(lines)
        kept = [
            line
            for position, line in enumerate(lines)
            if position not in edges or not _signatures(line, number) & running
        ]
        cleaned.append(normalize_text("\n".join(kept), join_hyphenated=False))
    return cleaned


def _signatures(line: str, page_number: int) -> set[tuple[str, int, int]]:
    """The line itself, and for each number in it: the line with digits masked, which number, and
    its distance from the page number (constant for page counters, varying for anything else)."""
    marks = {(line, -1, 0)}
    masked = _DIGITS.sub("#", line)
    for index, match in enumerate(_DIGITS.finditer(line)):
        marks.add((masked, index, int(match.group()) - page_number))
    return marks


def join_pages(pages: list[str]) -> tuple[str, list[Page]]:
    """Join normalised page texts with a blank line and record where each page lies in the result.

    Pages without text get no span; their numbers are kept for the others (1-based).
    """
    texts = list(pages)
    for index in range(len(texts) - 1):
        following = next((i for i in range(index + 1, len(texts)) if texts[i]), None)
        if texts[index] and following is not None:
            texts[index], texts[following] = join_hyphenated_break(texts[index], texts[following])
    parts: list[str] = []
    spans: list[Page] = []
    offset = 0
    for number, text in enumerate(texts, start=1):
        if not text:
            continue
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        spans.append(Page(number=number, start=offset, end=offset + len(text)))
        parts.append(text)
        offset += len(text)
    return "".join(parts), spans


def _open(path: Path, data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UnreadableDocument(path, PASSWORD_PROTECTED)
    except DependencyError as exc:
        raise UnreadableDocument(path, MISSING_CRYPTO) from exc
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many unrelated types on a broken file structure
        raise UnreadableDocument(path, _damage(data)) from exc
    return reader


def _declared_pages(reader: PdfReader) -> int:
    """The page count in the document's page tree, 0 if it has none that makes sense (then the pages are counted)."""
    try:
        return int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except Exception:  # a missing or broken page tree is reported when the pages are read
        return 0


def _damage(data: bytes) -> str:
    """A PDF that starts right but lacks its end marker was cut off; anything else is damaged."""
    return TRUNCATED if data.startswith(b"%PDF") and b"%%EOF" not in data[-1024:] else CORRUPT


def _edge_lines(page: str) -> list[str]:
    lines = page.split("\n")
    return [lines[position] for position in sorted(_edge_positions(lines))]


def _edge_positions(lines: list[str]) -> set[int]:
    filled = [position for position, line in enumerate(lines) if line]
    return set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:])


def _document_info(reader: PdfReader) -> dict[str, str]:
    """Title and author from the PDF's document information, skipping what a converter made up."""
    try:
        info = reader.metadata
        title = str(info.title or "").strip() if info else ""
        author = str(info.author or "").strip() if info else ""
    except Exception:  # a broken info dictionary should not cost the text
        return {}
    metadata = {}
    if title and not _PLACEHOLDER_TITLES.search(title):
        metadata["title"] = normalize_text(title)
    if author:
        metadata["author"] = normalize_text(author)
    return metadata
