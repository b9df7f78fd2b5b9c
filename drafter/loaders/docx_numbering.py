"""The labels Word draws in front of automatically numbered paragraphs ("1.", "a)", "2.3").

python-docx returns paragraph text without them, but inquiries are numbered this way and
their labels ("Frage 1a") are how answers refer to questions. This follows the numbering
definitions closely enough for ordinary lists: per-level counters, restarts of deeper levels,
start values and overrides, and the common number formats.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P

from .docx_styles import ParagraphStyles

_LEVELS = 9
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


@dataclass(frozen=True)
class _Level:
    start: int = 1
    number_format: str = "decimal"
    text: str = "%1."


@dataclass(frozen=True)
class _List:
    levels: dict[int, _Level]
    counter_key: str


class ListNumbering:
    """Counts numbered paragraphs in document order; call `label` once per paragraph, in order."""

    def __init__(self, document: Document, styles: ParagraphStyles) -> None:
        self._lists = _read_definitions(document)
        self._styles = styles
        self._counters: dict[str, list[int | None]] = {}

    def label(self, paragraph: CT_P) -> str:
        """The paragraph's list label followed by a space, or "" if it is not numbered."""
        num_id, level = self._numbering_of(paragraph)
        definition = self._lists.get(num_id or "")
        if definition is None or not 0 <= level < _LEVELS:
            return ""
        counters = self._counters.setdefault(definition.counter_key, [None] * _LEVELS)
        current = counters[level]
        counters[level] = definition.levels.get(level, _Level()).start if current is None else current + 1
        for deeper in range(level + 1, _LEVELS):
            counters[deeper] = None
        own = definition.levels.get(level, _Level())
        if own.number_format == "none":
            return ""
        if own.number_format == "bullet":
            return "• "
        label = own.text
        for shown in range(level + 1):
            shown_level = definition.levels.get(shown, _Level())
            value = counters[shown] if counters[shown] is not None else shown_level.start
            label = label.replace(f"%{shown + 1}", _format(value, shown_level.number_format))
        return f"{label.strip()} " if label.strip() else ""

    def _numbering_of(self, paragraph: CT_P) -> tuple[str | None, int]:
        """numId and level from the paragraph's own properties, else from its style chain."""
        num_id, level = _num_pr(paragraph.pPr)
        if num_id is None:
            for properties in self._styles.properties(paragraph):
                num_id, style_level = _num_pr(properties)
                level = style_level if level is None else level
                if num_id is not None:
                    break
        return num_id, level or 0


def _read_definitions(document: Document) -> dict[str, _List]:
    """Numbering definitions by numId; a document without any has no labels."""
    try:
        return _parse_definitions(document.part.numbering_part.element)
    except (KeyError, NotImplementedError):
        return {}


def _parse_definitions(numbering) -> dict[str, _List]:
    abstracts = {
        abstract.get(qn("w:abstractNumId")): _levels(abstract) for abstract in numbering.findall(qn("w:abstractNum"))
    }
    lists = {}
    for num in numbering.findall(qn("w:num")):
        num_id = num.get(qn("w:numId"))
        abstract_ref = num.find(qn("w:abstractNumId"))
        abstract_id = abstract_ref.get(qn("w:val")) if abstract_ref is not None else None
        if num_id is None or abstract_id not in abstracts:
            continue
        levels = dict(abstracts[abstract_id])
        restarted = False
        for override in num.findall(qn("w:lvlOverride")):
            level = _integer(override.get(qn("w:ilvl")), 0)
            start = override.find(qn("w:startOverride"))
            if start is not None and level in levels:
                old = levels[level]
                levels[level] = _Level(_integer(start.get(qn("w:val")), 1), old.number_format, old.text)
                restarted = True
        # Lists sharing a definition continue each other's numbering unless one restarts it.
        lists[num_id] = _List(levels, f"num:{num_id}" if restarted else f"abstract:{abstract_id}")
    return lists


def _levels(abstract) -> dict[int, _Level]:
    levels = {}
    for level in abstract.findall(qn("w:lvl")):
        start = level.find(qn("w:start"))
        number_format = level.find(qn("w:numFmt"))
        text = level.find(qn("w:lvlText"))
        levels[_integer(level.get(qn("w:ilvl")), 0)] = _Level(
            start=_integer(start.get(qn("w:val")), 1) if start is not None else 1,
            number_format=number_format.get(qn("w:val"), "decimal") if number_format is not None else "decimal",
            text=text.get(qn("w:val"), "") if text is not None else "",
        )
    return levels


def _num_pr(properties) -> tuple[str | None, int | None]:
    num_pr = properties.find(qn("w:numPr")) if properties is not None else None
    if num_pr is None:
        return None, None
    num_id = num_pr.find(qn("w:numId"))
    level = num_pr.find(qn("w:ilvl"))
    return (
        num_id.get(qn("w:val")) if num_id is not None else None,
        _integer(level.get(qn("w:val")), 0) if level is not None else None,
    )


def _integer(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _format(value: int, number_format: str) -> str:
    if number_format in ("lowerLetter", "upperLetter"):
        letters = _letters(value)
        return letters if number_format == "lowerLetter" else letters.upper()
    if number_format in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if number_format == "lowerRoman" else roman.upper()
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _letters(value: int) -> str:
    """Word's letter numbering repeats the letter: a … z, aa … zz."""
    if value < 1:
        return str(value)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    if value < 1:
        return str(value)
    result = []
    for amount, symbol in _ROMAN:
        count, value = divmod(value, amount)
        result.append(symbol * count)
    return "".join(result)
