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

ABSTENTION_SENTENCE = "Die Wissensbasis enthält zu dieser Frage keine belastbaren Informationen."
"""The one sentence that says „no basis“: the extractive drafter uses it, and the LLM must answer with it."""
ABSTENTION = f"{ABSTENTION_SENTENCE} Die Antwort muss fachlich ergänzt werden."
MAX_PASSAGES = 5
MAX_SENTENCES = 5
MAX_ANSWER_CHARS = 700
MIN_QUOTE_WORDS = 4
MIN_RELATIVE_SCORE = 0.4
"""A sentence is quoted only when it covers the question at least this well relative to the best sentence."""
PASSAGE_EVIDENCE_FLOOR = 0.5
"""A passage is quoted only when its evidence reaches this share of the abstention threshold."""

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
    chosen = _choose_sentences(supporting)
    if not chosen:
        return abstention(question)
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
    """The passages to answer from: none if even the best is below the threshold, else the top-ranked ones
    that share words with the question (retrieval order already weighs coverage against paraphrase)."""
    if max((h.evidence for h in hits), default=0.0) < min_evidence:
        return []
    return [h for h in hits if h.evidence >= PASSAGE_EVIDENCE_FLOOR * min_evidence][:MAX_PASSAGES]


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
    """The best sentence of each supporting passage, then more of the top passage, in reading order."""
    per_passage = [sorted(_candidates(hit, rank), key=lambda c: -c.score) for rank, hit in enumerate(hits)]
    best = max((candidates[0].score for candidates in per_passage if candidates), default=0.0)
    per_passage = [[c for c in candidates if c.score >= MIN_RELATIVE_SCORE * best] for candidates in per_passage]
    chosen = [candidates[0] for candidates in per_passage if candidates]
    length = sum(c.end - c.start for c in chosen)
    for candidate in per_passage[0][1:] if per_passage else []:
        size = candidate.end - candidate.start
        if len(chosen) >= MAX_SENTENCES or length + size > MAX_ANSWER_CHARS:
            break
        chosen.append(candidate)
        length += size
    return sorted(chosen, key=lambda c: (c.passage_rank, c.start))


def _candidates(hit: SearchHit, rank: int) -> list[_Candidate]:
    """Sentences of the passage's answer that contain at least one word of the question."""
    chunk = hit.chunk
    body_start = chunk.answer_start if chunk.kind == ChunkKind.QA else 0
    spans = [(body_start + s, body_start + e) for s, e in sentence_spans(chunk.text[body_start:])]
    statements = [(s, e) for s, e in spans if not _is_question_or_heading(chunk.text[s:e])] or spans
    result = []
    for position, (start, end) in enumerate(statements):
        sentence = chunk.text[start:end]
        if len(sentence.split()) < MIN_QUOTE_WORDS:
            continue  # a bare „Ja.“ says nothing once quoted apart from its question
        direct_answer = chunk.kind == ChunkKind.QA and position == 0  # answers the earlier question directly
        coverage = weighted_coverage(hit.term_weights, set(_analyzer.tokens(_context(chunk, sentence))))
        if coverage == 0 and not direct_answer:
            continue
        result.append(_Candidate(hit, rank, start, end, coverage + (0.3 if direct_answer else 0.0)))
    return result


def _context(chunk: Chunk, sentence: str) -> str:
    """A QA answer sentence is read together with its question: „Ja.“ answers what the question asked."""
    return f"{chunk.question}\n{sentence}" if chunk.kind == ChunkKind.QA and chunk.question else sentence


def _is_question_or_heading(sentence: str) -> bool:
    """Questions and headings are not statements to quote; bullet items are, with or without a full stop."""
    stripped = sentence.strip()
    if stripped.endswith("?"):
        return True
    return not stripped.startswith(("•", "-", "–", "*")) and not re.search(r"[.!]$", stripped)
