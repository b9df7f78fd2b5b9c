"""The one place a draft's citation rows are built: from the core's `drafter.models.Citation`.

A citation reaches the web app in two ways, both as a core `Citation`: with a drafted answer,
and when staff take a further passage into an answer (built by the core's own `citation_for`
from the passage and its document). Only the fields a row stores are read, by name, so a field
the core adds to `Citation` later changes nothing here until a column is added for it.
"""

from __future__ import annotations

from drafter.extractive import citation_for
from drafter.models import Chunk, ChunkKind, Citation, DocumentInfo, SearchHit
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
        added_by_id=added_by_id,
    )


def passage_citation(chunk: Chunk, document: DocumentInfo, marker: int) -> Citation:
    """A whole passage taken into an answer by hand: the answer part of an earlier question's passage, else all."""
    body = chunk.answer if chunk.kind == ChunkKind.QA else chunk.text
    quote = body.strip()
    start = chunk.text.find(quote)
    return citation_for(SearchHit(chunk=chunk, document=document, score=0.0), marker, start, start + len(quote))
