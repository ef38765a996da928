"""The OpenAPI description tells the truth: schemathesis with every check, the stateful phase
included, against a real server over a private copy of the test community, with an admin key and
without one (issue #35).

A quick variant (few examples, a fixed seed); ``bench/contract.sh`` runs more against the sample.
The cross-field rules JSON Schema cannot state, and the operations whose schema-valid requests
may name records that do not exist, are declared in ``tests/api/contract/`` and nowhere else.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.uvicorn_support import REPO_ROOT, uvicorn_server

pytestmark = pytest.mark.slow

CONFIG = REPO_ROOT / "tests" / "api" / "contract" / "schemathesis.toml"
EXAMPLES = 4
SEED = 20261206
RUN_LIMIT_S = 420


@pytest.fixture
def server(community_home: Path, tmp_path: Path) -> Iterator[str]:
    with uvicorn_server(community_home, tmp_path / "serve.log") as url:
        yield url


def schemathesis_run(url: str, key: str | None) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).with_name("st")
    command = [str(st), "--config-file", str(CONFIG), "run", f"{url}/openapi.json",
               "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", str(SEED),
               "--generation-deterministic", "--no-color"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if key is not None:
        command += ["-H", f"X-API-Key: {key}"]
        env["CONTRACT_KEY_ID"] = key.split("_")[1]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=RUN_LIMIT_S, check=False)


def test_every_check_passes_with_and_without_a_key(server: str,
                                                   api_keys: dict[str, str]) -> None:
    for key in (api_keys["admin"], None):
        run = schemathesis_run(server, key)
        summary = run.stdout[-4000:]
        assert run.returncode == 0, summary
        assert "Stateful" in summary and "❌" not in summary, summary
        assert " passed" in summary and "failures" not in summary, summary
