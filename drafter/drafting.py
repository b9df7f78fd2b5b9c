"""Extractive drafts: the best evidence sentences, each with its source, or a plain abstention.

Without a language model the most honest draft quotes: it picks the sentences of the best
passages that cover the question's content words, prefers the direct answer given to an
earlier, similar question, and cites every sentence with the passage and the exact quote.
When no passage reaches the evidence threshold the draft says so instead of quoting
something unrelated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.models import (
    Chunk,
    ChunkKind,
    Citation,
    DraftAnswer,
    DraftSentence,
    DraftStatus,
    SearchHit,
    SubQuestion,
)
from drafter.retrieval.german_analyzer import GermanAnalyzer
from drafter.retrieval.hybrid import weighted_coverage
from drafter.sentences import sentence_spans

ABSTENTION = (
    "Die Wissensbasis enthält zu dieser Frage keine belastbaren Informationen. "
    "Die Antwort muss fachlich ergänzt werden."
)
MAX_PASSAGES = 3
MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 700
PASSAGE_EVIDENCE_RATIO = 0.8
"""A further passage is cited only when its evidence reaches this share of the best passage's."""

_analyzer = GermanAnalyzer()


@dataclass
class _Candidate:
    hit: SearchHit
    passage_rank: int
    start: int
    end: int
    score: float


def draft_extractive(question: SubQuestion, hits: list[SearchHit], min_evidence: float) -> DraftAnswer:
    supporting = supporting_hits(hits, min_evidence)
    if not supporting:
        return abstention(question)
    chosen = _choose_sentences(supporting)
    citations: list[Citation] = []
    sentences: list[DraftSentence] = []
    markers: dict[str, int] = {}
    for candidate in chosen:
        chunk = candidate.hit.chunk
        marker = markers.setdefault(chunk.chunk_id, len(markers) + 1)
        quote = chunk.text[candidate.start : candidate.end]
        citations.append(citation_for(candidate.hit, marker, candidate.start, candidate.end))
        sentences.append(DraftSentence(text=quote, markers=[marker]))
    return DraftAnswer(
        label=question.label,
        question=question.text,
        group=question.group,
        answer=" ".join(f"{s.text} [{s.markers[0]}]" for s in sentences),
        status=DraftStatus.DRAFTED,
        citations=citations,
        sentences=sentences,
    )


def supporting_hits(hits: list[SearchHit], min_evidence: float) -> list[SearchHit]:
    """The passages strong enough to answer from: above the threshold and close to the best one."""
    best = max((h.evidence for h in hits), default=0.0)
    if best < min_evidence:
        return []
    strong = [h for h in hits if h.evidence >= max(min_evidence, PASSAGE_EVIDENCE_RATIO * best)]
    return strong[:MAX_PASSAGES]


def abstention(question: SubQuestion) -> DraftAnswer:
    return DraftAnswer(
        label=question.label,
        question=question.text,
        group=question.group,
        answer=ABSTENTION,
        status=DraftStatus.INSUFFICIENT_EVIDENCE,
    )


def citation_for(hit: SearchHit, marker: int, start: int, end: int) -> Citation:
    return Citation(
        marker=marker,
        chunk_id=hit.chunk.chunk_id,
        doc=hit.document.name,
        title=hit.document.title,
        passage_text=hit.chunk.text,
        quote=hit.chunk.text[start:end],
        quote_start=start,
        quote_end=end,
        page=hit.chunk.page,
        doc_type=str(hit.document.doc_type),
        date=hit.document.date,
    )


def _choose_sentences(hits: list[SearchHit]) -> list[_Candidate]:
    """Best sentences overall, at least one from the top passage, in reading order per passage."""
    candidates = [c for rank, hit in enumerate(hits) for c in _candidates(hit, rank)]
    candidates.sort(key=lambda c: -c.score)
    chosen: list[_Candidate] = []
    length = 0
    for candidate in candidates:
        size = candidate.end - candidate.start
        if len(chosen) >= MAX_SENTENCES or (chosen and length + size > MAX_ANSWER_CHARS):
            continue
        chosen.append(candidate)
        length += size
    if not any(c.passage_rank == 0 for c in chosen):
        top = next(c for c in candidates if c.passage_rank == 0)
        chosen = [top, *chosen[: MAX_SENTENCES - 1]]
    return sorted(chosen, key=lambda c: (c.passage_rank, c.start))


def _candidates(hit: SearchHit, rank: int) -> list[_Candidate]:
    chunk = hit.chunk
    body_start = chunk.answer_start if chunk.kind == ChunkKind.QA else 0
    spans = [(body_start + s, body_start + e) for s, e in sentence_spans(chunk.text[body_start:])]
    statements = [(s, e) for s, e in spans if not _is_question_or_heading(chunk.text[s:e])] or spans
    result = []
    for position, (start, end) in enumerate(statements):
        sentence = chunk.text[start:end]
        coverage = weighted_coverage(hit.term_weights, set(_analyzer.tokens(_context(chunk, sentence))))
        score = coverage + 0.3 * hit.evidence - 0.15 * rank
        if chunk.kind == ChunkKind.QA and position == 0:
            score += 0.3  # the first sentence of an earlier answer is the direct answer
        result.append(_Candidate(hit, rank, start, end, score))
    return result


def _context(chunk: Chunk, sentence: str) -> str:
    """A QA answer sentence is read together with its question: „Ja.“ answers what the question asked."""
    return f"{chunk.question}\n{sentence}" if chunk.kind == ChunkKind.QA and chunk.question else sentence


def _is_question_or_heading(sentence: str) -> bool:
    stripped = sentence.strip()
    return stripped.endswith("?") or (len(stripped) < 60 and not re.search(r"[.!]$", stripped))
