"""`wellspring eval`: the JSON contract on tiny folders, and errors that name the argument."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from matcher.benchmarks import METRIC_KEYS
from tests.conftest import TEST_DATA
from tests.matcher.test_evaluation import write_tiny_benchmark


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.slow
def test_eval_reviewer_expertise_json(home: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    write_tiny_benchmark(tmp_path / "bench")
    assert main(["eval", "reviewer-expertise", "--data", str(tmp_path / "bench"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {*METRIC_KEYS, "baseline_bm25", "settings", "seconds"}
    assert set(out["baseline_bm25"]) == set(METRIC_KEYS)
    assert 0.0 <= out["loss"] <= 0.5 and out["mrr"] > 0.5
    assert out["settings"]["fusion"] and out["settings"]["aggregation"]
    assert not home.exists()  # the served community's home is never touched


@pytest.mark.slow
def test_eval_reviewer_expertise_table(home: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    write_tiny_benchmark(tmp_path / "bench")
    assert main(["eval", "reviewer-expertise", "--data", str(tmp_path / "bench")]) == 0
    text = capsys.readouterr().out
    for key in METRIC_KEYS:
        assert key in text
    assert "bm25" in text and "settings:" in text


def test_eval_reviewer_expertise_bad_folder(home: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "reviewer-expertise", "--data", str(tmp_path / "none")]) == 2
    assert "--data" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["eval", "reviewer-expertise", "--data", str(tmp_path / "empty")]) == 2
    assert "ratings.tsv" in capsys.readouterr().err


@pytest.mark.slow
def test_eval_water_on_the_test_community(home: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    queries = tmp_path / "needs.jsonl"
    queries.write_text("\n".join(json.dumps(q) for q in [
        {"id": "q1", "need": "acoustic leak detection in district metered areas",
         "relevance": {"m-0001": 3, "m-0007": 1}},
        {"id": "q2", "need": "managed aquifer recharge with infiltration basins",
         "relevance": {"m-0002": 3}},
    ]) + "\n")
    assert main(["eval", "water", "--queries", str(queries), "--data", str(TEST_DATA),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["needs"] == 2
    assert out["mrr"] == 1.0 and out["ndcg@10"] > 0.8
    assert {"ndcg@10", "mrr"} <= set(out["baseline_bm25"])


def test_eval_water_bad_queries(home: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "q1", "text": 3}\n')
    assert main(["eval", "water", "--queries", str(bad), "--data", str(TEST_DATA)]) == 2
    assert "--queries" in capsys.readouterr().err
