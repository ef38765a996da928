"""``wellspring serve --workers N``: N serving processes over one home (issue #33).

One process holds the GIL: on the embedded store one ``serve`` used one core. The supervisor
(this process, which loads no model) takes the home's service lock, binds the listening socket
once and starts N workers with Python's ``spawn``; each worker gets the socket (the kernel
spreads connections over the processes accepting on it) and a duplicate of the lock's file
descriptor, so the lock is held while any worker lives: a second ``serve`` on the home, or a
``restore``, is refused as before. Each worker builds the app (``api/app.py``) with its
``WorkerPlace`` (``api/workers.py``): its own index folder, the change feed followed before each
request, readiness and metrics in the supervisor's run folder.

A worker that dies is restarted (its readiness withdrawn meanwhile, its live gauges marked dead);
the new one loads its saved index, syncs with the store and catches up from the feed. Workers
die with the supervisor (``PR_SET_PDEATHSIG``), even when it is killed. SIGTERM or SIGINT stops
the workers gracefully (each saves its index), then removes the run folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import reduction
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any

from api.settings import ServiceSettings
from api.workers import METRICS_FOLDER, READY_FOLDER, WorkerPlace
from indexing.backup import try_service_lock

log = logging.getLogger(__name__)

LOCK_WAIT_S = 5.0  # a previous serve's workers may take a moment to die with it
STABLE_S = 30.0  # a worker that ran this long restarts at once; sooner, after a back-off
MAX_BACKOFF_S = 30.0
STOP_GRACE_S = 30.0


def default_workers(settings: ServiceSettings) -> int:
    """One worker per core on the embedded store; one on PostgreSQL (replicas scale there)."""
    return 1 if settings.storage.uses_postgres else max(1, os.cpu_count() or 1)


class SharedLock:
    """The service lock's file descriptor, duplicated into a spawned worker (the flock is the
    open file's, so it is held until the last process holding it exits)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[object, tuple[object]]:
        return (_rebuild_lock, (reduction.DupFd(self.fd),))


def _rebuild_lock(dup: Any) -> SharedLock:  # DupFd's result: a file descriptor to detach
    return SharedLock(int(dup.detach()))


@dataclass(frozen=True)
class WorkerLaunch:
    """What a worker process is started with (pickled by ``spawn``)."""

    place: WorkerPlace
    listener: socket.socket
    lock: SharedLock
    supervisor_pid: int
    log_level: int


@dataclass
class Slot:
    """One worker's place in the supervisor: its process and its restart back-off."""

    index: int
    process: BaseProcess | None = None
    started_at: float = 0.0
    backoff_s: float = 0.0
    restart_at: float = 0.0
    restarts: int = field(default=0)


def serve_workers(settings: ServiceSettings, host: str, port: int, count: int) -> int:
    """Run ``count`` workers on ``host:port`` until SIGTERM or SIGINT; returns the exit code.
    When the home is already served, one process answers 503 saying so (as a single serve)."""
    lock = _take_lock(settings)
    if lock is None:
        log.error("another Wellspring process serves this home; this serve answers not ready")
        return serve_single(settings, host, port)
    from indexing.store import open_store

    open_store(settings.storage).close()  # its migrations run once, before any worker opens it
    run_dir = Path(tempfile.mkdtemp(prefix="wellspring-run-"))
    (run_dir / READY_FOLDER).mkdir()
    (run_dir / METRICS_FOLDER).mkdir()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(run_dir / METRICS_FOLDER)  # workers inherit
    listener = _bind(host, port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    context = multiprocessing.get_context("spawn")
    slots = [Slot(i) for i in range(count)]
    log.info("serving on http://%s:%d with %d workers (run folder %s)", host, port, count,
             run_dir)

    def start(slot: Slot) -> None:
        launch = WorkerLaunch(WorkerPlace(slot.index, count, run_dir), listener,
                              SharedLock(lock.fileno()), os.getpid(),
                              logging.getLogger().level)
        process = context.Process(target=run_worker, args=(launch,),
                                  name=f"wellspring-worker-{slot.index}")
        process.start()
        slot.process, slot.started_at = process, time.monotonic()
        log.info("worker %d started (pid %s)", slot.index, process.pid)

    try:
        for slot in slots:
            start(slot)
        while not stop.wait(0.2):
            for slot in slots:
                _keep_alive(slot, run_dir, count, start)
    finally:
        _stop_all(slots)
        listener.close()
        shutil.rmtree(run_dir, ignore_errors=True)
        lock.close()
    return 0


def _keep_alive(slot: Slot, run_dir: Path, count: int, start: Callable[[Slot], None]
                ) -> None:
    """Restart a worker that died (after a back-off when it died young)."""
    process = slot.process
    now = time.monotonic()
    if process is not None:
        if process.is_alive():
            return
        process.join()
        WorkerPlace(slot.index, count, run_dir).mark_gone()
        _mark_dead(process.pid, run_dir)
        lived = now - slot.started_at
        slot.backoff_s = 0.0 if lived >= STABLE_S else min(MAX_BACKOFF_S,
                                                          max(1.0, 2 * slot.backoff_s))
        slot.restart_at, slot.process = now + slot.backoff_s, None
        log.warning("worker %d (pid %s) exited with %s after %.0f s; restarting it in %.0f s",
                    slot.index, process.pid, process.exitcode, lived, slot.backoff_s)
    if now >= slot.restart_at:
        slot.restarts += 1
        start(slot)


def _mark_dead(pid: int | None, run_dir: Path) -> None:
    """A dead worker's live gauges (requests in progress) no longer count."""
    if pid is None:
        return
    from prometheus_client import multiprocess

    with contextlib.suppress(OSError):
        multiprocess.mark_process_dead(pid, str(run_dir / METRICS_FOLDER))


def _stop_all(slots: list[Slot]) -> None:
    """SIGTERM every worker (uvicorn drains, the lifespan saves the index), SIGKILL the late."""
    running = [s.process for s in slots if s.process is not None and s.process.is_alive()]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for process in running:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def _take_lock(settings: ServiceSettings) -> IO[str] | None:
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        lock = try_service_lock(settings)
        if lock is not None or time.monotonic() >= deadline:
            return lock
        time.sleep(0.2)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound once (uvicorn's own way, IPv6 hosts included)."""
    import uvicorn

    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            sock: socket.socket = uvicorn.Config("api.app:create_app", host=host, port=port,
                                                 log_config=None).bind_socket()
            return sock
        except SystemExit:  # uvicorn logs the error and exits; a dying serve may hold it
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def _die_with(supervisor_pid: int) -> None:
    """Linux: this worker gets SIGKILL when the supervisor dies, however it dies."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != supervisor_pid:  # it died before the line above
        os._exit(1)


def run_worker(launch: WorkerLaunch) -> None:
    """A worker's process: the app over its place, served on the supervisor's socket."""
    _die_with(launch.supervisor_pid)
    import uvicorn

    from api.app import create_app
    from api.commands.common import load_settings
    from api.logs import configure_logging

    place = launch.place
    settings = ServiceSettings.of(place.settings_of(load_settings()))
    configure_logging(settings.http.log_format, launch.log_level, worker=place.index)
    app = create_app(settings, worker=place)
    config = uvicorn.Config(app, log_config=None, access_log=False, proxy_headers=False,
                            log_level="info")
    uvicorn.Server(config).run(sockets=[launch.listener])


def serve_single(settings: ServiceSettings, host: str, port: int) -> int:
    """One process: the app itself on ``host:port`` (``serve --workers 1``)."""
    import uvicorn

    from api.app import create_app

    # the app reads X-Forwarded-For itself, from WELLSPRING_TRUSTED_PROXIES only (api/clients.py)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info",
                log_config=None, access_log=False, proxy_headers=False)
    return 0
