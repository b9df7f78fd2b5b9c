"""HTML pages (and HTML e-mail bodies) as readable text: page chrome dropped, blocks kept apart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from drafter.config import ParseLimits
from drafter.models import LoadedDocument
from drafter.text_cleaning import normalize_text

from .decoding import decode_text
from .limits import check_count

_DROPPED = {"script", "style", "nav", "form", "noscript", "template", "svg", "canvas", "iframe", "head"}
_CHROME = {"header", "footer"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search"}
_PARAGRAPHS = {
    *(f"h{level}" for level in range(1, 7)),
    *("p", "blockquote", "pre", "table", "dl", "figure", "section", "article"),
    *("main", "aside", "address", "hr", "details", "fieldset"),
}
_LINES = {"div", "tr", "dt", "dd", "figcaption", "summary", "caption", "center"}
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
_DATE_NAMES = {"date", "dcterms.date", "dc.date", "dcterms.issued", "dc.date.issued"}
_AUTHOR_NAMES = {"author", "dc.creator", "dcterms.creator"}
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})")
_WHITESPACE = re.compile(r"\s+")
# Tags that start a block of their own: counted before parsing, which costs time and memory per element.
_BLOCK_TAG = re.compile(r"<(?:p|div|li|tr|td|th|br|h[1-6]|dt|dd|blockquote|section|article|table)[\s/>]", re.IGNORECASE)


@dataclass
class HtmlContent:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


def load_html(path: Path, data: bytes, limits: ParseLimits) -> LoadedDocument:
    declared = _DECLARED_CHARSET.search(data[:4096])
    markup = decode_text(data, declared.group(1).decode("ascii") if declared else None)
    check_blocks(path, markup, limits)
    content = html_to_text(markup)
    return LoadedDocument(
        path=path, text=content.text, title=content.metadata.get("title", ""), metadata=content.metadata
    )


def html_to_text(markup: str) -> HtmlContent:
    """Normalised text of an HTML page and what its head says (title, date, author)."""
    soup = BeautifulSoup(markup, "html.parser")
    metadata = _metadata(soup)
    writer = _TextWriter()
    writer.render(soup)
    return HtmlContent(text=normalize_text(writer.result()), metadata=metadata)


def check_blocks(path: Path, markup: str, limits: ParseLimits) -> None:
    """Refuse markup with more block elements (paragraphs, list items, table cells) than the paragraph limit."""
    check_count(path, len(_BLOCK_TAG.findall(markup)), limits.max_paragraphs, "Absätze", "DRAFTER_MAX_PARAGRAPHS")


def iso_date(value: str) -> str | None:
    """`YYYY-MM-DD` for an ISO or German (`TT.MM.JJJJ`) date at the start of `value`, else None."""
    value = value.strip()
    if match := _ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := _GERMAN_DATE.match(value):
        day, month, year = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    metadata: dict[str, str] = {}
    heading = soup.title or soup.find("h1")
    if heading is not None and (title := _WHITESPACE.sub(" ", heading.get_text()).strip()):
        metadata["title"] = title
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or "").strip().lower()
        content = str(meta.get("content") or "").strip()
        if name in _DATE_NAMES and "date" not in metadata and (day := iso_date(content)):
            metadata["date"] = day
        elif name in _AUTHOR_NAMES and content and "author" not in metadata:
            metadata["author"] = content
    return metadata


class _TextWriter:
    """Collects text while walking the tree; block elements become line or paragraph breaks.

    Breaks are held back until the next visible text, so empty elements and whitespace between
    blocks add nothing, and a list marker lands on the same line as its item's text.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._breaks = 0
        self._marker = ""

    def result(self) -> str:
        return "".join(self._parts)

    def render(self, node: Tag, preformatted: bool = False) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _NOT_TEXT):
                    self._write(str(child) if preformatted else _WHITESPACE.sub(" ", str(child)))
            elif isinstance(child, Tag) and not _is_hidden(child):
                self._render_tag(child, preformatted)

    def _render_tag(self, tag: Tag, preformatted: bool) -> None:
        name = tag.name
        if name == "br":
            self._breaks += 1
        elif name in ("ul", "ol"):
            self._list(tag, preformatted)
        elif name == "li":
            self._item(tag, "• ", preformatted)
        elif name == "tr":
            self._row(tag)
        else:
            breaks = 2 if name in _PARAGRAPHS else 1 if name in _LINES else 0
            self._break(breaks)
            self.render(tag, preformatted or name == "pre")
            self._break(breaks)

    def _list(self, tag: Tag, preformatted: bool) -> None:
        """Items of a bulleted list start with "• ", of a numbered list with their number."""
        start = str(tag.get("start", "1")).strip()
        number = int(start) if start.isdigit() else 1
        breaks = 1 if tag.find_parent("li") else 2
        self._break(breaks)
        for child in tag.children:
            if not isinstance(child, Tag) or _is_hidden(child):
                continue
            if child.name == "li":
                self._item(child, f"{number}. " if tag.name == "ol" else "• ", preformatted)
                number += 1
            else:
                self._render_tag(child, preformatted)
        self._break(breaks)

    def _item(self, tag: Tag, marker: str, preformatted: bool) -> None:
        self._marker = ""
        self._break(1)
        self._marker = marker
        self.render(tag, preformatted)
        self._break(1)

    def _row(self, row: Tag) -> None:
        cells = []
        for cell in row.find_all(["td", "th"], recursive=False):
            writer = _TextWriter()
            writer.render(cell)
            cells.append(_WHITESPACE.sub(" ", writer.result()).strip())
        if any(cells):
            self._break(1)
            self._write(" | ".join(cells))
            self._break(1)

    def _break(self, count: int) -> None:
        if not self._marker:  # a block opening inside a list item stays on the marker's line
            self._breaks = max(self._breaks, count)

    def _write(self, text: str) -> None:
        if not text or (text.isspace() and (self._breaks or self._marker or not self._parts)):
            return
        if self._parts and self._breaks:
            self._parts.append("\n" * self._breaks)
        self._breaks = 0
        if self._marker:
            self._parts.append(self._marker)
            self._marker = ""
        self._parts.append(text)


def _is_hidden(tag: Tag) -> bool:
    """Elements that are not content: scripts, navigation, site header and footer, hidden parts."""
    if tag.name in _DROPPED or tag.has_attr("hidden") or tag.get("role") in _CHROME_ROLES:
        return True
    # A <header>/<footer> inside an article holds the article's heading or byline, not page chrome.
    return tag.name in _CHROME and tag.find_parent(["article", "main"]) is None
