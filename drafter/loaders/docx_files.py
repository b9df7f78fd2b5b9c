"""Word files (.docx): paragraphs, list labels and tables in document order.

Each paragraph becomes its own block, so headings stay lines of their own; a table row
becomes one line with its cells separated by " | ", keeping a question next to its answer
in two-column tables. Page headers, footers, footnotes and text boxes are left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from drafter.errors import UnreadableDocument
from drafter.models import LoadedDocument
from drafter.text_cleaning import normalize_text

from .docx_numbering import ListNumbering

# Compound files (OLE) are the old .doc format and also what Office makes of a password-protected .docx.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLD_OR_PROTECTED = (
    "Die Datei ist kein gültiges DOCX, sondern ein altes Word-Dokument (.doc) oder mit einem Kennwort "
    "geschützt. Bitte in Word öffnen, den Kennwortschutz entfernen und als .docx speichern."
)
BROKEN = (
    "Die DOCX-Datei ist beschädigt und konnte nicht gelesen werden. "
    "Bitte in Word öffnen, neu speichern oder als PDF hochladen."
)
_HEADING_STYLES = ("heading", "überschrift", "title", "titel")
_TITLE_STYLES = ("title", "titel")
_RUN_XPATH = ".//w:r[not(ancestor::w:txbxContent)]"


def load_docx(path: Path, data: bytes) -> LoadedDocument:
    if data.startswith(_OLE_SIGNATURE):
        raise UnreadableDocument(path, OLD_OR_PROTECTED)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks, headings = _read_body(document)
        properties = document.core_properties
        core_title, author = (properties.title or "").strip(), (properties.author or "").strip()
    except Exception as exc:  # python-docx, zipfile and lxml each raise their own types on a broken file
        raise UnreadableDocument(path, BROKEN) from exc
    metadata = {}
    title = next((text for style, text in headings if style.startswith(_TITLE_STYLES)), "")
    title = title or normalize_text(core_title) or (headings[0][1] if headings else "")
    if title:
        metadata["title"] = title
    if author:
        metadata["author"] = normalize_text(author)
    return LoadedDocument(path=path, text=normalize_text("\n\n".join(blocks)), title=title, metadata=metadata)


def _read_body(document: Document) -> tuple[list[str], list[tuple[str, str]]]:
    """Text blocks in order, and the headings among them as (lower-case style name, text)."""
    numbering = ListNumbering(document)
    blocks: list[str] = []
    headings: list[tuple[str, str]] = []
    for item in _block_items(document.element.body, document):
        if isinstance(item, Paragraph):
            text = numbering.label(item) + paragraph_text(item)
            style = (item.style.name or "").lower() if item.style is not None else ""
            if style.startswith(_HEADING_STYLES) and (heading := normalize_text(text)):
                headings.append((style, heading))
        else:
            text = "\n".join(_table_rows(item, numbering))
        if text.strip():
            blocks.append(text)
    return blocks, headings


def paragraph_text(paragraph: Paragraph) -> str:
    """Visible text of a paragraph, including runs inside links, content controls and insertions."""
    return "".join(run.text for run in paragraph._p.xpath(_RUN_XPATH))


def _block_items(container, parent) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in document order, looking into content controls (w:sdt) as well."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            yield from _block_items(child, parent)


def _table_rows(table: Table, numbering: ListNumbering) -> Iterator[str]:
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(_cell_texts(cell, numbering)))
        if any(cells):
            yield " | ".join(cells)


def _cell_texts(cell, numbering: ListNumbering) -> Iterator[str]:
    for item in _block_items(cell._tc, cell):
        if isinstance(item, Paragraph):
            text = numbering.label(item) + paragraph_text(item)
        else:
            text = " ".join(_table_rows(item, numbering))
        text = " ".join(text.split())
        if text:
            yield text
