"""Word files (.docx): paragraphs, list labels and tables in document order.

Each paragraph becomes its own block, so headings stay lines of their own; a table row
becomes one line with its cells separated by " | ", keeping a question next to its answer
in two-column tables. Page headers, footers, footnotes and text boxes are left out.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import nsmap, qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from lxml import etree

from drafter.config import ParseLimits
from drafter.errors import UnreadableDocument
from drafter.models import LoadedDocument
from drafter.text_cleaning import normalize_text

from .docx_numbering import ListNumbering
from .docx_styles import ParagraphStyles
from .limits import check_count, check_expansion

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
# Compiled once: python-docx's `xpath` compiles its expression on every call.
_RUNS = etree.XPath(".//w:r[not(ancestor::w:txbxContent)]", namespaces={"w": nsmap["w"]})
_PARAGRAPH, _TABLE, _ROW, _CELL = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_CONTAINERS = (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"))


def load_docx(path: Path, data: bytes, limits: ParseLimits) -> LoadedDocument:
    if data.startswith(_OLE_SIGNATURE):
        raise UnreadableDocument(path, OLD_OR_PROTECTED)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # zipfile raises BadZipFile, but also ValueError or OverflowError on odd headers
        raise UnreadableDocument(path, BROKEN) from exc
    check_expansion(path, archive, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx, zipfile and lxml each raise their own types on a broken file
        raise UnreadableDocument(path, BROKEN) from exc
    paragraphs = sum(1 for _ in document.element.body.iter(_PARAGRAPH))
    check_count(path, paragraphs, limits.max_paragraphs, "Absätze", "DRAFTER_MAX_PARAGRAPHS")
    try:
        blocks, headings = _read_body(document)
        properties = document.core_properties
        core_title, author = (properties.title or "").strip(), (properties.author or "").strip()
    except Exception as exc:  # see above
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
    """Text blocks in order, and the headings among them as (lower-case style name, text).

    Works on the XML elements rather than python-docx's Paragraph and Table objects, whose
    style and cell look-ups cost time per paragraph and per row that grows with the document.
    """
    styles = ParagraphStyles(document)
    numbering = ListNumbering(document, styles)
    blocks: list[str] = []
    headings: list[tuple[str, str]] = []
    for item in _block_items(document.element.body):
        if item.tag == _PARAGRAPH:
            text = numbering.label(item) + paragraph_text(item)
            style = styles.name(item)
            if style.startswith(_HEADING_STYLES) and (heading := normalize_text(text)):
                headings.append((style, heading))
        else:
            text = "\n".join(_table_rows(item, numbering))
        if text.strip():
            blocks.append(text)
    return blocks, headings


def paragraph_text(paragraph: CT_P) -> str:
    """Visible text of a paragraph, including runs inside links, content controls and insertions."""
    return "".join(run.text for run in _RUNS(paragraph))


def _block_items(container: etree._Element) -> Iterator[CT_P | CT_Tbl]:
    """Paragraphs and tables in document order, looking into content controls (w:sdt) as well."""
    for child in container.iterchildren():
        if child.tag in (_PARAGRAPH, _TABLE):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _block_items(child)


def _table_rows(table: CT_Tbl, numbering: ListNumbering) -> Iterator[str]:
    """One line per row, a cell merged across columns once, a cell merged across rows in each of its rows.

    python-docx finds the cell above a vertically merged one by searching the table for the row
    above, in every row again; here the cell that holds the content is carried along per column.
    """
    holders_above: dict[int, CT_Tc] = {}
    texts: dict[CT_Tc, str] = {}
    for row in table.iterchildren(_ROW):
        holders: dict[int, CT_Tc] = {}
        cells: list[str] = []
        column = row.grid_before
        previous = None
        for cell in row.iterchildren(_CELL):
            holder = holders_above.get(column, cell) if cell.vMerge == "continue" else cell
            holders[column] = holder
            column += cell.grid_span
            if holder is previous:
                continue
            previous = holder
            if holder not in texts:
                texts[holder] = " ".join(_cell_texts(holder, numbering))
            cells.append(texts[holder])
        holders_above = holders
        if any(cells):
            yield " | ".join(cells)


def _cell_texts(cell: CT_Tc, numbering: ListNumbering) -> Iterator[str]:
    for item in _block_items(cell):
        if item.tag == _PARAGRAPH:
            text = numbering.label(item) + paragraph_text(item)
        else:
            text = " ".join(_table_rows(item, numbering))
        text = " ".join(text.split())
        if text:
            yield text
