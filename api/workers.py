"""One worker of several ``wellspring serve`` processes over one home (issue #33), as the worker
sees it: where it stands among the others, when all of them are ready, and what it does before
each request.

The supervisor (``api/supervisor.py``) starts ``count`` workers sharing one listening socket and
owns a run folder: ``ready/<index>`` is written by a worker once it is warm and removed by the
supervisor when that worker dies; ``metrics/`` is prometheus_client's multiprocess folder. Each
worker has its own index folder and follows the store's change feed (``indexing/feed.py``):

* **reads its caller's writes**: before a request, a worker reads the feed's latest sequence
  (one ``SELECT max(seq)`` on the SQLite change table) and, when it is behind, applies the
  pending changes first: a write acknowledged by any worker is visible in the next answer of
  every worker;
* an idle worker polls the feed every ``feed_poll_seconds`` as well.

Every answer carries ``X-Wellspring-Worker: <index>`` (which worker answered).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexing.community import Community
from indexing.settings import Settings

WORKER_HEADER = "X-Wellspring-Worker"
READY_FOLDER = "ready"
METRICS_FOLDER = "metrics"


@dataclass(frozen=True)
class WorkerPlace:
    """Worker ``index`` (0-based) of ``count`` over one home; ``run_dir``: the supervisor's."""

    index: int
    count: int
    run_dir: Path

    def _ready_file(self, index: int) -> Path:
        return self.run_dir / READY_FOLDER / str(index)

    def mark_ready(self) -> None:
        """Say this worker is ready and warm (atomic: written aside, then renamed)."""
        final = self._ready_file(self.index)
        tmp = final.with_name(f".{final.name}.tmp")
        tmp.write_text(str(os.getpid()), encoding="utf-8")
        os.replace(tmp, final)

    def mark_gone(self, index: int | None = None) -> None:
        """This worker (or worker ``index``: the supervisor, once it died) is not ready."""
        self._ready_file(self.index if index is None else index).unlink(missing_ok=True)

    def ready_count(self) -> int:
        """How many of the ``count`` workers say they are ready."""
        return sum(1 for i in range(self.count) if self._ready_file(i).exists())

    def settings_of(self, settings: Settings) -> Settings:
        """The worker's settings: worker 0 keeps the home's index folder (what ``backup`` and
        ``wellspring index`` read), worker i > 0 has ``<index folder>-worker-<i>`` beside it;
        the model's threads, when left to the runtime (0), are the cores shared out among the
        workers (N workers each with a thread per core ran 1.11x slower at concurrency 50 on
        two cores, docs/BENCHMARKS.md)."""
        if settings.encoding.torch_threads == 0 and self.count > 1:
            threads = max(1, (os.cpu_count() or 1) // self.count)
            settings = settings.with_(encoding={"torch_threads": threads})
        if self.index == 0:
            return settings
        root = settings.storage.index_path
        return settings.with_(storage={"index_dir": root.with_name(
            f"{root.name}-worker-{self.index}")})


class Served(Protocol):
    """What the middleware reads of the service state (``api/state.ServiceState``)."""

    @property
    def community(self) -> Community | None: ...

    @property
    def settings(self) -> Settings: ...


class WorkerRequests:
    """Pure ASGI middleware of a worker: apply the feed's pending changes before a request
    (read your writes whichever worker answers), and name the worker in the answer."""

    def __init__(self, app: ASGIApp, state: Served, place: WorkerPlace) -> None:
        self.app = app
        self.state = state
        self.header = (WORKER_HEADER.lower().encode("latin-1"), str(place.index).encode())
        self.local = not state.settings.storage.uses_postgres  # the feed's head is a file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        community = self.state.community
        # SQLite: one indexed read of the feed's head on the loop (microseconds; WAL readers
        # never wait for the writer), and a thread only to apply what is pending (it reads the
        # store and swaps the indexes); PostgreSQL: a round trip, so a thread each time
        if community is not None and community.following and (
                not self.local or community.feed_pending()):
            await anyio.to_thread.run_sync(community.follow_now)

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, named)
