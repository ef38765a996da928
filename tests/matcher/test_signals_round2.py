"""Issue #18, signals round 2: the z-scored lexical signal and member specificity (unit), and
each of them and the chunk mean switched on over the test community with the real model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.schema import ItemKey
from indexing.settings import MatchingSettings
from matcher.aggregation import run_scores
from matcher.experts import Matcher
from matcher.retrieval import normalised_lexical
from tests.conftest import make_settings


def _keys(n: int) -> list[ItemKey]:
    return [ItemKey.parse(f"c:c{i}") for i in range(n)]


def test_peak_gives_the_best_hit_one_whatever_the_spread() -> None:
    keys = _keys(2)
    assert normalised_lexical([(keys[0], 4.0), (keys[1], 2.0)], 10, "peak") == {
        keys[0]: 1.0, keys[1]: 0.5}


def test_zscore_is_calibrated_over_the_candidates() -> None:
    keys = _keys(3)
    # one hit standing out of 100 candidates vs the same hit among as good ones: flatter signal
    alone = normalised_lexical([(keys[0], 4.0)], 100, "zscore")
    crowded = normalised_lexical([(keys[0], 4.0), (keys[1], 4.0), (keys[2], 4.0)], 3, "zscore")
    values = np.zeros(100)
    values[0] = 4.0
    assert alone[keys[0]] == pytest.approx(4.0 / values.std())
    assert crowded == {k: 0.0 for k in keys}  # no spread, no signal
    assert alone[keys[0]] > 1.0
    # within one need it is BM25 up to a factor: the order of the hits is kept
    two = normalised_lexical([(keys[0], 3.0), (keys[1], 1.0)], 10, "zscore")
    assert two[keys[0]] == pytest.approx(3 * two[keys[1]])


def test_specificity_puts_the_specialist_first() -> None:
    # two members, the same two best documents; the generalist has two more, off the need
    score = np.array([0.8, 0.7, 0.1, 0.1, 0.8, 0.7])
    starts, counts = np.array([0, 4]), np.array([4, 2])
    missing = np.zeros(2, np.int64)
    base = MatchingSettings(aggregation="topk_mean", aggregation_k=2)
    flat = run_scores(score, starts, counts, missing, 0.0, base)
    assert flat[0] == pytest.approx(flat[1])
    spec = run_scores(score, starts, counts, missing, 0.0,
                      MatchingSettings(aggregation="topk_mean", aggregation_k=2,
                                       specificity_weight=0.3))
    assert spec[1] == pytest.approx(0.75) and spec[0] == pytest.approx(0.7 * 0.75 + 0.3 * 0.425)
    assert spec[1] > spec[0]


@pytest.mark.slow
@pytest.mark.parametrize("matching", [
    {"specificity_weight": 0.3},
    {"fusion": "weighted", "lexical_norm": "zscore", "lexical_weight": 0.02},
    {"document_score": "chunk_mean"},
])
def test_clear_needs_still_rank_their_expert_first(community_home: Path, real_encoder: Encoder,
                                                    matching: dict[str, object]) -> None:
    c, _ = Community.open(make_settings(community_home, matching=matching), encoder=real_encoder)
    try:
        m = Matcher.configured(c)
        for need, expected in [
            ("acoustic leak detection and non-revenue water in intermittent supply", "m-0001"),
            ("seawater reverse osmosis desalination and brine disposal", "m-0003"),
            ("arsenic contamination of tube wells", "m-0011"),
        ]:
            results = m.find_experts(need, top=3)
            assert results[0].member.id == expected, [r.member.id for r in results]
    finally:
        c.store.close()
