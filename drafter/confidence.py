"""How far a draft can be trusted: `drafted`, or `needs_review` with a reason the user can check.

A draft is marked `drafted` only when the fitted outcome model (see `drafter/learned/`) rates it likely
that its citations hold the answer; otherwise it stays a draft to review, with the one reason that
weighs most: a rare word of the question no cited passage uses („‚Parkplätze‘ kommt in keiner
Fundstelle vor“), an answer type the first sentence does not give („Gefragt ist eine Zahl …“), or evidence
that only partly fits. The features are few and named, so every decision can be explained.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from drafter.answer_types import FRAME_NOUNS, focus_word
from drafter.chunking import index_text
from drafter.learned import LinearModel
from drafter.models import DraftStatus, SearchHit
from drafter.retrieval.german_analyzer import GermanAnalyzer

MISSING_NOUNS_SHOWN = 2
"""How many of the question's nouns that no cited passage uses a reason names."""

_analyzer = GermanAnalyzer()
_PARTIAL = "Die Fundstellen passen nur teilweise zur Frage; bitte prüfen, ob sie sie beantworten."


@dataclass(frozen=True)
class Judgement:
    status: DraftStatus
    probability: float
    reason: str | None


def outcome_features(
    question: str,
    hits: list[SearchHit],
    quoted: list[tuple[SearchHit, str, float]],
) -> dict[str, float]:
    """Evidence features of one draft: `hits` are the passages it could quote, `quoted` each quoted
    sentence's passage, text and lead score.

    Three features, chosen leave-one-set-out (bench/fit_models.py): more did not predict better on a set
    the model had not seen, and fewer, readable ones keep every decision explainable. The passage that
    answers ranks first by the question's own words, the question's first noun stands in the sentence
    that answers it, and the question's nouns stand in the cited passages (their share, weighed by
    rarity; `_reason` names the missing ones). The passage's overall rank added nothing once the nouns were
    counted; the number of passages found predicted well too, but it rewards a large knowledge base
    rather than a good answer.
    """
    lead = quoted[0][0] if quoted else None
    focus = set(_analyzer.tokens(focus_word(question) or ""))
    lead_tokens = set(_analyzer.tokens(quoted[0][1])) if quoted else set()
    return {
        "lead_keyword_rank": 1.0 / (1 + lead.keyword_rank) if lead and lead.keyword_rank else 0.0,
        "focus_in_lead": float(bool(focus & lead_tokens)) if focus else 1.0,
        "noun_weight_cited": _noun_weight_cited(question, hits, _cited_tokens(quoted)),
    }


def _noun_weight_cited(question: str, hits: list[SearchHit], cited: set[str]) -> float:
    """The share of the question's nouns that the cited passages use, each weighed by its rarity in the
    knowledge base: a missing „Fortbildungsangebote“ means the passages are about something else, a
    missing „Aufgaben“ or „Anteil“ only that they word it differently. Weighed, this share let the model
    mark more right drafts at the same precision leave-one-set-out than the plain count of nouns."""
    nouns = question_nouns(question, hits)
    if not nouns:
        return 1.0
    weight = _rarity(hits)
    total = sum(weight(stem) for stem in nouns.values())
    return sum(weight(stem) for stem in nouns.values() if stem in cited) / total


def judge(
    model: LinearModel,
    features: dict[str, float],
    question: str,
    hits: list[SearchHit],
    quoted: list[tuple[SearchHit, str, float]],
    type_missing: str | None,
) -> Judgement:
    """`drafted` when the model trusts the evidence and the first sentence gives the asked answer type
    (`type_missing` says why not): a „Wie viele“ answer that does not open with a number is never
    presented as an answer, however well it fits."""
    probability = model.probability(features)
    if probability >= model.threshold and type_missing is None:
        return Judgement(DraftStatus.DRAFTED, probability, None)
    return Judgement(DraftStatus.NEEDS_REVIEW, probability, _reason(question, hits, quoted, type_missing))


def _reason(
    question: str,
    hits: list[SearchHit],
    quoted: list[tuple[SearchHit, str, float]],
    type_missing: str | None,
) -> str:
    parts = []
    missing = missing_nouns(question, hits, _cited_tokens(quoted))
    if missing:
        words = ", ".join(f"‚{w}‘" for w in missing)
        parts.append(f"{words} {'kommt' if len(missing) == 1 else 'kommen'} in keiner zitierten Fundstelle vor.")
    if type_missing is not None:
        parts.append(type_missing)
    return " ".join(parts) if parts else _PARTIAL


def _cited_tokens(quoted: list[tuple[SearchHit, str, float]]) -> set[str]:
    tokens: set[str] = set()
    for hit, _, _ in quoted:
        tokens.update(_analyzer.tokens(index_text(hit.chunk)))
    return tokens


def missing_nouns(question: str, hits: list[SearchHit], cited: set[str], limit: int = MISSING_NOUNS_SHOWN) -> list[str]:
    """The question's rarest nouns, as the user wrote them, that no cited passage contains as a word.

    A compound counts only whole: „Fahrradabstellplätze“ does not answer for „Parkplätze“. Nouns are what
    a question is about („Wie viele *Parkplätze* …“); a missing adverb („mittlerweile“) says nothing.
    """
    nouns = question_nouns(question, hits)
    return [word for word in nouns if nouns[word] not in cited][:limit]


def question_nouns(question: str, hits: list[SearchHit]) -> dict[str, str]:
    """The question's nouns (capitalised after its first word) with their stems, rarest first."""
    found: dict[str, str] = {}
    for word in re.findall(r"[\wÄÖÜäöüß][\wÄÖÜäöüß-]*", question)[1:]:
        stems = _analyzer.tokens(word)
        if word[:1].isupper() and stems and word not in found and word not in FRAME_NOUNS:
            found[word] = stems[0]
    weight = _rarity(hits)
    return dict(sorted(found.items(), key=lambda item: -weight(item[1])))


def _rarity(hits: list[SearchHit]) -> Callable[[str], float]:
    """A stem's keyword weight in this search; a stem the index does not know counts as the rarest."""
    weights = hits[0].term_weights if hits else {}
    ceiling = max(weights.values(), default=1.0)
    return lambda stem: weights.get(stem, ceiling)
