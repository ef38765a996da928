"""FeedbackStore: suggestions, validated feedback, exposure, models; deleted with the member."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.feedback import FeedbackStore, InvalidFeedback
from indexing.store.migrations import LATEST
from indexing.store.suggestions import LEGACY_SCALE, RELEVANCE_SCALE, SuggestedMember
from tests.conftest import TEST_DATA


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SqliteStore:
    """Both backends (the feedback SQL runs on PostgreSQL through pg_dialect.py)."""
    if request.param == "postgres":
        from indexing.store.postgres import PostgresStore

        s: Any = PostgresStore(request.getfixturevalue("pg_url"))
    else:
        s = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(s, [TEST_DATA]).errors
    return s  # type: ignore[no-any-return]


@pytest.fixture
def fb(store: SqliteStore) -> FeedbackStore:
    return store.feedback()


def _suggest(fb: FeedbackStore, project: str | None = "p1") -> str:
    return fb.record_suggestion("experts", "Leak detection", project, [
        SuggestedMember("m-0001", (0.7, 1.0)), SuggestedMember("m-0009", (0.6, 0.5))])


def test_suggestions_are_content_addressed_and_kept_in_order(fb: FeedbackStore) -> None:
    sid = _suggest(fb)
    assert _suggest(fb) == sid  # same answer, same id, stored once
    assert fb.record_suggestion("experts", "  leak   DETECTION ", "p1", [
        SuggestedMember("m-0001", (0.7, 1.0)), SuggestedMember("m-0009", (0.6, 0.5))]) == sid
    assert _suggest(fb, "p2") != sid
    found = fb.suggestion(sid)
    assert found is not None and found.member_ids == ("m-0001", "m-0009")
    assert found.project_id == "p1" and found.members[0].features == (0.7, 1.0)
    assert "leak" not in found.need_hash.lower()  # a hash, never the need's text


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"member_id": "m-0001", "outcome": "loved_it"}, "outcome"),
    ({"member_id": "m-0001", "outcome": "accepted", "suggestion_id": "s-nope"}, "suggestion_id"),
    ({"member_id": "m-0002", "outcome": "accepted", "suggestion": True}, "member_id"),
    ({"member_id": "m-0001", "outcome": "accepted", "suggestion": True, "project_id": "other"},
     "project_id"),
    ({"member_id": "m-9999", "outcome": "accepted", "project_id": "p1"}, "member_id"),
    ({"member_id": "m-0001", "outcome": "accepted"}, "suggestion_id"),
])
def test_feedback_is_validated_naming_the_field(fb: FeedbackStore, kwargs: dict[str, object],
                                                field: str) -> None:
    sid = _suggest(fb)
    args = dict(kwargs)
    if args.pop("suggestion", False):
        args["suggestion_id"] = sid
    with pytest.raises(InvalidFeedback) as err:
        fb.add_feedback("k1", **args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert fb.count_outcomes() == 0


def test_feedback_drives_declines_busy_and_training_rows(fb: FeedbackStore) -> None:
    sid = _suggest(fb)
    entry = fb.add_feedback("k1", "m-0001", "not_relevant", suggestion_id=sid)
    assert entry.project_id == "p1"  # inherited from the suggestion
    fb.add_feedback("k1", "m-0009", "declined_busy", suggestion_id=sid)
    fb.add_feedback("k1", "m-0002", "accepted", project_id="p1")  # no suggestion: member exists
    assert fb.declined_for_project("p1") == {"m-0001", "m-0009"}
    assert fb.declined_for_project("p2") == frozenset()
    assert fb.busy_since("2000-01-01") == {"m-0009"}
    assert fb.busy_since("2999-01-01") == frozenset()
    assert fb.outcome_counts() == {"m-0001": (0, 1), "m-0009": (0, 0), "m-0002": (1, 0)}
    # only outcomes on suggested members with features are training rows
    assert sorted(o for _, o in fb.training_rows()) == ["declined_busy", "not_relevant"]
    total, entries = fb.feedback_entries(member_id="m-0001")
    assert total == 1 and entries[0].outcome == "not_relevant"


def test_exposure_and_models(fb: FeedbackStore) -> None:
    sid = _suggest(fb)
    fb.mark_shown(sid, "experts", ["m-0001", "m-0009"])
    fb.mark_shown(sid, "experts", ["m-0001"])
    assert fb.exposure_counts("2000-01-01") == {"m-0001": 2, "m-0009": 1}
    assert fb.exposure_counts("2999-01-01") == {}
    assert fb.suggested_counts("2000-01-01") == {"m-0001": 1, "m-0009": 1}
    assert fb.model("m") is None and fb.model_version("m") is None
    first = fb.save_model("m", {"coef": [1.0]})
    second = fb.save_model("m", {"coef": [2.0]})
    assert first.version != second.version == fb.model_version("m")
    stored = fb.model("m")
    assert stored is not None and stored.data == {"coef": [2.0]}


def test_deleting_a_member_deletes_their_feedback_and_exposure(store: SqliteStore,
                                                               fb: FeedbackStore) -> None:
    sid = _suggest(fb)
    fb.add_feedback("k1", "m-0009", "accepted", suggestion_id=sid)
    fb.add_feedback("k1", "m-0001", "accepted", suggestion_id=sid)
    fb.mark_shown(sid, "experts", ["m-0001", "m-0009"])
    with store.transaction() as conn:
        store.delete_member(conn, "m-0009")
    assert fb.feedback_entries(member_id="m-0009")[0] == 0
    assert fb.feedback_entries(member_id="m-0001")[0] == 1
    assert "m-0009" not in fb.exposure_counts("2000-01-01")
    found = fb.suggestion(sid)
    assert found is not None and found.member_ids == ("m-0001",)


def test_migrations_add_the_tables_to_an_older_store(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    for table in ("suggestions", "suggestion_members", "feedback", "exposure", "ranking_models"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE meta SET value='3' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    reopened = SqliteStore(path)
    version = reopened.connection().execute(
        "SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert int(version) == LATEST
    assert reopened.feedback().count_outcomes() == 0


def test_prune_keeps_what_feedback_names_and_recent_rows(fb: FeedbackStore) -> None:
    """#26 item 6: suggestions past their retention go unless feedback names them; exposure
    past the window goes."""
    named = _suggest(fb, "p1")
    fb.add_feedback("k", "m-0001", "accepted", named)
    fb.record_suggestion("team", "Other need", None, [SuggestedMember("m-0002", ())])
    fb.mark_shown(named, "experts", ["m-0001"])
    assert fb.prune("2000-01-01T00:00:00+00:00", "2000-01-01T00:00:00+00:00") == (0, 0)
    assert fb.prune("2999-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00") == (1, 1)
    assert fb.suggestion(named) is not None  # feedback names it: kept (training rows)
    assert fb.training_rows()  # still readable with its features
    conn = fb.store.connection()
    assert conn.execute("SELECT COUNT(*) FROM suggestions").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM suggestion_members").fetchone()[0] == 2


def test_the_service_log_prunes_when_it_starts(store: SqliteStore) -> None:
    from indexing.store.suggestion_log import SuggestionLog

    pruned: list[int] = []
    log = SuggestionLog(store.feedback(), flush_ms=5, prune=lambda: pruned.append(1))
    log.record("experts", "leak", None, [SuggestedMember("m-0001", ())])
    assert log.flush()
    log.close()
    assert pruned == [1]  # once at start, then hourly (PRUNE_EVERY_S)


def test_rows_recorded_before_scales_read_as_legacy_and_are_kept_apart(
        fb: FeedbackStore, store: SqliteStore) -> None:
    """Issue #27: features stored as a bare list (before the relevance scale) are the legacy
    scale; new rows name their scale; ``training_rows(scale)`` keeps them apart."""
    sid = _suggest(fb)
    with store.transaction() as tx:  # as a store written before issue #27 holds it
        tx.execute("UPDATE suggestion_members SET features=? WHERE member_id=?",
                   ("[0.7, 1.0]", "m-0009"))
    stored = fb.suggestion(sid)
    assert stored is not None
    scales = {m.member_id: m.scale for m in stored.members}
    assert scales == {"m-0001": RELEVANCE_SCALE, "m-0009": LEGACY_SCALE}
    assert {m.member_id: m.features for m in stored.members} == {
        "m-0001": (0.7, 1.0), "m-0009": (0.7, 1.0)}
    fb.add_feedback("k1", "m-0001", "accepted", suggestion_id=sid)
    fb.add_feedback("k1", "m-0009", "not_relevant", suggestion_id=sid)
    assert [o for _, o in fb.training_rows(RELEVANCE_SCALE)] == ["accepted"]
    assert [o for _, o in fb.training_rows(LEGACY_SCALE)] == ["not_relevant"]
    assert len(fb.training_rows()) == 2
