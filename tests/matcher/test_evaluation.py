"""Ranking metrics against hand-computed values, and the benchmark runner on a tiny folder."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexing.benchmark_format import BenchmarkFormatError, load_reviewer_benchmark
from indexing.encoders.base import Encoder
from indexing.settings import Settings
from matcher.benchmarks import METRIC_KEYS, evaluate_reviewer_expertise
from matcher.evaluation import (
    ndcg_at_k,
    pairwise_loss,
    recall_at_k,
    reciprocal_rank,
    who_knows_x,
)


def test_pairwise_loss_by_hand() -> None:
    ratings = {"r": {"a": 5.0, "b": 4.0, "c": 1.0}}
    # pairs: (a,b) diff 1 hard; (a,c) diff 4 easy; (b,c) diff 3 easy
    # scores order b > a (wrong, loses 1), a == c tie (loses 2), b > c right
    scores = {"r": {"a": 0.5, "b": 0.9, "c": 0.5}}
    result = pairwise_loss(scores, ratings)
    assert result.loss == pytest.approx((1 + 2) / (1 + 4 + 3))
    assert result.easy_accuracy == pytest.approx((1 + 0.5) / 2)
    assert result.hard_accuracy == pytest.approx(0.0)
    assert (result.pairs, result.easy_pairs, result.hard_pairs) == (3, 2, 1)


def test_pairwise_loss_perfect_constant_and_reversed() -> None:
    ratings = {"r1": {"a": 1.0, "b": 3.0, "c": 5.0}, "r2": {"x": 2.0, "y": 4.5}}
    perfect = {r: dict(v) for r, v in ratings.items()}
    constant = {r: dict.fromkeys(v, 0.0) for r, v in ratings.items()}
    reversed_ = {r: {p: -g for p, g in v.items()} for r, v in ratings.items()}
    assert pairwise_loss(perfect, ratings).loss == 0.0
    assert pairwise_loss(constant, ratings).loss == pytest.approx(0.5)
    assert pairwise_loss(reversed_, ratings).loss == pytest.approx(1.0)
    # equal ratings carry no information: no pair, accuracy undefined
    flat = pairwise_loss({"r": {"a": 1.0, "b": 2.0}}, {"r": {"a": 3.0, "b": 3.0}})
    assert flat.pairs == 0 and math.isnan(flat.easy_accuracy)


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(1, 5), min_size=2),
       st.randoms(use_true_random=False))
def test_loss_of_a_scorer_and_its_reverse_sum_to_one(grades: dict[str, int], rnd: object) -> None:
    ratings = {"r": {k: float(v) for k, v in grades.items()}}
    if len(set(grades.values())) < 2:
        return
    scores = {k: rnd.random() for k in grades}  # type: ignore[attr-defined]
    forward = pairwise_loss({"r": scores}, ratings).loss
    backward = pairwise_loss({"r": {k: -v for k, v in scores.items()}}, ratings).loss
    assert forward + backward == pytest.approx(1.0)


def test_rank_metrics_by_hand() -> None:
    ranking = ["m1", "m2", "m3", "m4"]
    assert reciprocal_rank(ranking, {"m3", "m4"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranking, {"zz"}) == 0.0
    assert recall_at_k(ranking, {"m2", "m4", "m9"}, 2) == pytest.approx(1 / 3)
    # grades m2=3 (gain 7, rank 2), m3=1 (gain 1, rank 3); ideal: 7 then 1
    dcg = 7 / math.log2(3) + 1 / math.log2(4)
    ideal = 7 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranking, {"m2": 3, "m3": 1}, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["m2", "m3"], {"m2": 3, "m3": 1}, 10) == pytest.approx(1.0)
    view = who_knows_x({"q1": ranking, "q2": ["m4", "m1"], "q3": ranking},
                       {"q1": {"m1"}, "q2": {"m1"}, "q3": set()}, ks=(1,))
    assert view == {"mrr": pytest.approx(0.75), "recall@1": pytest.approx(0.5)}


def _paper(pid: str, title: str, abstract: str) -> dict[str, object]:
    return {"id": pid, "content": {"title": title, "abstract": abstract, "year": 2021}}


TOPICS = {
    "hydro": ("groundwater recharge in aquifers", "We model aquifer recharge from rainfall and "
              "irrigation return flows using well observations."),
    "leaks": ("detecting leaks in water distribution pipes", "Acoustic sensors and pressure "
              "transients locate pipe bursts and reduce non-revenue water."),
    "algae": ("harmful algal blooms in reservoirs", "Cyanobacteria blooms are forecast from "
              "nutrient loads, temperature and satellite chlorophyll."),
    "tariff": ("water tariffs and affordability", "Increasing block tariffs, subsidies and "
               "household willingness to pay for piped water."),
}


def write_tiny_benchmark(folder: Path) -> None:
    """Four researchers, one topic each; three of them rate papers of every topic."""
    (folder / "archives").mkdir(parents=True)
    researchers = {"101": "hydro", "102": "leaks", "103": "algae", "104": "tariff"}
    for rid, topic in researchers.items():
        title, abstract = TOPICS[topic]
        lines = [json.dumps(_paper(f"{rid}p{i}", f"{title} ({i})", abstract)) for i in range(3)]
        if rid == "101":  # a paper shared by two researchers becomes one contribution
            lines.append(json.dumps(_paper("shared1", *TOPICS["leaks"])))
        if rid == "102":
            lines.append(json.dumps(_paper("shared1", *TOPICS["leaks"])))
        (folder / "archives" / f"{rid}.jsonl").write_text("\n".join(lines) + "\n")
    papers = {f"need-{t}": _paper(f"need-{t}", f"A study of {title}", abstract)
              for t, (title, abstract) in TOPICS.items()}
    (folder / "papers.json").write_text(json.dumps(papers))
    header = ["ParticipantID"] + [f"Paper{i}" for i in range(1, 11)] + [
        f"Expertise{i}" for i in range(1, 11)]
    rows = ["\t".join(header)]
    for rid, topic in list(researchers.items())[:3]:
        order = [topic] + [t for t in TOPICS if t != topic]
        grades = ["5.0", "1.0", "1.0", "1.0"]
        rows.append("\t".join([rid, *[f"need-{t}" for t in order], *[""] * 6,
                               *grades, *[""] * 6]))
    (folder / "ratings.tsv").write_text("\n".join(rows) + "\n")


def test_format_maps_researchers_and_shared_papers(tmp_path: Path) -> None:
    write_tiny_benchmark(tmp_path / "bench")
    bench = load_reviewer_benchmark(tmp_path / "bench")
    assert set(bench.ratings) == {"101", "102", "103"}
    assert bench.ratings["102"]["need-leaks"] == 5.0
    records = bench.records()
    shared = next(r for r in records if getattr(r, "id", "") == "p-shared1")
    assert shared.authors == ["r-101", "r-102"]  # type: ignore[union-attr]
    assert bench.own_archive_pairs() == 0


def test_format_errors_name_the_file(tmp_path: Path) -> None:
    write_tiny_benchmark(tmp_path / "bench")
    (tmp_path / "bench" / "papers.json").write_text("{not json")
    with pytest.raises(BenchmarkFormatError, match=r"papers\.json"):
        load_reviewer_benchmark(tmp_path / "bench")
    with pytest.raises(BenchmarkFormatError, match="missing"):
        load_reviewer_benchmark(tmp_path / "nowhere")


@pytest.mark.slow
def test_eval_on_a_tiny_folder_with_the_real_model(tmp_path: Path, real_encoder: Encoder
                                                   ) -> None:
    write_tiny_benchmark(tmp_path / "bench")
    bench = load_reviewer_benchmark(tmp_path / "bench")
    result = evaluate_reviewer_expertise(bench, Settings(), tmp_path / "home", real_encoder)
    assert set(METRIC_KEYS) <= set(result)
    assert set(result["baseline_bm25"]) == set(METRIC_KEYS)
    # each researcher's own topic is the clear top: the matcher orders every pair right
    assert result["loss"] == 0.0 and result["easy_accuracy"] == 1.0
    assert result["mrr"] == 1.0 and result["recall@5"] == 1.0
    assert result["settings"]["aggregation"] == Settings().matching.aggregation
