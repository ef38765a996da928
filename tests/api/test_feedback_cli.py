"""`wellspring feedback add / list` and `wellspring learn` (no model or index loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from indexing.store.suggestions import SuggestedMember
from matcher.reranker import FEATURES
from tests.conftest import TEST_DATA


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path))
    store = SqliteStore(tmp_path / "wellspring.db")
    assert not ingest_paths(store, [TEST_DATA]).errors
    store.close()
    return tmp_path


def test_add_list_and_learn(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = SqliteStore(home / "wellspring.db")
    fb = store.feedback()
    sid = fb.record_suggestion("experts", "leak detection", "p1", [
        SuggestedMember(f"m-000{i}", tuple(float(i + j) for j in range(len(FEATURES))))
        for i in range(1, 9)])
    assert main(["feedback", "add", "--suggestion", sid, "--member", "m-0001",
                 "--outcome", "accepted"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["project_id"] == "p1" and added["key_id"] == "cli"
    assert main(["feedback", "add", "--member", "m-0001", "--outcome", "nope",
                 "--project", "p1"]) == 2
    assert "outcome" in capsys.readouterr().err
    assert main(["feedback", "add", "--suggestion", sid, "--member", "m-0012",
                 "--outcome", "accepted"]) == 2
    assert "member_id" in capsys.readouterr().err
    audit = KeyStore(store).audit_entries()[1]
    assert [a.ids for a in audit if a.kind == "feedback"] == [(added["feedback_id"],)]
    # learning is off until enough outcomes (the setting, or --min-outcomes)
    assert main(["learn"]) == 2
    assert "50 needed" in capsys.readouterr().err
    for i in range(2, 9):
        outcome = "accepted" if i % 2 else "not_relevant"
        assert main(["feedback", "add", "--suggestion", sid, "--member", f"m-000{i}",
                     "--outcome", outcome]) == 0
    capsys.readouterr()
    assert main(["feedback", "list", "--project", "p1"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 8 and {r["member_id"] for r in listed["results"]} == {
        f"m-000{i}" for i in range(1, 9)}
    assert main(["learn", "--min-outcomes", "8"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pairs"] == 8 and report["positive"] == 4
    assert fb.model("experts_rerank") is not None
