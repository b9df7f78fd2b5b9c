"""The paragraph styles of a Word file, read once per document.

python-docx looks a paragraph's style up anew on every `Paragraph.style`, and for a paragraph
without a style of its own it scans every style of the document for the default one (about
1 ms with the 160 styles of Word's template). A file of 100,000 short paragraphs took minutes;
looking styles up in a table built once makes reading linear in the number of paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterator

from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from lxml.etree import _Element

_TRUE = ("1", "true", "on")


class ParagraphStyles:
    """Which style a paragraph has, resolved as python-docx does: its own if that is a paragraph
    style, else the document's default paragraph style (the last one marked as default)."""

    def __init__(self, document: Document) -> None:
        self._by_id: dict[str, _Element] = {}
        self._default: str | None = None
        for style in document.styles.element.iterchildren(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if style_id is not None:
                self._by_id.setdefault(style_id, style)
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in _TRUE:
                self._default = style_id

    def name(self, paragraph: CT_P) -> str:
        """Lower-case name of the paragraph's style ("heading 1", "title"), "" without one."""
        style = self._by_id.get(self._style_id(paragraph) or "")
        name = style.find(qn("w:name")) if style is not None else None
        return (name.get(qn("w:val")) or "").lower() if name is not None else ""

    def properties(self, paragraph: CT_P) -> Iterator[_Element | None]:
        """The paragraph properties (w:pPr) of the paragraph's style and the styles it is based on, nearest first.

        A chain that loops back on itself (which Word never writes, but a crafted file can) ends at the repeat.
        """
        seen: set[str] = set()
        style_id = self._style_id(paragraph)
        while style_id is not None and style_id not in seen and (style := self._by_id.get(style_id)) is not None:
            seen.add(style_id)
            yield style.find(qn("w:pPr"))
            based_on = style.find(qn("w:basedOn"))
            style_id = based_on.get(qn("w:val")) if based_on is not None else None

    def _style_id(self, paragraph: CT_P) -> str | None:
        own = paragraph.style
        style = self._by_id.get(own) if own is not None else None
        if style is not None and style.get(qn("w:type")) == "paragraph":
            return own
        return self._default
