"""A serve worker's place (api/workers.py, issue #33): readiness of all N, its own index
folder, its name on every log line; the supervisor's default count. The real processes:
tests/api/test_serve_workers.py."""

from __future__ import annotations

import io
import json
import logging
import os
from pathlib import Path

import pytest

from api.logs import configure_logging
from api.settings import ServiceSettings
from api.supervisor import default_workers
from api.workers import READY_FOLDER, WorkerPlace
from tests.conftest import make_settings


def test_ready_only_when_every_worker_says_so(tmp_path: Path) -> None:
    (tmp_path / READY_FOLDER).mkdir()
    first, second = WorkerPlace(0, 2, tmp_path), WorkerPlace(1, 2, tmp_path)
    assert first.ready_count() == 0
    first.mark_ready()
    assert second.ready_count() == 1
    second.mark_ready()
    assert first.ready_count() == 2
    first.mark_gone(1)  # the supervisor, once worker 1 died
    assert first.ready_count() == 1
    second.mark_gone()  # twice is harmless
    assert [p.name for p in (tmp_path / READY_FOLDER).iterdir()] == ["0"]


def test_each_worker_has_its_own_index_folder(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    folders = [WorkerPlace(i, 3, tmp_path).settings_of(settings).storage.index_path
               for i in range(3)]
    assert folders[0] == settings.storage.index_path == tmp_path / "index"  # backup's
    assert folders[1:] == [tmp_path / "index-worker-1", tmp_path / "index-worker-2"]
    assert WorkerPlace(1, 3, tmp_path).settings_of(settings).storage.database_path == (
        settings.storage.database_path)  # one store


def test_the_cores_are_shared_out_among_the_workers_threads(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    auto = make_settings(tmp_path).with_(encoding={"torch_threads": 0})
    threads = [WorkerPlace(i, n, tmp_path).settings_of(auto).encoding.torch_threads
               for n, i in ((1, 0), (2, 0), (2, 1), (3, 2), (16, 5))]
    assert threads == [0, 4, 4, 2, 1]  # one worker keeps the runtime's default
    chosen = auto.with_(encoding={"torch_threads": 3})
    assert WorkerPlace(1, 2, tmp_path).settings_of(chosen).encoding.torch_threads == 3


def test_log_lines_name_their_worker() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out = io.StringIO()
    try:
        configure_logging("json", logging.INFO, stream=out, worker=1)
        logging.getLogger("api.test").info("hello")
        configure_logging("text", logging.INFO, stream=out, worker=0)
        logging.getLogger("api.test").info("again")
    finally:
        root.handlers, root.level = handlers, level
        logging.captureWarnings(False)
    first, second = out.getvalue().splitlines()
    assert json.loads(first)["worker"] == 1
    assert second == "INFO [worker 0] api.test: again"


def test_one_worker_per_core_on_sqlite_one_on_postgresql(tmp_path: Path) -> None:
    sqlite = ServiceSettings.of(make_settings(tmp_path))
    assert default_workers(sqlite) >= 1
    pg = ServiceSettings.of(make_settings(
        tmp_path, storage={"database_url": "postgresql://ws@localhost/ws"}))
    assert default_workers(pg) == 1
