"""Honest selection: choose ranking settings by cross-validation over the rating researchers.

The researchers who rated papers are split into ``n_folds`` folds (a seeded shuffle, then dealt
round-robin, so fold sizes differ by at most one). For each fold in turn, every candidate
setting is scored on the ratings of the other folds' researchers, the best by the criterion
(loss; ties go to the higher MRR, then the name) is chosen, and that choice alone is scored on
the held-out fold:

* loss and easy/hard accuracy: the held-out researchers' rated pairs only;
* MRR and recall@k: the papers the held-out researchers rated, relevant = the held-out
  researchers who rated them >= 4, with every researcher of the benchmark still ranked.

The expected figure of the *selection procedure* is the mean over the held-out folds, with its
spread (sample standard deviation, min, max). Every candidate is also scored fold by fold, so a
fixed setting has its own cross-validated mean and spread beside its whole-half figure.
Rankings are computed once per candidate over all needs (the needs are the papers; folds only
decide whose ratings count), so cross-validation costs no extra encoding or ranking.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from indexing.benchmark_format import ReviewerBenchmark
from matcher.benchmarks import METRIC_KEYS, Rankings, score_reviewer


def researcher_folds(researchers: Sequence[str], n_folds: int, seed: int = 0) -> list[list[str]]:
    """The researchers in ``n_folds`` folds: a seeded shuffle of the sorted ids, dealt
    round-robin."""
    if not 2 <= n_folds <= len(researchers):
        raise ValueError(f"need 2 <= folds <= {len(researchers)} researchers, got {n_folds}")
    order = sorted(researchers)
    random.Random(seed).shuffle(order)
    return [sorted(order[i::n_folds]) for i in range(n_folds)]


def restrict(bench: ReviewerBenchmark, researchers: Sequence[str]) -> ReviewerBenchmark:
    """The benchmark with only these researchers' ratings (archives and papers unchanged, so
    every researcher is still a member that rankings may place anywhere)."""
    keep = set(researchers)
    return replace(bench, ratings={r: g for r, g in bench.ratings.items() if r in keep})


def spread(values: Sequence[float]) -> dict[str, float]:
    """Mean, sample standard deviation, min and max of per-fold figures (a fold without a
    figure, e.g. no hard pair, is left out; none at all gives NaN)."""
    vals = [v for v in values if not math.isnan(v)]
    if not vals:
        return {"mean": math.nan, "std": math.nan, "min": math.nan, "max": math.nan}
    return {"mean": round(statistics.fmean(vals), 4),
            "std": round(statistics.stdev(vals), 4) if len(vals) > 1 else 0.0,
            "min": round(min(vals), 4), "max": round(max(vals), 4)}


def _key(metrics: Mapping[str, float], name: str, criterion: str) -> tuple[float, float, str]:
    return (metrics[criterion], -metrics["mrr"], name)


def cross_validate(bench: ReviewerBenchmark, candidates: Mapping[str, Rankings],
                   n_folds: int = 5, seed: int = 0, criterion: str = "loss",
                   reference: str = "default") -> dict[str, Any]:
    """Choose among ``candidates`` on four folds' ratings, score the fifth's (module doc).

    Returns the folds (chosen setting, its training and held-out figures, the reference's
    held-out figures), the mean and spread of the selection's held-out figures, each
    candidate's own cross-validated figures, and the paired gain of the selection over
    ``reference`` (loss: reference minus selection, so positive is better).
    """
    if reference not in candidates:
        raise ValueError(f"the reference setting '{reference}' is not among the candidates")
    folds = researcher_folds(list(bench.ratings), n_folds, seed)
    per_fold: dict[str, list[dict[str, float]]] = {name: [] for name in candidates}
    fold_rows: list[dict[str, Any]] = []
    for i, held_out in enumerate(folds):
        train = [r for j, fold in enumerate(folds) if j != i for r in fold]
        train_bench, test_bench = restrict(bench, train), restrict(bench, held_out)
        train_scores = {name: score_reviewer(train_bench, rk) for name, rk in candidates.items()}
        test_scores = {name: score_reviewer(test_bench, rk) for name, rk in candidates.items()}
        for name in candidates:
            per_fold[name].append(test_scores[name])
        chosen = min(train_scores, key=lambda n: _key(train_scores[n], n, criterion))
        fold_rows.append({"fold": i, "held_out_researchers": len(held_out),
                          "held_out_pairs_papers": sum(len(bench.ratings[r]) for r in held_out),
                          "chosen": chosen, "train": train_scores[chosen],
                          "held_out": test_scores[chosen],
                          "reference_held_out": test_scores[reference]})
    selected = {k: spread([row["held_out"][k] for row in fold_rows]) for k in METRIC_KEYS}
    gain = spread([row["reference_held_out"]["loss"] - row["held_out"]["loss"]
                   for row in fold_rows])
    per_candidate = {name: {k: spread([m[k] for m in rows]) for k in METRIC_KEYS}
                     for name, rows in per_fold.items()}
    for name, rows in per_fold.items():  # paired, fold by fold: positive = better than reference
        per_candidate[name]["loss_gain_over_reference"] = spread(
            [ref["loss"] - m["loss"] for ref, m in zip(per_fold[reference], rows, strict=True)])
    chosen_counts: dict[str, int] = {}
    for row in fold_rows:
        chosen_counts[row["chosen"]] = chosen_counts.get(row["chosen"], 0) + 1
    whole = {name: score_reviewer(bench, rk) for name, rk in candidates.items()}
    best_whole = min(whole, key=lambda n: _key(whole[n], n, criterion))
    return {
        "folds": n_folds, "seed": seed, "criterion": criterion, "reference": reference,
        "researchers": len(bench.ratings), "fold_rows": fold_rows,
        "selection": selected, "chosen_counts": chosen_counts,
        "loss_gain_over_reference": gain,
        "change_default": bool(gain["mean"] > max(gain["std"], selected["loss"]["std"])),
        "per_candidate": per_candidate,
        "whole_half_best": best_whole, "whole_half": whole,
    }
