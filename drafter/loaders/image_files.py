"""Image files (PNG, JPEG, TIFF): a scanned or photographed letter, read by text recognition page by page.

A multi-page TIFF gives one page per frame; the pages are joined like a PDF's, so page
numbers and offsets work the same way (`LoadedDocument.pages`), and every page with text
is listed in `metadata["ocr_pages"]`.
"""

from __future__ import annotations

from pathlib import Path

from drafter.config import ParseLimits
from drafter.errors import NoTextRecognised, UnreadableDocument
from drafter.models import LoadedDocument
from drafter.text_cleaning import normalize_text

from .ocr import image_pages, recognise_pages
from .pdf_files import join_pages


def load_image(path: Path, data: bytes, limits: ParseLimits) -> LoadedDocument:
    frames = image_pages(path, data, limits)
    recognition = recognise_pages(frames, limits, len(frames))
    # A page that failed stays an empty page, so the others keep their numbers.
    text, spans = join_pages([normalize_text(recognition.texts.get(number, "")) for number, _ in frames])
    if not text:
        if recognition.failed:
            raise UnreadableDocument(path, recognition.warning(rest_loaded=False))
        raise NoTextRecognised(path)
    return LoadedDocument(path=path, text=text, title="", pages=spans, metadata=recognition.metadata())
