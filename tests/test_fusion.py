"""Each step of ranking on three made-up results, in the manner of pyserini's fusion tests."""

from __future__ import annotations

import pytest

from drafter.retrieval.fusion import (
    min_max,
    mix,
    normalised_scores,
    question_list_penalty,
    reciprocal_rank,
    weighted_coverage,
    without_near_duplicates,
)

DENSE = [("a", 0.81), ("b", 0.80), ("c", 0.10)]
KEYWORD = [("b", 12.0), ("a", 11.9), ("c", 2.0)]


def test_a_passage_first_in_every_ranking_gets_one_from_rank_fusion():
    fused = reciprocal_rank([(1.0, [("a", 3.0), ("b", 1.0)]), (0.5, [("a", 9.0)])])
    assert fused["a"] == pytest.approx(1.0)
    assert fused["b"] < fused["a"]


def test_rank_fusion_weighs_each_ranking_by_its_weight():
    fused = reciprocal_rank([(1.0, DENSE), (0.25, KEYWORD)])
    assert fused["a"] > fused["b"] > fused["c"]


def test_min_max_keeps_how_far_ahead_a_passage_is():
    assert min_max(KEYWORD) == {"b": 1.0, "a": pytest.approx(0.99), "c": 0.0}
    assert min_max([("x", 2.0), ("y", 2.0)]) == {"x": 1.0, "y": 1.0}
    assert min_max([]) == {}


def test_a_near_keyword_tie_is_decided_by_a_clear_dense_lead():
    """Rank fusion alone scores a near tie like a clear win; the normalised scores see the tie."""
    dense = [("a", 0.90), ("b", 0.40), ("c", 0.35)]
    keyword = [("b", 12.0), ("a", 11.99), ("c", 1.0)]
    weighted = [(0.5, dense), (1.0, keyword)]
    by_rank = reciprocal_rank(weighted)
    assert by_rank["b"] > by_rank["a"]
    fused = mix(by_rank, normalised_scores(weighted), score_share=0.5)
    assert fused["a"] > fused["b"]


def test_coverage_weighs_rare_terms_most():
    weights = {"parkplatz": 5.0, "kreishaus": 1.0}
    assert weighted_coverage(weights, {"kreishaus"}) == pytest.approx(1 / 6)
    assert weighted_coverage(weights, {"parkplatz", "kreishaus"}) == 1.0
    assert weighted_coverage({}, {"x"}) == 0.0


def test_a_passage_that_only_asks_is_demoted():
    inquiry = "Wie viele Stellen gibt es? Wann werden sie besetzt? Wer entscheidet?"
    answer = "Es gibt zwölf Stellen. Sie werden im Mai besetzt. Wer entscheidet?"
    assert question_list_penalty(1.0, inquiry, 0.5) == 0.5
    assert question_list_penalty(1.0, answer, 0.5) == 1.0


def test_near_duplicates_keep_the_better_one_only():
    ranked = [
        ("a", "Die Zulassungsstelle ist montags bis freitags geöffnet."),
        ("b", "Die Zulassungsstelle ist montags bis freitags geöffnet!"),
        ("c", "Wunschkennzeichen kosten 10,20 Euro."),
    ]
    assert without_near_duplicates(ranked, threshold=0.8, k=10) == ["a", "c"]
    assert without_near_duplicates(ranked, threshold=0.8, k=1) == ["a"]
