"""Ranking-quality metrics: the gold standard's pairwise loss and the who-knows-X view.

* ``pairwise_loss`` — Stelmakh et al.'s main metric (lower is better): for each researcher, each
  pair of rated papers that the scores order against the ratings adds the rating difference, a tie
  adds half of it; divided by the sum of all differences. Easy accuracy: pairs with one rating
  >= 4 and the other <= 2; hard accuracy: both >= 4 and different; a tie counts as half right.
* ``reciprocal_rank``, ``recall_at_k``, ``ndcg_at_k`` — one ranked list of members against the
  relevant ones (graded for NDCG: gain 2^grade - 1, log2 discount).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class PairwiseResult:
    loss: float
    easy_accuracy: float
    hard_accuracy: float
    pairs: int
    easy_pairs: int
    hard_pairs: int


def _agreement(score_a: float, score_b: float, grade_a: float, grade_b: float) -> float:
    """1 if the scores order the pair as the grades do, 0.5 for a tie of scores, else 0."""
    if score_a == score_b:
        return 0.5
    return 1.0 if (score_a > score_b) == (grade_a > grade_b) else 0.0


def pairwise_loss(scores: Mapping[str, Mapping[str, float]],
                  ratings: Mapping[str, Mapping[str, float]]) -> PairwiseResult:
    """Loss and easy/hard accuracy of ``scores[researcher][paper]`` against the ratings.

    Pairs with equal ratings carry no information and are skipped; a missing score is an error.
    """
    lost = total = 0.0
    easy = hard = 0.0
    n_pairs = n_easy = n_hard = 0
    for researcher, rated in ratings.items():
        mine = scores[researcher]
        for a, b in combinations(sorted(rated), 2):
            ga, gb = rated[a], rated[b]
            if ga == gb:
                continue
            right = _agreement(mine[a], mine[b], ga, gb)
            diff = abs(ga - gb)
            lost += (1.0 - right) * diff
            total += diff
            n_pairs += 1
            if max(ga, gb) >= 4 and min(ga, gb) <= 2:
                easy += right
                n_easy += 1
            elif min(ga, gb) >= 4:
                hard += right
                n_hard += 1
    return PairwiseResult(
        loss=lost / total if total else 0.0,
        easy_accuracy=easy / n_easy if n_easy else float("nan"),
        hard_accuracy=hard / n_hard if n_hard else float("nan"),
        pairs=n_pairs, easy_pairs=n_easy, hard_pairs=n_hard,
    )


def reciprocal_rank(ranking: Sequence[str], relevant: Iterable[str]) -> float:
    """1 / position of the first relevant item (0 when none is ranked)."""
    wanted = set(relevant)
    for position, item in enumerate(ranking, start=1):
        if item in wanted:
            return 1.0 / position
    return 0.0


def recall_at_k(ranking: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant items found in the first ``k`` of the ranking."""
    wanted = set(relevant)
    if not wanted:
        raise ValueError("recall needs at least one relevant item")
    return len(wanted.intersection(ranking[:k])) / len(wanted)


def ndcg_at_k(ranking: Sequence[str], grades: Mapping[str, float], k: int) -> float:
    """Normalised discounted cumulative gain at ``k`` with gain 2^grade - 1."""
    def dcg(gains: Iterable[float]) -> float:
        return sum((2.0 ** g - 1.0) / math.log2(i + 2) for i, g in enumerate(gains))

    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        raise ValueError("NDCG needs at least one item with a positive grade")
    return dcg(grades.get(item, 0.0) for item in ranking[:k]) / ideal


def who_knows_x(rankings: Mapping[str, Sequence[str]], relevant: Mapping[str, Iterable[str]],
                ks: Sequence[int] = (5, 10)) -> dict[str, float]:
    """Mean reciprocal rank and recall@k over the queries that have a relevant member."""
    rr: list[float] = []
    recalls: dict[int, list[float]] = {k: [] for k in ks}
    for query, members in relevant.items():
        wanted = set(members)
        if not wanted:
            continue
        ranking = rankings[query]
        rr.append(reciprocal_rank(ranking, wanted))
        for k in ks:
            recalls[k].append(recall_at_k(ranking, wanted, k))
    out = {"mrr": _mean(rr)}
    out.update({f"recall@{k}": _mean(v) for k, v in recalls.items()})
    return out


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")
