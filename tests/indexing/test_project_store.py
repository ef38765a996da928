"""Project records in the store (issue #30), on SQLite and PostgreSQL: statuses with history,
who sees what, migration 10 from free-string project ids, erasure, backup and restore."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexing.backup import backup, restore
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.feedback import OUTCOMES
from indexing.store.keys import KeyStore
from indexing.store.projects import (
    PERSON_STATUSES,
    Exclusions,
    Project,
    ProjectNeed,
    ProjectStore,
    status_kind,
)
from indexing.store.say import SayStore
from indexing.store.suggestions import SuggestedMember
from tests.conftest import TEST_DATA, make_settings


def _project(pid: str, owner: str, spaces: tuple[str, ...] = ()) -> Project:
    return Project(pid, "Boues", "Nous cherchons ...", (
        ProjectNeed("gestion des boues de vidange", "fr", True, "Nous cherchons ..."),),
        4, Exclusions(("m-0012",), (), ("FR",)), owner, spaces, "open",
        "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "postgres":
        from indexing.store.postgres import PostgresStore

        s: Any = PostgresStore(request.getfixturevalue("pg_url"))
    else:
        s = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(s, [TEST_DATA]).errors
    KeyStore(s)  # the audit log, which erasure rewrites
    yield s
    s.close()


def test_the_vocabulary_is_one_with_the_feedback_outcomes() -> None:
    assert set(OUTCOMES) < set(PERSON_STATUSES)
    kinds = {s: status_kind(s) for s in PERSON_STATUSES}
    assert kinds == {"suggested": "workflow", "shortlisted": "workflow",
                     "contacted": "positive", "accepted": "positive",
                     "declined_not_my_field": "negative", "declined_busy": "neutral",
                     "not_relevant": "negative", "withdrawn": "workflow"}


def test_records_statuses_history_and_visibility(store: Any) -> None:
    projects = ProjectStore(store)
    projects.create(_project("p-1", "k-owner", ("nrw-taskforce",)))
    projects.create(_project("p-2", "k-other"))
    got = projects.get("p-1")
    assert got == _project("p-1", "k-owner", ("nrw-taskforce",))
    assert projects.get("p-missing") is None
    assert projects.add_suggested("p-1", "k-owner", [("m-0001", "team", ("leaks",), "s-1"),
                                                     ("m-0004", "invitation", (), None)]) == 2
    assert projects.add_suggested("p-1", "k-owner", [("m-0001", "team", (), "s-2")]) == 0
    projects.set_status("p-1", "m-0001", "contacted", "", "k-owner")
    person = projects.set_status("p-1", "m-0001", "accepted", "yes", "k-owner")
    assert person.status == "accepted" and person.suggestion_id == "s-1"
    assert person.covers == ("leaks",) and person.role == "team"
    assert [(h.status, h.note) for h in person.history] == [
        ("suggested", ""), ("contacted", ""), ("accepted", "yes")]
    # who sees what: the owner, a key sharing a space, admins (None); not others
    assert [p.project_id for p in projects.visible("k-owner", frozenset(), None, 10, 0)[1]] \
        == ["p-1"]
    assert projects.visible("k-x", frozenset({"nrw-taskforce"}), None, 10, 0)[0] == 1
    assert projects.visible("k-x", frozenset({"elsewhere"}), None, 10, 0)[0] == 0
    assert projects.visible(None, None, "open", 10, 0)[0] == 2
    closed = projects.save(_project("p-2", "k-other").__class__(
        **{**_project("p-2", "k-other").__dict__, "status": "closed"}))
    assert closed.status == "closed" and projects.visible(None, None, "open", 10, 0)[0] == 1
    # a member's export and erasure cover their project statuses
    say = SayStore(store)
    rows = say.rows_about("m-0001")
    assert [r["status"] for r in rows["project_statuses"]] == ["accepted"]
    assert len(rows["project_history"]) == 3
    with store.transaction() as conn:
        counts = say.erase_rows(conn, "m-0001")
    assert counts["project_people"] == 1 and counts["project_history"] == 3
    assert [p.member_id for p in projects.people("p-1")] == ["m-0004"]


def test_migration_10_turns_free_project_ids_into_records(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    store = SqliteStore(path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    fb = store.feedback()
    sid = fb.record_suggestion("experts", "leak detection", "p-free",
                               [SuggestedMember("m-0001", (0.5,))])
    fb.add_feedback("k-coord", "m-0001", "contacted", sid)
    fb.add_feedback("k-coord", "m-0001", "declined_busy", project_id="p-free")
    fb.record_suggestion("team", "sludge", "p-only-suggested", [SuggestedMember("m-0004", ())])
    store.close()
    conn = sqlite3.connect(path)
    for table in ("projects", "project_people", "project_history"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE meta SET value='9' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    store = SqliteStore(path)  # migrated again
    projects = ProjectStore(store)
    free = projects.get("p-free")
    assert free is not None and free.owner == "k-coord" and free.spaces == ()
    assert free.status == "open" and free.title == "p-free"
    person = projects.person("p-free", "m-0001")
    assert person is not None and person.status == "declined_busy"
    assert [h.status for h in person.history] == ["contacted", "declined_busy"]
    only = projects.get("p-only-suggested")
    assert only is not None and only.owner is None  # the admins' alone
    store.close()


def test_a_project_survives_backup_and_restore(community_home: Path, tmp_path: Path) -> None:
    settings = make_settings(community_home)
    store = SqliteStore(settings.storage.database_path)
    ProjectStore(store).create(_project("p-kept", "k-owner", ("nrw-taskforce",)))
    ProjectStore(store).set_status("p-kept", "m-0001", "shortlisted", "call", "k-owner")
    store.close()
    backup(settings, tmp_path / "bk")
    fresh = make_settings(tmp_path / "elsewhere")
    restore(tmp_path / "bk", fresh)
    restored = SqliteStore(fresh.storage.database_path)
    projects = ProjectStore(restored)
    assert projects.get("p-kept") == _project("p-kept", "k-owner", ("nrw-taskforce",)) \
        .__class__(**{**_project("p-kept", "k-owner", ("nrw-taskforce",)).__dict__,
                      "updated_at": projects.get("p-kept").updated_at})  # type: ignore[union-attr]
    person = projects.person("p-kept", "m-0001")
    assert person is not None and person.status == "shortlisted" and person.note == "call"
    restored.close()


def test_wellspring_migrate_copies_projects_into_postgresql(pg_url: str, tmp_path: Path
                                                            ) -> None:
    from indexing.store.copy import copy_sqlite_to_postgres
    from indexing.store.postgres import PostgresStore

    source = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(source, [TEST_DATA]).errors
    ProjectStore(source).create(_project("p-moved", "k-owner", ("nrw-taskforce",)))
    ProjectStore(source).set_status("p-moved", "m-0004", "contacted", "mail sent", "k-owner")
    source.close()
    target = PostgresStore(pg_url)
    copied = copy_sqlite_to_postgres(tmp_path / "ws.db", target)
    assert copied["projects"] == 1 and copied["project_history"] == 1
    projects = ProjectStore(target)
    moved = projects.get("p-moved")
    assert moved is not None and moved.spaces == ("nrw-taskforce",)
    person = projects.person("p-moved", "m-0004")
    assert person is not None and (person.status, person.note) == ("contacted", "mail sent")
    target.close()
