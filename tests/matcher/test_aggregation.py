"""Aggregation strategies, on hand-computed values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.aggregation import aggregate_member_scores

SCORES = [0.9, 0.5, 0.7, 0.1]


def test_each_strategy() -> None:
    assert aggregate_member_scores(SCORES, 4, "max") == 0.9
    assert aggregate_member_scores(SCORES, 4, "mean") == pytest.approx(0.55)
    assert aggregate_member_scores(SCORES, 4, "topk_mean", k=2) == pytest.approx(0.8)
    t = 0.1
    expected = t * math.log(sum(math.exp(s / t) for s in SCORES) / 4)
    assert aggregate_member_scores(SCORES, 4, "softmax_votes", temperature=t) == pytest.approx(
        expected
    )


def test_unretrieved_documents_count_at_the_cutoff() -> None:
    # member has 5 documents, 2 retrieved; the 3 others are scored at the cutoff 0.3
    assert aggregate_member_scores([0.9, 0.6], 5, "topk_mean", k=3, cutoff=0.3) == pytest.approx(
        (0.9 + 0.6 + 0.3) / 3
    )
    assert aggregate_member_scores([0.9, 0.6], 5, "mean", cutoff=0.3) == pytest.approx(
        (0.9 + 0.6 + 0.9) / 5
    )
    # exhaustive retrieval: no filling
    assert aggregate_member_scores([0.9, 0.6], 2, "topk_mean", k=3) == pytest.approx(0.75)


def test_empty_is_an_error() -> None:
    with pytest.raises(ValueError):
        aggregate_member_scores([], 3, "max")


@given(st.lists(st.floats(-1, 1), min_size=1, max_size=20),
       st.sampled_from(["max", "mean", "topk_mean", "softmax_votes"]))
def test_bounded_by_min_and_max(scores: list[float], strategy: str) -> None:
    value = aggregate_member_scores(scores, len(scores), strategy)  # type: ignore[arg-type]
    assert min(scores) - 1e-9 <= value <= max(scores) + 1e-9


@given(st.lists(st.floats(0, 1), min_size=1, max_size=10), st.floats(0, 0.5))
def test_monotone_in_a_better_document(scores: list[float], bump: float) -> None:
    better = [scores[0] + bump, *scores[1:]]
    for strategy in ("max", "mean", "topk_mean", "softmax_votes"):
        assert aggregate_member_scores(better, len(better), strategy) >= (  # type: ignore[arg-type]
            aggregate_member_scores(scores, len(scores), strategy) - 1e-9  # type: ignore[arg-type]
        )
