"""A rejected record that others depend on is reported once, its dependents counted under it."""

from __future__ import annotations

import json
from pathlib import Path

from indexing.ingest import ingest_paths
from indexing.store import SqliteStore


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _community(folder: Path) -> Path:
    folder.mkdir()
    _write(folder / "organisations.jsonl", [
        {"id": "org-y", "name": "Y Water", "kind": "utility", "country": "KE"},
        {"id": "org-x", "name": "X Body", "kind": "international_body", "country": "CH"},
    ])
    _write(folder / "members.jsonl", [
        {"id": f"m-{i}", "name": f"Member {i}", "organisation_id": "org-x" if i < 40 else
         "org-y", "country": "KE", "level": "active"} for i in range(42)])
    _write(folder / "contributions.jsonl", [
        {"id": f"c-{i}", "type": "publication", "title": f"Paper {i}", "date": "2024-01-01",
         "authors": [f"m-{i % 42}"]} for i in range(200)])
    return folder


def test_one_root_cause_instead_of_200_errors(tmp_path: Path) -> None:
    report = ingest_paths(SqliteStore(tmp_path / "ws.db"), [_community(tmp_path / "in")])
    assert [(e.record_id, e.field, e.line) for e in report.errors] == [("org-x", "kind", 2)]
    members, contributions = report.root_causes
    assert len(members.dependents) == 42 and len(contributions.dependents) == 200
    text = str(members)
    assert text.startswith("42 members refer to organisations of a rejected file: first org-x "
                           "(line 2: kind 'international_body' is not one of utility")
    assert "add it to vocabulary.json" in text
    assert str(contributions).startswith("200 contributions refer to members of a rejected "
                                         "file: first m-0 (line 1: refers to rejected "
                                         "organisation 'org-x')")
    assert report.refused == 243
    assert report.committed_files == []


def test_skip_invalid_keeps_the_independent_records(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    report = ingest_paths(store, [_community(tmp_path / "in")], skip_invalid=True)
    assert store.counts() == {"organisations": 1, "members": 2, "contributions": 8}
    members, contributions = report.root_causes
    assert str(members).startswith("40 members refer to rejected organisations: first org-x")
    assert len(contributions.dependents) == 192


def test_dry_run_writes_nothing_and_says_what_it_would(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder / "organisations.jsonl", [{"id": "org-y", "name": "Y", "kind": "utility"}])
    report = ingest_paths(store, [folder], dry_run=True)
    assert report.result.inserted == 1 and report.plan is not None
    assert report.plan.outcomes["organisations"]["inserted"] == ["org-y"]
    assert store.counts()["organisations"] == 0


def test_a_rejected_new_version_keeps_the_stored_record_usable(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    first = tmp_path / "first"
    first.mkdir()
    _write(first / "organisations.jsonl", [{"id": "org-y", "name": "Y", "kind": "utility"}])
    assert not ingest_paths(store, [first]).errors
    second = tmp_path / "second"
    second.mkdir()
    _write(second / "organisations.jsonl", [{"id": "org-y", "name": "Y", "kind": "cartel"}])
    _write(second / "members.jsonl", [{"id": "m-1", "name": "M", "organisation_id": "org-y",
                                       "country": "KE", "level": "core"}])
    report = ingest_paths(store, [second])
    assert [e.field for e in report.errors] == ["kind"] and not report.root_causes
    assert store.get_member("m-1").organisation_id == "org-y"
    assert store.get_organisation("org-y").kind == "utility"
