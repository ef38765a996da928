"""`kill -9` of a real `wellspring index` mid-build (real model, real SQLite), then a rerun: the
rerun encodes only the texts whose vectors the killed run had not yet committed to the store."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from tests.conftest import TEST_DATA

REPO = Path(__file__).resolve().parents[2]
BATCH = 4  # texts per committed batch: the 53 items' texts take ~15 batches


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, WELLSPRING_HOME=str(home), WELLSPRING_VECTOR_BATCH=str(BATCH),
                WELLSPRING_LANGUAGE_ROUTING="off", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                OMP_NUM_THREADS="1", WELLSPRING_TORCH_THREADS="1",
                PYTHONPATH=str(REPO))


def _stored(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM text_vectors").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0
    finally:
        conn.close()


def test_kill_9_mid_build_then_the_rerun_encodes_only_the_rest(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = SqliteStore(home / "wellspring.db")
    assert not ingest_paths(store, [TEST_DATA]).errors
    store.close()
    db = home / "wellspring.db"
    log = (tmp_path / "killed.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "index"], cwd=REPO, env=_env(home),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 180
    try:
        while _stored(db) < 2 * BATCH:  # two batches committed: kill it
            assert proc.poll() is None, (tmp_path / "killed.log").read_text()
            assert time.monotonic() < deadline, "no batch stored within 180 s"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()
    at_kill = _stored(db)
    assert not (home / "index" / "CURRENT").exists()  # it died before saving any generation
    rerun = subprocess.run([sys.executable, "-m", "api.cli", "index"], cwd=REPO, env=_env(home),
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    found = re.search(r"(\d+) texts encoded, (\d+) taken from the store", rerun.stdout)
    assert found, rerun.stdout
    encoded, taken = int(found[1]), int(found[2])
    total = _stored(db)
    assert taken == at_kill  # everything the killed run committed was used, nothing re-encoded
    print(f"killed with {at_kill} of {total} stored; the rerun encoded {encoded}")
    assert encoded == total - at_kill > 0
    assert (home / "index" / "CURRENT").exists()
