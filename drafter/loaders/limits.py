"""Limits on what one document may cost to read, checked before the expensive step.

A DOCX is a ZIP archive, and python-docx unpacks every part into memory: a crafted file of
3 MB can hold XML that expands to 1 GB (a "zip bomb"), so checking the file size alone lets it
through. `check_expansion` reads the sizes the archive's central directory declares; `zipfile`
never returns more than the declared size of an entry (it stops there and reports a CRC
error), so a bomb that understates its sizes fails as a broken file instead. Counts of
paragraphs, pages and characters bound the work after unpacking.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from drafter.config import ParseLimits
from drafter.errors import DocumentOverLimit

# A small part may pack at any ratio (an empty list of styles packs 1 : 50); only a large one can do harm.
_RATIO_FLOOR = 1_048_576


def check_expansion(path: Path, archive: zipfile.ZipFile, limits: ParseLimits) -> None:
    """Refuse a DOCX whose parts would unpack to more than the limits allow, without unpacking any."""
    total = 0
    for entry in archive.infolist():
        total += entry.file_size
        if total > limits.max_expanded_bytes:
            raise DocumentOverLimit(
                path,
                f"Die DOCX-Datei würde entpackt mehr als {german_number(limits.max_expanded_bytes / 1_048_576)} MB "
                "belegen und wurde deshalb nicht geöffnet. Bitte die Datei in Word öffnen, große Bilder verkleinern "
                "und neu speichern oder als PDF hochladen.",
                "DRAFTER_MAX_EXPANDED_MB",
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
            raise DocumentOverLimit(
                path,
                f"Ein Teil der DOCX-Datei ist ungewöhnlich stark gepackt (1 : {german_number(ratio)}, erlaubt "
                f"1 : {german_number(limits.max_compression_ratio)}); so sind Dateien gebaut, die einen Server "
                "lahmlegen sollen, deshalb wurde sie nicht geöffnet. Bitte die Datei in Word öffnen, neu speichern "
                "und erneut hochladen oder als PDF hochladen.",
                "DRAFTER_MAX_COMPRESSION_RATIO",
            )


def check_count(path: Path, count: int, limit: int, noun: str, setting: str) -> None:
    """Refuse a document with more paragraphs, pages or characters than `limit`; `noun` names them in German."""
    if count > limit:
        raise DocumentOverLimit(
            path,
            f"Die Datei hat mehr als {german_number(limit)} {noun} ({german_number(count)}) und wurde deshalb "
            "nicht eingelesen. Bitte die Datei in kleinere Teile aufteilen und diese einzeln hochladen.",
            setting,
        )


def german_number(value: float) -> str:
    """1234567 → "1.234.567": numbers in messages as German readers write them (whole numbers only)."""
    return f"{value:,.0f}".replace(",", ".")
