"""Plain text and Markdown files: decode, strip Markdown syntax, normalise."""

from __future__ import annotations

import re
from pathlib import Path

from drafter.config import ParseLimits
from drafter.models import LoadedDocument
from drafter.text_cleaning import normalize_text

from .decoding import decode_text
from .limits import check_count

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,}).*$", re.MULTILINE)
_BLOCKQUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
_TABLE_DIVIDER = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def load_plain_text(path: Path, data: bytes, limits: ParseLimits) -> LoadedDocument:
    text = normalize_text(decode_text(data))
    _check_paragraphs(path, text, limits)
    return LoadedDocument(path=path, text=text, title="")


def load_markdown(path: Path, data: bytes, limits: ParseLimits) -> LoadedDocument:
    source = decode_text(data)
    heading = _ATX_HEADING.search(source)
    title = normalize_text(markdown_to_text(heading.group(2))) if heading and len(heading.group(1)) == 1 else ""
    text = normalize_text(markdown_to_text(source))
    _check_paragraphs(path, text, limits)
    return LoadedDocument(path=path, text=text, title=title)


def markdown_to_text(markdown: str) -> str:
    """Keep the words of a Markdown text and drop its syntax; headings stay lines of their own.

    Only double markers (`**`, `__`) count as emphasis: a single `*` is too often the
    German gender star ("Mitarbeiter*innen").
    """
    text = _FENCE.sub("", markdown)
    text = _ATX_HEADING.sub(lambda match: f"\n{match.group(2)}\n", text)
    text = _RULE.sub("", text)
    text = _SETEXT_UNDERLINE.sub("", text)
    text = _TABLE_DIVIDER.sub("", text)
    text = _BLOCKQUOTE.sub("", text)
    text = _BULLET.sub(r"\1• ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    return _STRONG.sub(r"\2", text)


def _check_paragraphs(path: Path, text: str, limits: ParseLimits) -> None:
    """Paragraphs are what the blank lines separate; splitting and chunking work paragraph by paragraph."""
    check_count(path, text.count("\n\n") + 1, limits.max_paragraphs, "Absätze", "DRAFTER_MAX_PARAGRAPHS")
