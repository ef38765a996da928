"""SuggestionLog: answers' suggestions committed in groups, on a real SQLite store."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.feedback import FeedbackStore
from indexing.store.suggestion_log import SuggestionLog
from indexing.store.suggestions import PendingSuggestion, SuggestedMember
from tests.conftest import TEST_DATA

MEMBERS = [SuggestedMember("m-0001", (0.7,)), SuggestedMember("m-0009", (0.6,))]


class CountingStore(FeedbackStore):
    """The real feedback store, counting its commits; ``fail`` first calls raise."""

    def __init__(self, store: SqliteStore, fail: int = 0) -> None:
        super().__init__(store)
        self.commits: list[int] = []
        self.fail = fail

    def record_suggestions(self, pending: Sequence[PendingSuggestion]) -> None:
        if self.fail:
            self.fail -= 1
            raise OSError("disk full (injected)")
        super().record_suggestions(pending)
        self.commits.append(len(pending))


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    s = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(s, [TEST_DATA]).errors
    return s


def test_concurrent_answers_share_commits_and_flush_finds_them_all(store: SqliteStore) -> None:
    fb = CountingStore(store)
    log = SuggestionLog(fb, flush_ms=50)
    ids: list[str] = []
    lock = threading.Lock()

    def answer(worker: int) -> None:
        for i in range(10):
            sid = log.record("experts", f"need {worker}.{i}", None, MEMBERS)
            with lock:
                ids.append(sid)

    threads = [threading.Thread(target=answer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert log.flush(timeout=10)
    assert len(set(ids)) == 80
    for sid in ids:
        found = fb.suggestion(sid)
        assert found is not None and found.member_ids == ("m-0001", "m-0009")
    assert sum(fb.commits) == 80 and len(fb.commits) < 80  # groups, not one commit each
    log.close()


def test_flush_commits_now_not_at_the_next_interval(store: SqliteStore) -> None:
    fb = CountingStore(store)
    log = SuggestionLog(fb, flush_ms=10_000)  # a commit only when asked within this test
    sid = log.record("experts", "leak detection", "p1", MEMBERS, shown=True)
    assert fb.suggestion(sid) is None  # queued
    assert log.flush(timeout=5)
    assert fb.suggestion(sid) is not None
    assert fb.exposure_counts("2000-01-01") == {"m-0001": 1, "m-0009": 1}
    log.close()


def test_close_commits_what_is_queued_and_refuses_more(store: SqliteStore) -> None:
    fb = CountingStore(store)
    log = SuggestionLog(fb, flush_ms=10_000)
    sids = [log.record("team", f"brief {i}", None, MEMBERS) for i in range(3)]
    log.close()
    assert all(fb.suggestion(s) is not None for s in sids)
    with pytest.raises(RuntimeError, match="closed"):
        log.record("team", "late", None, MEMBERS)


def test_a_failed_commit_is_retried(store: SqliteStore, caplog: pytest.LogCaptureFixture
                                    ) -> None:
    fb = CountingStore(store, fail=1)
    log = SuggestionLog(fb, flush_ms=20)
    sid = log.record("experts", "sludge", None, MEMBERS)
    assert log.flush(timeout=10)
    assert fb.suggestion(sid) is not None
    assert "failed; retrying" in caplog.text
    log.close()


def test_without_an_interval_it_writes_at_once(store: SqliteStore) -> None:
    fb = CountingStore(store)
    log = SuggestionLog(fb)
    sid = log.record("experts", "sludge", None, MEMBERS)
    assert fb.suggestion(sid) is not None and fb.commits == [1]
    assert log.flush()
    assert not any(t.name == "suggestion-log" for t in threading.enumerate())
    log.close()


def test_a_member_deleted_before_the_commit_is_left_out(store: SqliteStore) -> None:
    fb = FeedbackStore(store)
    log = SuggestionLog(fb, flush_ms=10_000)
    sid = log.record("experts", "leak detection", None, MEMBERS, shown=True)
    with store.transaction() as conn:
        store.delete_member(conn, "m-0009")
    log.close()
    found = fb.suggestion(sid)
    assert found is not None and found.member_ids == ("m-0001",)
    assert fb.exposure_counts("2000-01-01") == {"m-0001": 1}
