"""Cut a document into retrievable passages along its structure.

Answered questions of a past reply become one passage each (question and answer together).
Everything else is packed from whole sentences into passages of about `target_chars`,
breaking preferably at headings and paragraphs and never inside a sentence. Passage text is
always a verbatim slice of the document, so quotes and offsets stay exact.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from drafter.models import Chunk, ChunkKind, LoadedDocument
from drafter.qa_pairs import QAPair, find_qa_pairs
from drafter.sentences import sentence_spans
from drafter.text_cleaning import strip_span

_BULLET_SPLIT = re.compile(r"\s(?=[•▪◦]\s)")
_HEADING_END = re.compile(r"[.!?,;]$")


@dataclass
class _Unit:
    start: int
    end: int
    paragraph_start: bool
    is_heading: bool


def chunk_document(document: LoadedDocument, doc_id: str, target_chars: int) -> list[Chunk]:
    text = document.text
    pairs = find_qa_pairs(text)
    chunks: list[Chunk] = []
    for pair in pairs:
        chunks.extend(_qa_chunks(text, pair, target_chars))
    covered = sorted((p.start, p.end) for p in pairs)
    for start, end in _gaps(covered, len(text)):
        chunks.extend(_text_chunks(text, start, end, target_chars))
    chunks.sort(key=lambda c: c.char_start)
    for ordinal, chunk in enumerate(chunks):
        chunk.ordinal = ordinal
        chunk.doc_id = doc_id
        chunk.chunk_id = f"{doc_id}:{ordinal:04d}"
        chunk.page = document.page_at(chunk.char_start)
    return chunks


def index_text(chunk: Chunk) -> str:
    """What the embedding model and the keyword index see: the passage with its context.

    The section heading and, where the passage does not contain it, the question it answers
    make a passage findable by words that only stand in its context.
    """
    parts = [chunk.heading or ""] if chunk.heading and chunk.heading not in chunk.text else []
    if chunk.question and chunk.question not in chunk.text:
        parts.append(chunk.question)
    parts.append(chunk.text)
    return "\n".join(p for p in parts if p)


def _qa_chunks(text: str, pair: QAPair, target_chars: int) -> list[Chunk]:
    """One passage per answered question; very long answers are cut, each part keeping the question."""
    limit = 3 * target_chars
    if pair.end - pair.start <= limit:
        return [_qa_chunk(text, pair, pair.start, pair.end, pair.answer_start)]
    parts: list[Chunk] = []
    start = pair.start
    for _, end in _pack_sentences(text, pair.answer_start, pair.end, 2 * target_chars):
        answer_start = pair.answer_start if start == pair.start else start
        parts.append(_qa_chunk(text, pair, start, end, answer_start))
        start = end
    return parts


def _qa_chunk(text: str, pair: QAPair, start: int, end: int, answer_start: int) -> Chunk:
    start, end = strip_span(text, start, end)
    return Chunk(
        chunk_id="",
        doc_id="",
        ordinal=0,
        text=text[start:end],
        char_start=start,
        char_end=end,
        kind=ChunkKind.QA,
        heading=pair.heading,
        label=pair.label,
        question=pair.question,
        answer_start=max(0, answer_start - start),
    )


def _pack_sentences(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for s, e in sentence_spans(text[start:end]):
        if start + e - piece_start > limit and start + s > piece_start:
            pieces.append((piece_start, start + s))
            piece_start = start + s
    pieces.append((piece_start, end))
    return pieces


def _gaps(covered: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    gaps, position = [], 0
    for start, end in covered:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps


def _text_chunks(text: str, start: int, end: int, target_chars: int) -> list[Chunk]:
    units = _units(text, start, end)
    chunks: list[Chunk] = []
    current: list[_Unit] = []
    heading: str | None = None
    chunk_heading: str | None = None

    def flush() -> None:
        if current and not all(u.is_heading for u in current):
            chunks.append(_text_chunk(text, current, chunk_heading))
        elif current and chunks:  # a trailing heading with nothing after it joins the previous passage
            chunks[-1] = _text_chunk(
                text, [_Unit(chunks[-1].char_start, chunks[-1].char_end, True, False), *current], chunks[-1].heading
            )
        current.clear()

    for unit in units:
        size = current[-1].end - current[0].start if current else 0
        starts_section = unit.is_heading and size >= 0.3 * target_chars
        starts_paragraph = unit.paragraph_start and size >= 0.6 * target_chars
        if current and (size + (unit.end - unit.start) > target_chars or starts_section or starts_paragraph):
            carried = current[-1]
            flush()
            if not (unit.paragraph_start or unit.is_heading or carried.is_heading):
                # Cut inside a paragraph: repeat its last sentence, so „Dieser …“ keeps its antecedent.
                current.append(_Unit(carried.start, carried.end, False, False))
        if unit.is_heading:
            heading = text[unit.start : unit.end]
        if not current:
            chunk_heading = heading
        current.append(unit)
    flush()
    return chunks


def _text_chunk(text: str, units: list[_Unit], heading: str | None) -> Chunk:
    start, end = units[0].start, units[-1].end
    return Chunk(
        chunk_id="", doc_id="", ordinal=0, text=text[start:end], char_start=start, char_end=end, heading=heading
    )


def _units(text: str, start: int, end: int) -> list[_Unit]:
    """Sentences (and bullet items) with where paragraphs begin and which lines are headings."""
    units: list[_Unit] = []
    previous_end = start
    for s, e in sentence_spans(text[start:end]):
        s, e = start + s, start + e
        gap = text[previous_end:s]
        paragraph_start = not units or "\n" in gap
        line = text[s:e]
        pieces = [(s, e)]
        if _BULLET_SPLIT.search(line):
            cuts = [s] + [s + m.end() for m in _BULLET_SPLIT.finditer(line)] + [e]
            pieces = [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip()]
        for index, (a, b) in enumerate(pieces):
            b = len(text[:b].rstrip()) if text[a:b].strip() else b
            units.append(_Unit(a, b, paragraph_start and index == 0, _is_heading(text, a, b, gap)))
        previous_end = e
    return units


def _is_heading(text: str, start: int, end: int, gap_before: str) -> bool:
    line = text[start:end].strip()
    line_start = start == 0 or "\n" in gap_before
    line_end = end >= len(text) or text[end] == "\n"
    return (
        line_start
        and line_end
        and 3 <= len(line) <= 100
        and not _HEADING_END.search(line)
        and not line.startswith(("•", "-", "–", "*"))
        and not is_table_row(line)
        and not is_table_row(_next_line(text, end))  # „Jahr Anzahl“ over rows of figures heads a table
        and any(ch.isalpha() for ch in line)
    )


def _next_line(text: str, end: int) -> str:
    stop = text.find("\n", end + 1)
    return text[end + 1 : stop if stop >= 0 else len(text)]


def is_table_row(line: str) -> bool:
    """„Summe | 158 | 162“ or „2023 1.297 2024 1.345“: a row of a table, never a heading over passages."""
    if "|" in line or "\t" in line:
        return True
    words = line.split()
    figures = sum(1 for w in words if any(ch.isdigit() for ch in w))
    return figures >= 2 and figures * 2 >= len(words)  # „Sachstandsbericht 2025“ stays a heading
