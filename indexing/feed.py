"""A replica follows the store's change feed (``store/changes.py``) into its own indexes.

Several ``wellspring serve`` processes share one PostgreSQL store; each holds its own FAISS
indexes in memory (and its own index folder). A write on one replica commits to the store with
its change rows and is visible there at once (the writer syncs its indexes itself); every other
replica learns of it from ``NOTIFY`` (the sequence only) and, should a notification be missed,
from a poll every ``feed_poll_seconds`` and after each reconnect. It then reads the changes after
the last sequence it applied and syncs exactly those records (by content hash, so re-applying a
change is harmless and the writer's own changes cost only a comparison).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from indexing.store.changes import CHANNEL, Change
from indexing.store.protocol import Store
from indexing.store.records import WriteResult

log = logging.getLogger(__name__)
BATCH = 5000


def changes_as_result(store: Store, changes: Sequence[Change]) -> WriteResult:
    """What a run of changes asks of the indexes: the changed and deleted members and
    contributions (an organisation's change touches its members: they show its name)."""
    result = WriteResult()
    for c in changes:
        if c.kind == "member":
            (result.deleted_members if c.op == "delete" else result.changed_members).add(
                c.record_id)
        elif c.kind == "contribution":
            (result.deleted_contributions if c.op == "delete"
             else result.changed_contributions).add(c.record_id)
        elif c.kind == "organisation" and c.op == "upsert":
            result.changed_members |= set(store.member_ids_of_organisation(c.record_id))
    result.changed_members -= result.deleted_members  # deleted later in the same run
    result.changed_contributions -= result.deleted_contributions
    return result


@dataclass
class FeedStatus:
    applied_sequence: int
    latest_sequence: int
    lag_seconds: float  # age of the oldest change not applied yet (0 when caught up)
    listening: bool
    last_applied_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"applied_sequence": self.applied_sequence,
                "latest_sequence": self.latest_sequence,
                "lag_changes": self.latest_sequence - self.applied_sequence,
                "lag_seconds": round(self.lag_seconds, 3), "listening": self.listening,
                "last_applied_at": self.last_applied_at}


class ChangeFollower:
    """Applies committed changes after ``applied`` through ``apply(result, up_to_sequence)``
    (the community's sync under its write lock), on notification, on a timer and after a
    reconnect, in a daemon thread."""

    def __init__(self, store: Store, apply: Callable[[WriteResult, int], None], applied: int,
                 listen_url: str | None = None, poll_s: float = 1.0) -> None:
        self.store = store
        self._apply = apply
        self.applied = applied
        self.listen_url = listen_url
        self.poll_s = poll_s
        self.listening = False
        self.last_applied_at: str | None = None
        self._lock = threading.Lock()  # one catch-up at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- applying ----------------------------------------------------------------------------
    def catch_up(self) -> int:
        """Apply every committed change after the applied sequence; returns how many."""
        applied = 0
        with self._lock:
            while True:
                changes = self.store.changes_since(self.applied, BATCH)
                if not changes:
                    return applied
                self._apply(changes_as_result(self.store, changes), changes[-1].seq)
                self.applied = changes[-1].seq
                self.last_applied_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
                applied += len(changes)

    def pending(self) -> bool:
        """Whether a change after the applied sequence is committed (one indexed read)."""
        return self.store.change_sequence() > self.applied

    def status(self) -> FeedStatus:
        latest = self.store.change_sequence()
        lag = 0.0
        if latest > self.applied:
            pending = self.store.changes_since(self.applied, 1)
            if pending:
                at = dt.datetime.fromisoformat(pending[0].at)
                lag = max(0.0, (dt.datetime.now(dt.UTC) - at).total_seconds())
        return FeedStatus(self.applied, latest, lag, self.listening, self.last_applied_at)

    # -- the thread --------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wellspring-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.listen_url:
                    self._listen()
                else:
                    self._safe_catch_up()
                    self._stop.wait(self.poll_s)
            except Exception:  # a lost connection: poll until it is back, then listen again
                self.listening = False
                log.warning("change feed: connection lost; retrying", exc_info=True)
                self._stop.wait(self.poll_s)

    def _listen(self) -> None:
        import psycopg

        with psycopg.connect(self.listen_url or "", autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening = True
            self._safe_catch_up()  # what was committed before LISTEN, or while disconnected
            while not self._stop.is_set():
                # wake on a notification, or after poll_s (a missed notification is caught)
                for _ in conn.notifies(timeout=self.poll_s, stop_after=1):
                    pass
                self._safe_catch_up()

    def _safe_catch_up(self) -> None:
        started = time.perf_counter()
        try:
            n = self.catch_up()
        except Exception:
            log.exception("change feed: applying changes failed; will retry")
            return
        if n:
            log.info("change feed: applied %d change(s) up to %d in %.0f ms", n, self.applied,
                     1000 * (time.perf_counter() - started))
