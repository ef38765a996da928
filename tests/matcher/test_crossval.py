"""Cross-validated selection over the rating researchers (matcher/crossval.py)."""

from __future__ import annotations

import pytest

from indexing.benchmark_format import Paper, ReviewerBenchmark
from matcher.benchmarks import Rankings, score_reviewer
from matcher.crossval import cross_validate, researcher_folds, restrict

RESEARCHERS = [f"R{i}" for i in range(10)]
PAPERS = ["p1", "p2", "p3"]


def _bench() -> ReviewerBenchmark:
    # each researcher rates p1 high and p3 low; p2 in the middle
    ratings = {r: {"p1": 5.0, "p2": 3.0, "p3": 1.0} for r in RESEARCHERS}
    papers = {p: Paper(p, p, "") for p in PAPERS}
    archives = {r: [Paper(f"a-{r}", r, "")] for r in RESEARCHERS}
    return ReviewerBenchmark(ratings=ratings, papers=papers, archives=archives)


def _rankings(bench: ReviewerBenchmark, order: list[str]) -> Rankings:
    """Every researcher scores the papers in ``order`` best first."""
    members = [bench.member_id(r) for r in RESEARCHERS]
    scores = {p: {m: float(len(order) - order.index(p)) for m in members} for p in PAPERS}
    return Rankings({p: list(members) for p in PAPERS}, scores)


def test_folds_partition_the_researchers_and_are_seeded() -> None:
    folds = researcher_folds(RESEARCHERS, 5, seed=3)
    assert sorted(r for f in folds for r in f) == sorted(RESEARCHERS)
    assert {len(f) for f in folds} == {2}
    assert folds == researcher_folds(list(reversed(RESEARCHERS)), 5, seed=3)
    assert folds != researcher_folds(RESEARCHERS, 5, seed=4)
    with pytest.raises(ValueError):
        researcher_folds(RESEARCHERS, 1)


def test_restrict_keeps_every_member_ranked() -> None:
    bench = _bench()
    sub = restrict(bench, ["R1", "R2"])
    assert set(sub.ratings) == {"R1", "R2"} and sub.archives == bench.archives


def test_cross_validation_chooses_on_training_folds_and_reports_spread() -> None:
    bench = _bench()
    candidates = {"default": _rankings(bench, ["p2", "p1", "p3"]),
                  "right": _rankings(bench, ["p1", "p2", "p3"]),
                  "wrong": _rankings(bench, ["p3", "p2", "p1"])}
    out = cross_validate(bench, candidates, n_folds=5)
    assert out["chosen_counts"] == {"right": 5}
    assert out["selection"]["loss"]["mean"] == 0.0
    default_loss = score_reviewer(bench, candidates["default"])["loss"]
    assert out["loss_gain_over_reference"]["mean"] == pytest.approx(default_loss, abs=1e-4)
    assert out["change_default"] is True
    assert out["per_candidate"]["wrong"]["loss"]["mean"] == 1.0
    assert out["whole_half_best"] == "right"
    assert all(row["held_out_researchers"] == 2 for row in out["fold_rows"])


def test_cross_validation_needs_the_reference() -> None:
    bench = _bench()
    with pytest.raises(ValueError):
        cross_validate(bench, {"x": _rankings(bench, PAPERS)}, reference="default")
