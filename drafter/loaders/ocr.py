"""Text recognition (OCR) with Tesseract's German model, page by page, for scans and photographed letters.

Scanned PDF pages and image files have no text layer; without recognition they would be
refused as empty. Each page is recognised on its own, so a page that fails (Tesseract
crashes, or needs longer than DRAFTER_OCR_PAGE_SECONDS) costs only that page: it is
reported by number and the document keeps its other pages. Tesseract runs as a process of
its own under the reading child's limits (drafter.loaders.sandbox); the CPU time all its
runs for one document may take is DRAFTER_OCR_CPU_SECONDS, on top of DRAFTER_PARSE_CPU_SECONDS.

pytesseract calls the `tesseract` binary once per page image; ocrmypdf would rewrite the
whole PDF (with Ghostscript) and leave us to extract its text layer again (README,
„Texterkennung (OCR)“, has the measurement).
"""

from __future__ import annotations

import io
import os
import resource
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

from drafter.config import ParseLimits
from drafter.errors import UnreadableDocument

from . import progress
from .limits import check_count

OCR_PAGES = "ocr_pages"
"""Metadata key: the numbers of the pages whose text was recognised, comma-separated („2, 3“)."""
OCR_FAILED_PAGES = "ocr_failed_pages"
"""Metadata key: the numbers of the pages that could not be recognised, comma-separated."""
OCR_WARNING = "ocr_warning"
"""Metadata key: a German sentence for the user naming the pages that could not be recognised."""

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
CORRUPT_IMAGE = (
    "Die Bilddatei ist beschädigt oder kein Bild im angegebenen Format und konnte nicht gelesen werden. "
    "Bitte den Scan neu speichern (PNG, JPEG, TIFF oder PDF) und erneut hochladen."
)
TOO_MANY_PIXELS = (
    "Das Bild ist zu groß für die Texterkennung (weit über 100 Megapixel). Bitte mit 200 bis 300 dpi "
    "neu scannen oder das Bild verkleinern und erneut hochladen."
)
_NOT_INSTALLED = (
    "Die Texterkennung (Tesseract mit deutschem Sprachmodell) ist auf dem Server nicht installiert. "
    "Bitte die IT-Betreuung bitten, scripts/setup auszuführen (Debian-Pakete tesseract-ocr, tesseract-ocr-deu)."
)
_NOT_INSTALLED_START = "Die Texterkennung (Tesseract"
_MAX_PIXELS = 60_000_000
"""Largest page image handed to Tesseract (A4 at 600 dpi is 35 megapixels); larger ones are scaled down."""


@dataclass
class Recognition:
    """What recognition found: text per page number, and the pages it could not read with the reason why."""

    texts: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)

    def metadata(self) -> dict[str, str]:
        """The OCR marks for `LoadedDocument.metadata`: which pages were recognised and which failed."""
        marks = {}
        recognised = [number for number, text in sorted(self.texts.items()) if text.strip()]
        if recognised:
            marks[OCR_PAGES] = page_list(recognised)
        if self.failed:
            marks[OCR_FAILED_PAGES] = page_list(sorted(self.failed))
            marks[OCR_WARNING] = self.warning()
        return marks

    def warning(self, rest_loaded: bool = True) -> str:
        """The German sentence naming the failed pages; `rest_loaded` says whether the document has other text."""
        numbers = sorted(self.failed)
        noun = "Seite" if len(numbers) == 1 else "Seiten"
        reasons = list(dict.fromkeys(self.failed[number] for number in numbers))
        because = "; ".join(reason.rstrip(".") for reason in reasons)
        message = f"Der Text von {noun} {page_list(numbers)} konnte nicht erkannt werden ({because})"
        message += "; die übrigen Seiten wurden eingelesen." if rest_loaded else "."
        if any(not reason.startswith(_NOT_INSTALLED_START) for reason in reasons):
            message += " Bitte diese Seiten neu scannen (gerade, mindestens 200 dpi) und die Datei erneut hochladen."
        return message


def page_list(numbers: Iterable[int]) -> str:
    return ", ".join(str(number) for number in numbers)


def recognise_pages(
    pages: Iterable[tuple[int, Callable[[], Image.Image]]], limits: ParseLimits, page_count: int
) -> Recognition:
    """Recognise each (page number, image maker) in turn; a failure is noted for its page and the next one follows.

    Images are made one at a time, so a long scan never holds more than one page image.
    Once Tesseract has used DRAFTER_OCR_CPU_SECONDS for this document, the remaining pages
    are reported as not recognised instead of the whole file being stopped. Each page is
    reported (`progress`) as it starts, numbered among the document's `page_count` pages.
    """
    # Tesseract's OpenMP threads would take every core of a machine that serves tens of users.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    result = Recognition()
    for number, make_image in pages:
        if _tesseract_seconds() >= limits.ocr_cpu_seconds:
            result.failed[number] = "Rechenzeit für die Texterkennung aufgebraucht, DRAFTER_OCR_CPU_SECONDS"
            continue
        progress.report(progress.page_message(number, page_count))
        try:
            image = make_image()
            result.texts[number] = recognise_image(image, limits)
        except pytesseract.TesseractNotFoundError:
            result.failed[number] = _NOT_INSTALLED
        except MemoryError:
            raise
        except Exception as exc:  # a broken page image, a Tesseract crash or its timeout costs this page only
            result.failed[number] = _failure(exc, limits)
    return result


def recognise_image(image: Image.Image, limits: ParseLimits) -> str:
    """The text Tesseract reads on one page image, in the configured languages (DRAFTER_OCR_LANGUAGES)."""
    image = ImageOps.exif_transpose(image)
    if image.width * image.height > _MAX_PIXELS:
        scale = (_MAX_PIXELS / (image.width * image.height)) ** 0.5
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    if image.mode not in ("L", "1"):
        image = image.convert("L")
    return pytesseract.image_to_string(image, lang=limits.ocr_languages, timeout=limits.ocr_page_seconds)


def image_pages(path: Path, data: bytes, limits: ParseLimits) -> list[tuple[int, Callable[[], Image.Image]]]:
    """The pages of an image file (a TIFF may hold several), each to be decoded when it is recognised."""
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise UnreadableDocument(path, TOO_MANY_PIXELS) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnreadableDocument(path, CORRUPT_IMAGE) from exc
    check_count(path, frames, limits.max_pages, "Seiten", "DRAFTER_MAX_PAGES")

    def frame(index: int) -> Callable[[], Image.Image]:
        def decode() -> Image.Image:
            image.seek(index)
            if image.width * image.height > 4 * _MAX_PIXELS:  # decoding alone would take gigabytes
                raise ValueError("Bild zu groß")
            return image.copy()

        return decode

    return [(index + 1, frame(index)) for index in range(frames)]


def _failure(error: Exception, limits: ParseLimits) -> str:
    if isinstance(error, pytesseract.TesseractError) and "language" in str(error).lower():
        return _NOT_INSTALLED.replace("mit deutschem Sprachmodell", f"mit dem Sprachmodell {limits.ocr_languages}")
    # pytesseract signals its timeout only by a RuntimeError's message; TesseractError (a crash) is one too.
    crashed = isinstance(error, pytesseract.TesseractError) or not isinstance(error, RuntimeError)
    if not crashed and "timeout" in str(error).lower():
        seconds = f"{limits.ocr_page_seconds:g}".replace(".", ",")
        return f"mehr als {seconds} s je Seite, DRAFTER_OCR_PAGE_SECONDS"
    return "Seite beschädigt oder Texterkennung abgestürzt"


def _tesseract_seconds() -> float:
    """CPU time the Tesseract processes of this (reading) process have used so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
