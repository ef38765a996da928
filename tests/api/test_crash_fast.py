"""The fast part of the crash test, and the one-writer rule (docs/RELIABILITY.md).

The full fault-injection run (>= 20 kill points) is `bench/crash_test.py`; here the same script
runs with --quick: SIGKILL during an ingest, an index build and two rounds of concurrent HTTP
batch writes against a real uvicorn process, each followed by the acknowledged-write checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexing.encoders.base import Encoder
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_crash_run_loses_no_acknowledged_write(tmp_path: Path) -> None:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "bench/crash_test.py", "--quick", "--seed", "3", "--work",
         str(tmp_path / "work")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    result = json.loads(proc.stdout)
    assert result["failures"] == [], result["failures"]
    assert result["kill_points"] == 4
    http = result["phases"]["http"]
    assert http["batches_acknowledged"] > 0  # writes really were in flight
    for point in http["kill_points"]:
        assert point["lost"] == 0 and point["partial_batches"] == 0 and point["index_agrees"]
    assert proc.returncode == 0


@pytest.mark.slow
def test_a_second_service_process_on_the_same_store_is_not_ready(
    community_home: Path, real_encoder: Encoder
) -> None:
    settings = make_settings(community_home)
    with TestClient(create_app(settings, encoder=real_encoder)) as first:
        assert first.get("/health/ready").status_code == 200
        with TestClient(create_app(settings, encoder=real_encoder)) as second:
            r = second.get("/health/ready")
            assert r.status_code == 503
            assert "another Wellspring process" in r.json()["reason"]
    # the lock goes with the process that held it: a new service is ready again
    with TestClient(create_app(settings, encoder=real_encoder)) as again:
        assert again.get("/health/ready").status_code == 200
