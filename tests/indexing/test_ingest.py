"""Ingest: all-or-nothing per file, references checked, idempotent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from tests.conftest import TEST_DATA


def test_ingest_sample_then_rerun_changes_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    first = ingest_paths(store, [TEST_DATA])
    assert not first.errors
    assert first.result.inserted == 6 + 12 + 41
    again = ingest_paths(store, [TEST_DATA])
    assert again.result.inserted == again.result.updated == 0
    assert again.result.unchanged == 59
    assert store.counts() == {"organisations": 6, "members": 12, "contributions": 41}


def test_bad_file_commits_nothing_from_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(TEST_DATA, folder)
    lines = (folder / "contributions.jsonl").read_text().splitlines()
    bad = json.loads(lines[0])
    bad["id"] = "c-new"
    bad["authors"] = ["m-9999"]
    lines.append(json.dumps(bad))
    (folder / "contributions.jsonl").write_text("\n".join(lines) + "\n")
    store = SqliteStore(tmp_path / "ws.db")
    report = ingest_paths(store, [folder])
    assert [(e.field, e.record_id) for e in report.errors] == [("authors", "c-new")]
    assert "m-9999" in report.errors[0].message
    assert report.errors[0].line == len(lines)
    counts = store.counts()
    assert counts["members"] == 12  # the good files went in
    assert counts["contributions"] == 0  # nothing from the bad one


def test_skip_invalid_commits_good_records(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(TEST_DATA, folder)
    with (folder / "contributions.jsonl").open("a") as fh:
        fh.write("{broken\n")
    store = SqliteStore(tmp_path / "ws.db")
    report = ingest_paths(store, [folder], skip_invalid=True)
    assert len(report.errors) == 1
    assert store.counts()["contributions"] == 41


def test_member_with_unknown_organisation(tmp_path: Path) -> None:
    path = tmp_path / "members.jsonl"
    path.write_text(json.dumps({
        "id": "m-x", "name": "X", "organisation_id": "org-nope", "country": "FR",
        "level": "core",
    }) + "\n")
    report = ingest_paths(SqliteStore(tmp_path / "ws.db"), [path])
    assert report.errors[0].field == "organisation_id"
    assert report.committed_files == []


def test_update_is_detected(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    ingest_paths(store, [TEST_DATA])
    folder = tmp_path / "in"
    folder.mkdir()
    member = json.loads((TEST_DATA / "members.jsonl").read_text().splitlines()[0])
    member["bio"] = "Now works on something else entirely."
    (folder / "members.jsonl").write_text(json.dumps(member) + "\n")
    report = ingest_paths(store, [folder])
    assert report.result.updated == 1
    assert report.result.changed_members == {member["id"]}
    assert store.get_member(member["id"]).bio.startswith("Now works")
