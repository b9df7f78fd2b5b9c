"""Hybrid retrieval: dense and German keyword results fused into one ranking.

Three rankings are fused: dense similarity to the passage, German BM25, and dense similarity
to the earlier question of a question/answer passage (a new question resembles the old
question more than the old answer). Each ranking contributes twice, with the same weights:
by reciprocal rank (robust to differently scaled scores) and by its score min-max normalised
over the retrieved list (which keeps how far ahead a passage is; rank fusion alone scores a
clear BM25 winner and a near tie alike). The two fusions, both on a 0–1 scale, are mixed in
equal parts. The IDF-weighted share of the query's content words a passage contains is added
as a lexical check, and passages that only list questions (an inquiry's own text) are
demoted, so earlier answers win over earlier questions. The weights were chosen jointly on
the development set and on our own Talbach set (bench/sets/talbach), where a setting had to
do well on both; bench/retrieval.py prints the comparison with single components and simpler
fusions.

Document filters are applied in Python on an oversampled candidate list, because Chroma's
`where` filters cost 130–190 ms at 100k passages.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from drafter.authorities import is_other_authority
from drafter.catalog import Catalog
from drafter.embeddings import Embedder
from drafter.models import DocType, DocumentInfo, SearchHit
from drafter.retrieval.fusion import (
    Ranking,
    mix,
    normalised_scores,
    question_list_penalty,
    reciprocal_rank,
    weighted_coverage,
    without_near_duplicates,
)
from drafter.retrieval.keyword_index import KeywordIndex
from drafter.retrieval.vector_store import VectorStore


@dataclass(frozen=True)
class FusionSettings:
    candidates: int = 50
    rrf_k: int = 60
    dense_weight: float = 0.25
    """Low for the packaged English model on German text; raise it for a multilingual model."""
    keyword_weight: float = 1.0
    question_weight: float = 0.5
    question_depth: int = 3
    """Only the few most similar earlier questions vote; deeper ones are not the same question."""
    score_share: float = 0.5
    """Share of the normalised-score fusion in the fused score; the rest is rank fusion (both 0–1)."""
    coverage_weight: float = 0.3
    """Weight of query-term coverage (0–1), relative to the fused score (0–1)."""
    question_list_penalty: float = 0.5
    superseded_penalty: float = 0.5
    """Share of its score a passage of a document a curator marked as superseded loses."""
    duplicate_jaccard: float = 0.8


@dataclass(frozen=True)
class SearchFilters:
    doc_types: frozenset[DocType] | None = None
    date_from: str | None = None
    date_to: str | None = None
    authority: str | None = None
    """Only documents of this authority (and those whose authority is unknown)."""

    @property
    def active(self) -> bool:
        return bool(self.doc_types or self.date_from or self.date_to or self.authority)

    def admits(self, document: DocumentInfo) -> bool:
        if self.doc_types and document.doc_type not in self.doc_types:
            return False
        if self.authority and is_other_authority(document.authority, self.authority):
            return False
        if (self.date_from or self.date_to) and not document.date:
            return False
        if self.date_from and document.date < self.date_from:
            return False
        return not (self.date_to and document.date > self.date_to)

    @classmethod
    def of(
        cls,
        doc_types: Collection[DocType] | None,
        date_from: str | None,
        date_to: str | None,
        authority: str | None = None,
    ) -> SearchFilters:
        return cls(frozenset(doc_types) if doc_types else None, date_from or None, date_to or None, authority or None)


@dataclass(frozen=True)
class Rankings:
    """The component rankings of one query, each best first."""

    dense: Ranking
    keyword: Ranking
    question: Ranking


class HybridRetriever:
    def __init__(
        self,
        catalog: Catalog,
        keyword_index: KeywordIndex,
        vector_store: VectorStore,
        embedder: Embedder,
        documents: Callable[[], dict[str, DocumentInfo]],
        settings: FusionSettings | None = None,
    ) -> None:
        self.catalog = catalog
        self.keyword_index = keyword_index
        self.vector_store = vector_store
        self.embedder = embedder
        self.documents = documents
        self.settings = settings or FusionSettings()

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        filters = filters or SearchFilters()
        docs = self.documents()
        rankings = self.rankings(query, filters, docs)
        return self.fuse(query, rankings, docs, k)

    def rankings(self, query: str, filters: SearchFilters, docs: dict[str, DocumentInfo]) -> Rankings:
        n = self.settings.candidates * (4 if filters.active else 1)
        views = self.vector_store.query(self.embedder.encode_query(query), 2 * n)
        keyword = self.keyword_index.search(query, n, self._mask(filters, docs) if filters.active else None)
        dense, question = views["passage"][:n], views["question"][: self.settings.question_depth]
        if filters.active:
            dense, question = (
                [(c, s) for c, s in ranking if (d := docs.get(doc_id_of(c))) and filters.admits(d)]
                for ranking in (dense, question)
            )
        return Rankings(dense, keyword, question)

    def fuse(self, query: str, rankings: Rankings, docs: dict[str, DocumentInfo], k: int) -> list[SearchHit]:
        s = self.settings
        weighted = [
            (s.dense_weight, rankings.dense),
            (s.keyword_weight, rankings.keyword),
            (s.question_weight, rankings.question),
        ]
        fused = mix(reciprocal_rank(weighted, s.rrf_k), normalised_scores(weighted), s.score_share)
        passages = self.catalog.passages(list(fused))
        term_weights = self.keyword_index.term_weights(query)
        positions = [{c: (score, rank) for rank, (c, score) in enumerate(r, 1)} for _, r in weighted]
        hits: dict[str, SearchHit] = {}
        for chunk_id, value in fused.items():
            document = docs.get(doc_id_of(chunk_id))
            if chunk_id not in passages or document is None:
                continue  # removed between the index read and now
            chunk, tokens = passages[chunk_id]
            coverage = weighted_coverage(term_weights, tokens)
            value = question_list_penalty(value, chunk.text, s.question_list_penalty) + s.coverage_weight * coverage
            if document.superseded_by:
                value *= 1.0 - s.superseded_penalty
            (d_score, d_rank), (k_score, k_rank), (q_score, q_rank) = (p.get(chunk_id, (None, None)) for p in positions)
            hits[chunk_id] = SearchHit(
                chunk=chunk,
                document=document,
                score=value,
                dense_score=d_score,
                dense_rank=d_rank,
                keyword_score=k_score,
                keyword_rank=k_rank,
                question_score=q_score,
                question_rank=q_rank,
                evidence=coverage,
                term_weights=term_weights,
            )
        ranked = sorted(hits.values(), key=lambda h: -h.score)
        kept = without_near_duplicates(((h.chunk.chunk_id, h.chunk.text) for h in ranked), s.duplicate_jaccard, k)
        return [hits[chunk_id] for chunk_id in kept]

    def _mask(self, filters: SearchFilters, docs: dict[str, DocumentInfo]) -> np.ndarray:
        return self.keyword_index.mask_for_documents({doc_id for doc_id, doc in docs.items() if filters.admits(doc)})


def doc_id_of(chunk_id: str) -> str:
    return chunk_id.rsplit(":", 1)[0]
