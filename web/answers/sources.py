"""An answer's cited passages as the cards the workspace and the review page show beside it."""

from __future__ import annotations

from dataclasses import dataclass

from drafter.models import DocType, DraftSentence
from web.answers import answer_text
from web.answers.rendering import highlighted
from web.models import CitationRecord, Draft


@dataclass
class Source:
    """One cited passage with all quotes from it highlighted."""

    marker: int
    title: str
    doc: str
    doc_type: str
    date: str | None
    page: int | None
    chunk_id: str
    pieces: list[tuple[str, bool]]
    in_text: bool
    other_authority: bool


def sources_of(draft: Draft, paragraphs: list[list[DraftSentence]]) -> list[Source]:
    """One card per marker, in marker order; a passage the current text no longer cites is kept and says so."""
    used = answer_text.markers_in(paragraphs)
    grouped: dict[int, list[CitationRecord]] = {}
    for citation in draft.citations:
        grouped.setdefault(citation.marker, []).append(citation)
    sources = []
    for marker, citations in sorted(grouped.items()):
        first = citations[0]
        sources.append(
            Source(
                marker=marker,
                title=first.title,
                doc=first.doc,
                doc_type=_type_label(first.doc_type),
                date=first.doc_date,
                page=first.page,
                chunk_id=first.chunk_id,
                pieces=highlighted(first.passage_text, [(c.quote_start, c.quote_end) for c in citations]),
                in_text=marker in used,
                other_authority=bool(first.other_authority),
            )
        )
    return sources


def _type_label(value: str | None) -> str:
    try:
        return DocType(value).label_de
    except ValueError:
        return value or "–"
