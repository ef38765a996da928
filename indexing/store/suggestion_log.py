"""Suggestions written in groups: one commit for the answers of a few milliseconds.

Every /experts, team and invitation answer is stored as a suggestion (issue #20). Written one
by one, each answer was a write transaction of its own, with its own ``fsync`` (SQLite,
``synchronous=FULL``) behind the store's single writer: under 50 concurrent callers the answers
queued on that commit (measured: 26.7 requests/s with it, docs/BENCHMARKS.md). The id of a
suggestion is derived from its content, so an answer can carry it before it is stored.

``SuggestionLog(store, flush_ms)``:

* ``flush_ms == 0``: ``record`` writes at once (the CLI, evaluations, tests);
* ``flush_ms > 0``: ``record`` queues and returns the id; a writer thread commits what is queued
  every ``flush_ms`` (or sooner when ``max_pending`` answers wait) in one transaction;
* ``flush()`` returns once everything recorded before it is committed: feedback naming a
  suggestion this process just answered flushes first, so it always finds it;
* ``close()`` flushes and stops the thread (the service's shutdown).

With ``prune`` (the service: ``Feedback.prune_expired``), the writer thread also deletes what is
past its retention, when it starts and then at most every ``PRUNE_EVERY_S``.

A failed commit is logged and retried at the next flush; the queue is bounded (the oldest
answers' suggestions are dropped past ``max_queued``, with a warning): a suggestion is what
feedback names, not a record, and the answer itself was already given. What a crash can lose is
the last ``flush_ms`` of suggestions; feedback on one of them can still name the project and
member. Replicas: another process sees a suggestion at most ``flush_ms`` after it was answered.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence

from indexing.store.feedback import FeedbackStore
from indexing.store.suggestions import PendingSuggestion, SuggestedMember

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 3600.0


def completed(batch: list[PendingSuggestion]) -> list[PendingSuggestion]:
    """The suggestions with their members' features filled in (``PendingSuggestion.complete``);
    one whose features cannot be computed keeps its members without them."""
    out = []
    for p in batch:
        if p.complete is not None:
            try:
                members = tuple(p.complete())
            except Exception:  # the answer was given; the suggestion is kept without features
                log.exception("suggestion log: features of %s failed", p.suggestion_id)
                members = p.members
            if [m.member_id for m in members] != [m.member_id for m in p.members]:
                members = p.members  # never change who was suggested
            p = dataclasses.replace(p, members=members, complete=None)
        out.append(p)
    return out


class SuggestionLog:
    """Answers' suggestions, committed in groups by one writer thread (or at once)."""

    def __init__(self, store: FeedbackStore, flush_ms: float = 0.0, max_pending: int = 256,
                 max_queued: int = 100_000, prune: Callable[[], object] | None = None) -> None:
        self.store = store
        self.prune = prune
        self._pruned_at = -PRUNE_EVERY_S  # monotonic time of the last prune
        self.interval = flush_ms / 1000.0
        self.max_pending = max_pending
        self.max_queued = max_queued
        self._cond = threading.Condition()
        self._queue: list[PendingSuggestion] = []
        self._recorded = 0  # suggestions queued so far
        self._committed = 0  # of those, committed (or dropped)
        self._closed = False
        self._flush_wanted = False
        self._thread: threading.Thread | None = None
        if self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="suggestion-log", daemon=True)
            self._thread.start()

    def record(self, kind: str, need: str, project_id: str | None,
               members: Sequence[SuggestedMember], shown: bool = False,
               complete: Callable[[], Sequence[SuggestedMember]] | None = None) -> str:
        """The suggestion's id; stored now (``flush_ms`` 0) or by the next group commit.
        ``complete``, when given, returns the same members with their ranking features: it is
        called when the suggestion is committed, by the writer thread (off the answer's path;
        an error there stores the suggestion without features, logged)."""
        pending = PendingSuggestion.of(kind, need, project_id, members, shown, complete)
        if self._thread is None:
            self.store.record_suggestions(completed([pending]))
            return pending.suggestion_id
        with self._cond:
            if self._closed:
                raise RuntimeError("the suggestion log is closed")
            self._queue.append(pending)
            self._recorded += 1
            if len(self._queue) > self.max_queued:  # the store has been failing for a while
                del self._queue[0]
                self._committed += 1
                log.warning("suggestion log: over %d suggestions waiting, the oldest dropped",
                            self.max_queued)
            if len(self._queue) >= self.max_pending:
                self._cond.notify_all()
        return pending.suggestion_id

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every suggestion recorded before this call is committed; False when it
        did not happen within ``timeout`` seconds (the store failing)."""
        if self._thread is None:
            return True
        with self._cond:
            target = self._recorded
            self._flush_wanted = True  # the writer commits now instead of at its next interval
            self._cond.notify_all()
            return self._cond.wait_for(lambda: self._committed >= target, timeout)

    def close(self) -> None:
        """Commit what is queued and stop the writer thread."""
        if self._thread is None:
            return
        self.flush()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=30)

    def _prune_when_due(self) -> None:
        if self.prune is None or time.monotonic() - self._pruned_at < PRUNE_EVERY_S:
            return
        self._pruned_at = time.monotonic()
        try:
            self.prune()
        except Exception:  # retried at the next interval; answers never wait for it
            log.exception("suggestion log: pruning past the retention failed")

    def _run(self) -> None:
        while True:
            self._prune_when_due()
            with self._cond:  # gather a group: at most one commit per interval, unless asked
                self._cond.wait_for(lambda: self._closed or self._flush_wanted
                                    or len(self._queue) >= self.max_pending, self.interval)
                self._flush_wanted = False
                if not self._queue:
                    if self._closed:
                        return
                    continue
                batch, self._queue = self._queue, []
            try:
                batch = completed(batch)
                self.store.record_suggestions(batch)
            except Exception:  # logged and retried: the answers were already given
                log.exception("suggestion log: committing %d suggestion(s) failed; retrying",
                              len(batch))
                with self._cond:
                    self._queue[:0] = batch
                    if self._closed:  # shutting down on a failing store: give up, said above
                        self._committed += len(self._queue)
                        self._queue = []
                        self._cond.notify_all()
                        return
                continue
            with self._cond:
                self._committed += len(batch)
                self._cond.notify_all()
