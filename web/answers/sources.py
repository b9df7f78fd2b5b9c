"""An answer's cited passages as the cards the workspace and the review page show beside it, and why a further
passage was found, in words instead of scores."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.models import ChunkKind, DocType, DraftSentence, SearchHit
from drafter.retrieval.german_analyzer import STOPWORDS, GermanAnalyzer
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
    participation: bool
    """A contribution to a participation portal: a citizen's view, not the authority's statement."""
    superseded: bool


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
                participation=first.doc_type == DocType.PARTICIPATION,
                superseded=bool(first.superseded),
            )
        )
    return sources


def _type_label(value: str | None) -> str:
    try:
        return DocType(value).label_de
    except ValueError:
        return value or "–"


_ANALYZER = GermanAnalyzer(decompound=False)
_QUERY_WORD = re.compile(r"[\wÄÖÜäöüß][\wÄÖÜäöüß-]*[\wÄÖÜäöüß]")
CLOSE_RANK = 5
"""A hit among the first five of the meaning-based search is „ähnlich“; further down it says little."""
MAX_KEYWORDS = 6


MAX_QUERY_CHARS = 2_000
"""A pasted passage is searched by its beginning; the embedding model reads only about 250 words of it anyway."""


def search_query(entered: str) -> tuple[str, bool]:
    """The query as searched (at most MAX_QUERY_CHARS) and whether it had to be shortened."""
    query = entered.strip()
    return query[:MAX_QUERY_CHARS].strip(), len(query) > MAX_QUERY_CHARS


def hit_explanation(hit: SearchHit, query: str) -> str:
    """Why a passage was found: „Stichwörter: E-Akte, Organisationseinheiten · ähnlich formulierte frühere Frage“.

    The keywords are the words of the query whose stem the passage contains, as the keyword search
    matched them; staff read those, not the fused score.
    """
    passage = set(_ANALYZER.tokens(hit.chunk.text))
    keywords: list[str] = []
    for word in _QUERY_WORD.findall(query):
        stems = _ANALYZER.tokens(word)
        if word.lower() not in STOPWORDS and stems and all(s in passage for s in stems) and word not in keywords:
            keywords.append(word)
    reasons = [f"Stichwörter: {', '.join(keywords[:MAX_KEYWORDS])}"] if keywords else []
    if hit.chunk.kind == ChunkKind.QA and hit.question_rank is not None and hit.question_rank < CLOSE_RANK:
        reasons.append("ähnlich formulierte frühere Frage")
    elif hit.dense_rank is not None and hit.dense_rank < CLOSE_RANK:
        reasons.append("ähnlicher Inhalt")
    return " · ".join(reasons) or "weiterer Treffer der Suche"
