"""Turning bytes of unknown encoding into text, tuned for German office files.

Order of trust: a byte-order mark, a declared charset that actually decodes, valid UTF-8,
then a guess. Any byte sequence decodes as some 8-bit charset, so a declared Latin-1 or
Windows-1252 says little, while bytes that are valid UTF-8 almost always are UTF-8.

The guess scores the Western code pages a German authority produces (Windows-1252, DOS 850,
Mac Roman, Windows-1250) by how German the result looks. charset-normalizer alone is not
used for these: on short German texts it reports cp1250 ("Café à" → "Café ŕ"), EBCDIC for
"Größe", or nothing for "ÄÖÜ äöü ß". It decides only when no Western code page fits.
"""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Charsets under which nearly every byte sequence decodes; declaring one proves little.
_PERMISSIVE = {"ascii", "iso8859-1", "iso8859-15", "cp1252"}
# Per WHATWG, content labelled Latin-1 or ASCII is decoded as Windows-1252 ("„“€" live in 0x80–0x9F).
_READ_AS_CP1252 = {"ascii", "iso8859-1"}
_WESTERN_GUESSES = ("cp1252", "cp850", "mac-roman", "cp1250")
_EXPECTED_NON_ASCII = set("äöüÄÖÜßéèêëàâáçñïîíôóúûÉÈÀ€„“”‚‘’–—…§°²³µ½«»·×")
_SCORE_SAMPLE = 65_536
_MAX_CONTROL_SHARE = 0.02


class UndecodableText(ValueError):
    """The bytes are not text in any plausible encoding (binary data, random bytes)."""


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode `data`, trusting `declared` (from a header or meta tag) only as far as it fits."""
    text = _decode(data, _codec_name(declared))
    if _looks_binary(text):
        raise UndecodableText("Der Inhalt ist kein Text.")
    return text


def _decode(data: bytes, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if declared and declared not in _PERMISSIVE and (text := _strict(data, declared)) is not None:
        return text
    if b"\x00" in data and (match := from_bytes(data).best()) is not None:
        return str(match)
    if (text := _strict(data, "utf-8")) is not None:
        return text
    if declared in _PERMISSIVE:
        encoding = "cp1252" if declared in _READ_AS_CP1252 else declared
        if (text := _strict(data, encoding)) is not None:
            return text
    return _guess(data)


def _guess(data: bytes) -> str:
    candidates = [text for encoding in _WESTERN_GUESSES if (text := _strict(data, encoding)) is not None]
    scored = sorted(
        ((_german_score(text[:_SCORE_SAMPLE]), -rank, text) for rank, text in enumerate(candidates)),
        reverse=True,
    )
    if scored and scored[0][0] >= 0:
        return scored[0][2]
    match = from_bytes(data).best()
    if match is not None:
        return str(match)
    if scored:
        return scored[0][2]
    raise UndecodableText("Keine Zeichenkodierung passt.")


def _german_score(text: str) -> int:
    """Umlauts and typographic quotes count for a decoding; stray symbols and rare letters against."""
    score = 0
    for char in text:
        if char < "\x80":
            continue
        if char in _EXPECTED_NON_ASCII:
            score += 1
        elif char.isalpha():
            score -= 1
        else:
            score -= 2
    return score


def _looks_binary(text: str) -> bool:
    sample = text[:_SCORE_SAMPLE]
    if not sample:
        return False
    odd = sum(
        1 for char in sample if char == "\ufffd" or (unicodedata.category(char) == "Cc" and char not in "\n\r\t\f")
    )
    return odd / len(sample) > _MAX_CONTROL_SHARE


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _codec_name(label: str | None) -> str | None:
    """The canonical Python codec name for a charset label, or None if Python does not know it."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
