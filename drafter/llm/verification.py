"""Checks every sentence the model proposes against the passages it was given.

This is what keeps a model's invention from passing as a sourced statement: a sentence counts
as verified only if it cites passages that were actually supplied, its quote is found in one of
them (exactly, or with at least 90 % similarity after whitespace normalisation; in an earlier
reply only in its answer, not in the question), and every number in it occurs in the passages
whose quote was found. The matched span's character offsets are kept
so the reviewer sees exactly which words carry the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from drafter.extractive import Restatement, citation_for, newer_statement, stand
from drafter.llm.output_parsing import ProposedSentence
from drafter.models import ChunkKind, Citation, DraftSentence, SearchHit
from drafter.text_cleaning import collapse_whitespace

FUZZY_THRESHOLD = 90.0
# Shorter quotes („die Anzahl“) match almost any passage and prove nothing.
MIN_QUOTE_CHARS = 12
_QUOTE_MARKS = " \t\n\"'„“”‚‘’«»"
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: offsets into the passage text and the similarity (100 = exact)."""

    start: int
    end: int
    score: float


@dataclass
class VerifiedDraft:
    sentences: list[DraftSentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    # (sentence number, German reason) for every sentence that stays unverified
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def all_verified(self) -> bool:
        return not self.problems


def locate_quote(quote: str, passage: str, threshold: float = FUZZY_THRESHOLD) -> QuoteMatch | None:
    needle = " ".join(quote.strip(_QUOTE_MARKS).split())
    if len(needle) < MIN_QUOTE_CHARS:
        return None
    exact = passage.find(needle)
    if exact >= 0:
        return QuoteMatch(exact, exact + len(needle), 100.0)
    haystack, origin = _collapse_whitespace(passage)
    if len(needle) > len(haystack):
        return None
    found = haystack.find(needle)
    if found >= 0:
        return QuoteMatch(origin[found], origin[found + len(needle) - 1] + 1, 100.0)
    alignment = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=threshold)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    start, end = origin[alignment.dest_start], origin[alignment.dest_end - 1] + 1
    while start < end and passage[start].isspace():
        start += 1
    while end > start and passage[end - 1].isspace():
        end -= 1
    return QuoteMatch(start, end, alignment.score)


def unsupported_numbers(sentence: str, evidence: list[str]) -> list[str]:
    """Numbers of the sentence that occur in none of the evidence texts."""
    known: set[str] = set()
    for text in evidence:
        for token in _numbers(text):
            known.add(token)
            known.update(re.findall(r"\d+", token))
    return [token for token in _numbers(sentence) if token not in known]


def verify_sentences(
    proposed: list[ProposedSentence],
    passages: dict[int, SearchHit],
    guidance: list[str] | None = None,
    own_authority: str | None = None,
) -> VerifiedDraft:
    """Verified sentences and citations; markers are numbered by first use, one per quoted span. Citations
    are labelled like the extractive drafter's: another authority's (against `own_authority`), superseded."""
    draft = VerifiedDraft()
    markers: dict[tuple[str, int, int], int] = {}
    for index, sentence in enumerate(proposed, start=1):
        evidence, problem = _check(sentence, passages, guidance or [])
        sentence_markers: list[int] = []
        for number, match in evidence:
            hit = passages[number]
            key = (hit.chunk.chunk_id, match.start, match.end)
            if key not in markers:
                markers[key] = len(markers) + 1
                draft.citations.append(citation_for(hit, markers[key], match.start, match.end, own_authority))
            if markers[key] not in sentence_markers:
                sentence_markers.append(markers[key])
        draft.sentences.append(DraftSentence(sentence.text, sentence_markers, verified=problem is None))
        if problem:
            draft.problems.append((index, problem))
    return draft


def date_older_figures(draft: VerifiedDraft, passages: dict[int, SearchHit], own_authority: str | None) -> list[str]:
    """Marks every sentence whose cited figure a later passage among `passages` states anew with its date
    („Stand 04/2024“), as the extractive drafter does, and returns a German reason for each one whose newer
    statement the draft cites nowhere: the model would present the older figure as the current one."""
    hits = {hit.chunk.chunk_id: hit for hit in passages.values()}
    cited = {citation.marker: citation for citation in draft.citations}
    reasons = []
    for number, sentence in enumerate(draft.sentences, start=1):
        for citation in (cited[marker] for marker in sentence.markers):
            newer = newer_statement(citation.quote, hits[citation.chunk_id].document, [*hits.values()], own_authority)
            if newer is None:
                continue
            mark = stand(citation.date or "")
            if mark not in sentence.text:
                sentence.note = sentence.note or mark
            if not any(_covers(other, newer) for other in draft.citations):
                later = newer.hit.document
                reasons.append(
                    f"Satz {number} nennt den {mark}; „{later.title or later.name}“ "
                    f"({stand(later.date or '')}) nennt eine neuere Angabe: „{collapse_whitespace(newer.text)}“"
                )
            break
    return reasons


def _covers(citation: Citation, statement: Restatement) -> bool:
    return (
        citation.chunk_id == statement.hit.chunk.chunk_id
        and citation.quote_start < statement.end
        and statement.start < citation.quote_end
    )


def _check(
    sentence: ProposedSentence, passages: dict[int, SearchHit], guidance: list[str]
) -> tuple[list[tuple[int, QuoteMatch]], str | None]:
    if not sentence.sources:
        if _matches_guidance(sentence.text, guidance):
            return [], None
        return [], "ohne Fundstelle"
    unknown = [n for n in sentence.sources if n not in passages]
    if unknown:
        return [], f"verweist auf Fundstelle {_join(unknown)}, die nicht zu den gefundenen gehört"
    found = [(number, _locate_in_statement(sentence.quote, passages[number])) for number in sentence.sources]
    evidence = [(number, match) for number, match in found if match]
    if not evidence:
        return [], "Zitat steht nicht in der angegebenen Fundstelle"
    changed = unsupported_numbers(sentence.text, [passages[n].chunk.text for n, _ in evidence])
    if changed:
        return evidence, f"Zahl {_join(changed)} steht nicht in der Fundstelle"
    return evidence, None


def _locate_in_statement(quote: str, hit: SearchHit) -> QuoteMatch | None:
    """Find the quote where the passage states something: in an earlier reply, only in its answer.

    The question of an earlier inquiry may carry a presupposition („Trifft es zu, dass …“); quoting
    it would pass a claim off as the county's answer.
    """
    chunk = hit.chunk
    offset = chunk.answer_start if chunk.kind == ChunkKind.QA else 0
    match = locate_quote(quote, chunk.text[offset:])
    return QuoteMatch(match.start + offset, match.end + offset, match.score) if match else None


def _matches_guidance(text: str, guidance: list[str]) -> bool:
    wording = " ".join(text.split())
    for agreed in guidance:
        agreed = " ".join(agreed.split())
        if (
            len(wording) >= MIN_QUOTE_CHARS
            and fuzz.partial_ratio(wording, agreed) >= FUZZY_THRESHOLD
            and not unsupported_numbers(wording, [agreed])
        ):
            return True
    return False


def _numbers(text: str) -> list[str]:
    tokens = []
    for token in _NUMBER.findall(text):
        tokens.append(token.replace(".", "") if _THOUSANDS.fullmatch(token) else token)
    return tokens


def _collapse_whitespace(text: str) -> tuple[str, list[int]]:
    """`text` with whitespace runs reduced to one space, and each kept character's original offset."""
    chars: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace():
            if not chars or chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        origin.append(offset)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def _join(items: list) -> str:
    return ", ".join(f"„{item}“" if isinstance(item, str) else str(item) for item in items)
