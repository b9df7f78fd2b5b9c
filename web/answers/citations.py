"""The one place a draft's citation rows are built: from the core's `drafter.models.Citation`.

A citation reaches the web app in two ways, both as a core `Citation`: with a drafted answer,
and when staff quote a sentence of a further passage or cite it for a sentence of their own
(built by the core's own `citation_for` from the passage and its document). Only the fields a
row stores are read, by name, so a field the core adds to `Citation` later changes nothing here
until a column is added for it.
"""

from __future__ import annotations

from drafter.extractive import citation_for, is_quotable
from drafter.models import Chunk, ChunkKind, Citation, DocumentInfo, SearchHit
from drafter.sentences import sentence_spans
from web.models import CitationRecord


def citation_record(citation: Citation, added_by_id: int | None = None) -> CitationRecord:
    """The database row for one citation of a draft."""
    return CitationRecord(
        marker=citation.marker,
        chunk_id=citation.chunk_id,
        doc=citation.doc,
        title=citation.title,
        passage_text=citation.passage_text,
        quote=citation.quote,
        quote_start=citation.quote_start,
        quote_end=citation.quote_end,
        page=citation.page,
        doc_type=citation.doc_type,
        doc_date=citation.date,
        authority=citation.authority,
        other_authority=citation.other_authority,
        superseded=citation.superseded,
        added_by_id=added_by_id,
    )


def passage_citation(
    chunk: Chunk, document: DocumentInfo, marker: int, start: int, end: int, own_authority: str | None = None
) -> Citation:
    """A span of a passage taken into an answer by hand, as the core's own citation of it (labelled when it is
    another authority's, as a drafted one is)."""
    hit = SearchHit(chunk=chunk, document=document, score=0.0)
    return citation_for(hit, marker, start, end, own_authority)


def quotable_sentences(chunk: Chunk) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a passage staff may quote: statements, never headings or the question
    of an earlier reply (only its answer)."""
    offset = chunk.answer_start if chunk.kind == ChunkKind.QA else 0
    return [
        (offset + start, offset + end)
        for start, end in sentence_spans(chunk.text[offset:])
        if is_quotable(chunk.text[offset + start : offset + end])
    ]
