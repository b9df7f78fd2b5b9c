"""The steps that turn component rankings into one, each a pure function over made-up-able data.

In the manner of pyserini's `fusion/`: reciprocal-rank fusion, min-max score normalisation,
their mix, query-term coverage, the penalty for passages that only list questions and the
removal of near duplicates are separate functions, so that each can be tested on three results
and `HybridRetriever` only composes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

Ranking = list[tuple[str, float]]
"""(passage id, score), best first."""
WeightedRanking = tuple[float, Ranking]


def reciprocal_rank(rankings: Sequence[WeightedRanking], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion, rescaled so that a passage ranked first everywhere gets 1."""
    fused: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, (passage_id, _) in enumerate(ranking, 1):
            fused[passage_id] = fused.get(passage_id, 0.0) + weight / (k + rank)
    scale = (k + 1) / (sum(weight for weight, _ in rankings) or 1.0)
    return {passage_id: value * scale for passage_id, value in fused.items()}


def min_max(ranking: Ranking) -> dict[str, float]:
    """Scores of a ranking mapped to 0 (its last) … 1 (its first); all 1 when they do not differ."""
    if not ranking:
        return {}
    scores = [score for _, score in ranking]
    low, span = min(scores), max(scores) - min(scores)
    if span <= 0:
        return {passage_id: 1.0 for passage_id, _ in ranking}
    return {passage_id: (score - low) / span for passage_id, score in ranking}


def normalised_scores(rankings: Sequence[WeightedRanking]) -> dict[str, float]:
    """Weighted mean of each ranking's min-max normalised score (0–1): it keeps how far ahead a passage is,
    which rank fusion alone forgets (a clear keyword winner and a near tie score alike)."""
    total = sum(weight for weight, _ in rankings) or 1.0
    fused: dict[str, float] = {}
    for weight, ranking in rankings:
        for passage_id, value in min_max(ranking).items():
            fused[passage_id] = fused.get(passage_id, 0.0) + weight * value / total
    return fused


def mix(by_rank: dict[str, float], by_score: dict[str, float], score_share: float) -> dict[str, float]:
    """Both fusions on their common 0–1 scale, `score_share` of the normalised scores."""
    return {
        passage_id: (1.0 - score_share) * value + score_share * by_score.get(passage_id, 0.0)
        for passage_id, value in by_rank.items()
    }


def weighted_coverage(weights: dict[str, float], tokens: set[str] | frozenset[str]) -> float:
    """IDF-weighted share of the query terms found in `tokens` (0 when the query has no content words)."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def question_share(text: str) -> float:
    """Share of the passage's sentences that are questions: an inquiry's own text is nearly all questions."""
    ends = re.findall(r"[.!?](?=\s|$)", text)
    return ends.count("?") / len(ends) if ends else 0.0


def question_list_penalty(fused: float, text: str, penalty: float) -> float:
    """Earlier answers win over earlier questions: a passage that mostly asks loses `penalty` of its score."""
    return fused * (1.0 - penalty) if question_share(text) > 0.5 else fused


def without_near_duplicates(ranked: Iterable[tuple[str, str]], threshold: float, k: int) -> list[str]:
    """The best `k` of (passage id, text), best first, skipping any that repeats a better one almost word for
    word (a reply quoted in a later report)."""
    kept: list[str] = []
    kept_words: list[set[str]] = []
    for passage_id, text in ranked:
        if len(kept) == k:
            break
        words = set(re.findall(r"\w+", text.lower()))
        if any(_jaccard(words, other) >= threshold for other in kept_words):
            continue
        kept.append(passage_id)
        kept_words.append(words)
    return kept


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
