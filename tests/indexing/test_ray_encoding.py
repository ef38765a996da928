"""Bulk encoding on a local Ray started by the test: two actors (real model) on disjoint batches,
one killed mid-run; nothing is encoded twice beyond the batch the killed actor was encoding."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.vectors.ray_encoding import NAMESPACE, RayPlan, encode_with_ray
from tests.conftest import TEST_DATA, make_settings

ray = pytest.importorskip("ray", reason="the `ray` extra is not installed")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, namespace=NAMESPACE, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _stored(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM text_vectors").fetchone()[0])
    finally:
        conn.close()


def _kill_one_actor_after(db: Path, rows: int, killed: list[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _stored(db) < rows:
        time.sleep(0.01)
    names = sorted(n for n in ray.util.list_named_actors() if n.startswith("wellspring-english"))
    if names:
        ray.kill(ray.get_actor(names[0], namespace=NAMESPACE))
        killed.append(names[0])


def test_two_actors_one_killed_nothing_encoded_twice_but_its_batch(
        tmp_path: Path, local_ray: None, real_encoder: Encoder) -> None:
    settings = make_settings(tmp_path, encoding={"vector_batch": 2},
                             language={"language_routing": "off"})
    store = SqliteStore(settings.storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    trace = tmp_path / "trace.txt"
    killed: list[str] = []
    killer = threading.Thread(target=_kill_one_actor_after,
                              args=(settings.storage.database_path, 6, killed))
    killer.start()
    [report] = encode_with_ray(store, settings, [("english", real_encoder)],
                               RayPlan(actors=2, threads=1, trace=trace))
    killer.join()
    assert killed, "no actor was killed"
    assert report.actors == 2 and report.actors_lost == 1 and report.requeued_batches >= 1
    assert report.stored_before == 0 and report.encoded == report.texts == 53
    assert _stored(settings.storage.database_path) == 53
    lines = [line.split() for line in trace.read_text().splitlines()]
    by_batch = Counter(bid for _, bid, _ in lines)
    assert len(by_batch) == report.batches == 27  # every batch encoded ...
    twice = [bid for bid, n in by_batch.items() if n > 1]
    assert len(twice) <= 1  # ... once, but for the one the killed actor was encoding
    assert len({pid for pid, _, _ in lines}) == 2  # both actors took batches
    # the index is then built from the stored vectors alone
    community, stats = Community.open(settings, encoder=real_encoder, store=store)
    assert stats.encoded_texts == 0 and stats.stored_texts == 53
    assert community.index.count() == 53
    # a rerun finds nothing missing and starts no actor (no model load)
    [again] = encode_with_ray(store, settings, [("english", real_encoder)], RayPlan(actors=2))
    assert again.actors == 0 and again.encoded == 0 and again.stored_before == 53


def test_kill_9_of_a_ray_run_then_the_rerun_encodes_only_the_rest(tmp_path: Path) -> None:
    """`wellspring index --ray` (its own local Ray) SIGKILLed with its whole process group once
    3 batches are stored; the rerun's actors encode only the texts not stored."""
    import re
    import signal
    import subprocess
    import sys

    home = tmp_path / "home"
    store = SqliteStore(home / "wellspring.db")
    assert not ingest_paths(store, [TEST_DATA]).errors
    store.close()
    db = home / "wellspring.db"
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, WELLSPRING_HOME=str(home), WELLSPRING_VECTOR_BATCH="2",
               WELLSPRING_LANGUAGE_ROUTING="off", HF_HUB_OFFLINE="1", PYTHONPATH=str(repo),
               RAY_USAGE_STATS_ENABLED="0")
    env.pop("RAY_ADDRESS", None)
    command = [sys.executable, "-m", "api.cli", "index", "--ray", "--ray-actors", "2"]
    with (tmp_path / "killed.log").open("w") as log:
        proc = subprocess.Popen(command, cwd=repo, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        try:
            while _stored(db) < 6:
                assert proc.poll() is None, (tmp_path / "killed.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "nothing stored within 180 s"
                time.sleep(0.02)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the driver and the Ray it started
            proc.wait()
    at_kill = _stored(db)
    rerun = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    ray_line = re.search(r"ray english: (\d+) texts encoded by 2 actors .*, (\d+) of (\d+) "
                         r"already stored", rerun.stdout)
    index_line = re.search(r"(\d+) texts encoded, (\d+) taken from the store", rerun.stdout)
    assert ray_line and index_line, rerun.stdout
    assert int(ray_line[2]) == at_kill and int(ray_line[3]) == 53
    assert int(ray_line[1]) == 53 - at_kill > 0
    assert index_line[1] == "0" and index_line[2] == "53"  # the index came from the store
