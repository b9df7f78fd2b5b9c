"""Tables of figures in passage text, as extracted from PDFs and web pages.

Answers to „Wie viele …“ often give their figures as a table under a sentence that introduces it
(„… wird in der nachfolgenden Übersicht dargestellt.“ / „Jahr Anzahl der Personen“ / „2023 32.045“).
A single row says nothing without its header, so the sentence rules never quote one; the table as a
whole, header and rows, is the answer and can be quoted as one span.
"""

from __future__ import annotations

import re

from drafter.chunking import is_table_row

MIN_ROWS = 2
MAX_HEADER_WORDS = 8
"""A header names the columns („Jahr Anzahl der Personen“); a longer line is a sentence."""

_LINE = re.compile(r"[^\n]+")


def figure_tables(text: str, max_chars: int) -> list[tuple[int, int]]:
    """(start, end) of each run of at least two figure rows, with the header line right above it; of a table
    longer than `max_chars`, its last rows (the newest figures, in the usual order of years)."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.group().strip()]
    tables: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and is_table_row(text[slice(*lines[end])]) and _adjacent(text, lines, end, index):
            end += 1
        if end - index >= MIN_ROWS:
            first = index - 1 if index > 0 and _is_header(text, lines, index) else index
            stop = lines[end - 1][1] - _trailing_space(text[slice(*lines[end - 1])])
            while first < end - 1 and stop - lines[first][0] > max_chars:
                first += 1
            tables.append((lines[first][0] + _leading_space(text[slice(*lines[first])]), stop))
        index = max(end, index + 1)
    return tables


def _adjacent(text: str, lines: list[tuple[int, int]], row: int, first: int) -> bool:
    """Rows of one table follow each other without a blank line."""
    return row == first or "\n\n" not in text[lines[row - 1][1] : lines[row][0]]


def _is_header(text: str, lines: list[tuple[int, int]], first_row: int) -> bool:
    header = text[slice(*lines[first_row - 1])].strip()
    between = text[lines[first_row - 1][1] : lines[first_row][0]]
    return (
        "\n\n" not in between
        and len(header.split()) <= MAX_HEADER_WORDS
        and not header.endswith((".", "!", "?"))
        and any(ch.isalpha() for ch in header)
    )


def _leading_space(line: str) -> int:
    return len(line) - len(line.lstrip())


def _trailing_space(line: str) -> int:
    return len(line) - len(line.rstrip())
