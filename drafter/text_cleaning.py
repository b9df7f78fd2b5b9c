"""Normalisation of extracted text, shared by every loader and by anything that compares text.

Every character offset in the system (passages, citations, pages) refers to text that went
through `normalize_text`. The function is idempotent, so cleaning clean text changes nothing
and offsets computed on cleaned text stay valid.
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|[\r\v\x85\u2028]")
_PARAGRAPH_BREAKS = re.compile(r"[\f\u2029]")

# Characters a layout program inserts but a reader never sees; they would split words for search.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_SPACE_LIKE = "\u00a0\u2007\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}


def _character_table() -> dict[str, str]:
    table = dict.fromkeys(_INVISIBLE, "")
    table.update(dict.fromkeys(_SPACE_LIKE, " "))
    table.update(_LIGATURES)
    table.update({chr(code): "" for code in range(0x20) if chr(code) not in "\n\t"})
    table.update({chr(code): "" for code in range(0x7F, 0xA0)})
    return table


_CHARACTER_TABLE = _character_table()
# Replacing by a pattern only touches what needs it; str.translate would rebuild every character.
_SPECIAL_CHARACTERS = re.compile("[" + re.escape("".join(_CHARACTER_TABLE)) + "]")
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*")
_SPACE_RUN = re.compile(r"[ \t]{2,}|\t")
_LINE_EDGE_SPACES = re.compile(r" \n ?|\n ")
_BLANK_LINES = re.compile(r"\n{3,}")

# A hyphen at a line end, preceded by a word fragment and followed by the next line's first word.
_LINE_END_HYPHEN = re.compile(r"(?<=\w)[-\u2010]\n(?=\S)")
_WORD_BEFORE = re.compile(r"\w+$")
# "Bürger- und Unternehmensservice": the hyphen stands for a word part left out (Ergänzungsstrich).
_ELLIPSIS_CONTINUATION = re.compile(r"(?:und|oder|sowie|noch|bzw\.)(?!\w)")
_FIRST_TOKEN = re.compile(r"\S+")
# "CO\n2\n-Einsparungen": PDF extraction puts the subscript of an emission formula on a line of its own. Not
# „SO“ (Sonntag, Südost in timetables) and never before a figure („NO\n2\n12 Uhr“ is a table).
_SUBSCRIPT_LINE = re.compile(r"(?<![\w-])(CO|NO|CH|NH|PM)\n(\d{1,2})\n(?!\d)")
_NO_SPACE_BEFORE = frozenset("-\u2010,.;:!?)")


def normalize_text(text: str, join_hyphenated: bool = True) -> str:
    """Clean extracted text so that equal words are equal strings and offsets are stable.

    Unicode NFC; invisible characters, soft hyphens and control characters removed;
    non-breaking and other special spaces become spaces; runs of spaces collapse; lines are
    stripped; words hyphenated across a line break are joined, and so is a formula whose subscript
    was printed on a line of its own („CO\\n2\\n-Einsparungen“); more than one blank line
    becomes exactly one. `join_hyphenated=False` leaves line-end hyphens alone, for callers
    that still need to remove lines (running headers) before words are joined across them.
    """
    # Each step first checks cheaply whether it has anything to do: most texts need few of them.
    if _contains_any(text, "\r\v\x85\u2028\f\u2029"):
        text = _PARAGRAPH_BREAKS.sub("\n\n", _LINE_BREAKS.sub("\n", text))
    text = _SPECIAL_CHARACTERS.sub(lambda match: _CHARACTER_TABLE[match.group()], text)
    if "\u00ad" in text:
        text = _SOFT_HYPHEN_BREAK.sub("", text).replace("\u00ad", "")
    # Composed only now: a removed invisible character may have separated a letter from its accent.
    text = unicodedata.normalize("NFC", text)
    if "  " in text or "\t" in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _LINE_EDGE_SPACES.sub("\n", text)
    if join_hyphenated:  # after running headers are gone: a page number under „NO“ is no subscript
        text = _SUBSCRIPT_LINE.sub(_join_subscript, text)
        text = dehyphenate(text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _join_subscript(match: re.Match[str]) -> str:
    """„CO2-Einsparungen“, „CO2, Stickoxide“, „CO2 beträgt“: the formula is one word again, and the line
    it was printed in goes on after it; a paragraph break after the formula stays one."""
    following = match.string[match.end() : match.end() + 1]
    gap = "\n" if following == "\n" else "" if not following or following in _NO_SPACE_BEFORE else " "
    return match.group(1) + match.group(2) + gap


def _contains_any(text: str, characters: str) -> bool:
    return any(character in text for character in characters)


def dehyphenate(text: str) -> str:
    """Join words that typesetting split across a line break.

    "Digitali-\\nsierung" becomes "Digitalisierung"; the hyphen stays where it is part of the
    word ("E-\\nAkte" → "E-Akte", "EU-\\nweit" → "EU-weit") and a German ellipsis hyphen keeps
    its space ("Bürger-\\nund" → "Bürger- und"). Expects lines without surrounding spaces.
    """

    if "-\n" not in text and "\u2010\n" not in text:
        return text

    def glue(match: re.Match[str]) -> str:
        fragment = _WORD_BEFORE.search(text, max(0, match.start() - 64), match.start())
        continuation = text[match.end() : match.end() + 8]
        return hyphen_glue(fragment.group() if fragment else "", continuation)

    return _LINE_END_HYPHEN.sub(glue, text)


def hyphen_glue(fragment: str, continuation: str) -> str:
    """What replaces "-" plus line (or page) break between a word fragment and the text after it."""
    if _ELLIPSIS_CONTINUATION.match(continuation):
        return "- "
    is_abbreviation = fragment.isupper() or any(char.isdigit() for char in fragment)
    if continuation[:1].islower() and not is_abbreviation:
        return ""
    return "-"


def join_hyphenated_break(before: str, after: str) -> tuple[str, str]:
    """Move the rest of a word hyphenated across a page break onto the earlier page.

    Both texts must be normalised. Keeps each page's text whole-worded, so that page offsets
    computed afterwards stay exact.
    """
    fragment = re.search(r"(\w+)[-\u2010]$", before)
    token = _FIRST_TOKEN.match(after)
    if fragment is None or token is None:
        return before, after
    glue = hyphen_glue(fragment.group(1), after)
    return before[: fragment.end(1)] + glue + token.group(), after[token.end() :].lstrip()


def first_line(text: str, limit: int = 120) -> str:
    """The first non-empty line, shortened at a word boundary; a fallback document title."""
    return next((shortened(line.strip(), limit) for line in text.splitlines() if line.strip()), "")


def shortened(line: str, limit: int) -> str:
    """`line` cut at a word boundary to at most `limit` characters and „…“, as a title is shown."""
    if len(line) <= limit:
        return line
    return (line[:limit].rsplit(" ", 1)[0] or line[:limit]).rstrip(" ,;:-") + "…"


def collapse_whitespace(text: str) -> str:
    """One space between words: how a question or quote reads once taken out of its layout."""
    return " ".join(text.split())


def collapse_lines(text: str) -> str:
    """One space between words and one line break between lines: a table of figures read as one line of
    numbers says nothing („Jahr Anzahl 2023 1.231 2024 1.297“)."""
    return "\n".join(filter(None, map(collapse_whitespace, text.splitlines())))


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow `text[start:end]` to its non-space content, keeping offsets into `text`."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
