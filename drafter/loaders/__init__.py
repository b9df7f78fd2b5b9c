"""Files in, clean text with offsets out: the one entry point for every supported format.

`load_document` is the boundary where library errors become `DocumentError`s with a German
message, so a caller ingesting many files can report a broken one and carry on with the rest.
It reads every file in a child process under memory and CPU-time limits (`sandbox`), and each
format checks its own content limits before its expensive step (`limits`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from drafter.config import ParseLimits
from drafter.errors import (
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    UnreadableDocument,
    UnsupportedFileType,
)
from drafter.models import LoadedDocument
from drafter.text_cleaning import first_line

from .decoding import UndecodableText
from .docx_files import load_docx
from .email_files import load_email
from .html_files import load_html
from .image_files import load_image
from .limits import check_count
from .ocr import IMAGE_SUFFIXES
from .pdf_files import load_pdf
from .sandbox import run_limited
from .text_files import load_markdown, load_plain_text

__all__ = ["SUPPORTED_SUFFIXES", "discover_files", "load_document"]

# Each loader gets the limits to check what is particular to its format (a DOCX's unpacked size, a PDF's pages,
# paragraphs) before its expensive step; the length of the text is checked for all formats here.
_LOADERS: dict[str, Callable[[Path, bytes, ParseLimits], LoadedDocument]] = {
    ".txt": load_plain_text,
    ".md": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".eml": load_email,
    **dict.fromkeys(IMAGE_SUFFIXES, load_image),
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)
# Images are read too, but a file that cannot be read should not be saved as one: the label leaves them out.
SUPPORTED_LABEL = "TXT, Markdown, HTML, PDF, DOCX oder E-Mail (.eml)"
# Files whose pages may go through text recognition (OCR), which runs in processes of its own.
_MAY_NEED_OCR = IMAGE_SUFFIXES | {".pdf"}

UNDECODABLE = (
    "Die Datei enthält keinen erkennbaren Text (unbekannte Zeichenkodierung oder Binärdaten). "
    "Bitte als Text mit UTF-8-Kodierung speichern oder im Originalformat (PDF, DOCX) hochladen."
)
UNEXPECTED = (
    "Die Datei konnte nicht gelesen werden, vermutlich ist sie beschädigt oder hat die falsche Endung. "
    "Bitte die Datei neu speichern oder in einem anderen Format (PDF, DOCX, TXT) hochladen."
)


def load_document(path: Path, max_bytes: int | None = None, limits: ParseLimits | None = None) -> LoadedDocument:
    """Read one file into normalised text with title, metadata and (for PDFs and images) page spans.

    PDF pages without a text layer and image files are recognised with Tesseract (`ocr`); their
    page numbers are in `metadata["ocr_pages"]`, pages that failed in `metadata["ocr_failed_pages"]`.

    Raises a `DocumentError` subclass with a German message for every way a file can fail:
    unsupported type, missing, too large, empty, unreadable, over a content limit
    (`DocumentOverLimit`) or stopped for using too much memory or time (`ParsingAborted`).
    `limits` defaults to the DRAFTER_* settings of the environment.
    """
    path = Path(path)
    if path.suffix.lower() not in _LOADERS:
        raise UnsupportedFileType(path, SUPPORTED_LABEL)
    limits = limits or ParseLimits.from_env()
    helper_seconds = limits.ocr_cpu_seconds if path.suffix.lower() in _MAY_NEED_OCR else 0
    document, _ = run_limited(
        read_document, path, max_bytes, limits, path=path, limits=limits, helper_seconds=helper_seconds
    )
    return document


def read_document(path: Path, max_bytes: int | None, limits: ParseLimits) -> LoadedDocument:
    """`load_document` in the calling process, with the content limits but no memory or time limit.

    This is what the child process runs; call it directly only for files from a trusted source.
    """
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnsupportedFileType(path, SUPPORTED_LABEL)
    data = _read(path, max_bytes)
    try:
        document = loader(path, data, limits)
    except DocumentError:
        raise
    except UndecodableText as exc:
        raise UnreadableDocument(path, UNDECODABLE) from exc
    except Exception as exc:  # the safety net: no library exception leaves this function
        raise UnreadableDocument(path, UNEXPECTED) from exc
    if not document.text:
        raise EmptyDocument(path)
    check_count(path, len(document.text), limits.max_chars, "Zeichen Text", "DRAFTER_MAX_CHARS")
    document.title = document.title or first_line(document.text)
    document.metadata["title"] = document.title
    return document


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: given files as they are, directories searched for supported files.

    A file named explicitly is kept even with an unsupported suffix, so the caller can report
    it. In directories, hidden entries, Office lock files (`~$…`) and backups (`…~`) are
    skipped. Each file appears once, in the order found; directory contents are sorted.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in map(Path, paths):
        candidates = _walk(path) if path.is_dir() else [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk(directory: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        files.extend(Path(root) / name for name in names if _is_ingestible(name))
    return sorted(files, key=lambda file: [part.casefold() for part in file.relative_to(directory).parts])


def _is_ingestible(name: str) -> bool:
    if name.startswith((".", "~$")) or name.endswith("~"):
        return False
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def _read(path: Path, max_bytes: int | None) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UnreadableDocument(path, "Der Pfad ist ein Ordner und keine Datei. Bitte eine Datei auswählen.")
        if max_bytes is not None and size > max_bytes:
            raise DocumentTooLarge(path, size, max_bytes)
        if size == 0:
            raise EmptyDocument(path, "Die Datei ist leer (0 Byte).")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UnreadableDocument(path, "Die Datei wurde nicht gefunden.") from exc
    except PermissionError as exc:
        raise UnreadableDocument(
            path, "Keine Leseberechtigung für die Datei. Bitte die Zugriffsrechte prüfen lassen."
        ) from exc
    except OSError as exc:
        raise UnreadableDocument(
            path, "Die Datei konnte nicht geöffnet werden. Bitte prüfen, ob sie noch vorhanden ist."
        ) from exc
