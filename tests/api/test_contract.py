"""The OpenAPI description tells the truth: schemathesis with every check, the stateful phase
included, against a real server over a private copy of the test community, with an admin key and
without one (issue #35), each against its own server, side by side.

A quick variant (few examples, a fixed seed); ``bench/contract.sh`` runs more against the sample.
The cross-field rules JSON Schema cannot state, and the operations whose schema-valid requests
may name records that do not exist, are declared in ``tests/api/contract/`` and nowhere else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.api.uvicorn_support import REPO_ROOT, uvicorn_server

pytestmark = pytest.mark.slow

CONFIG = REPO_ROOT / "tests" / "api" / "contract" / "schemathesis.toml"
EXAMPLES = 4
SEED = 20261206
RUN_LIMIT_S = 420


@pytest.fixture
def servers(community_home: Path, _built_home: Path, tmp_path: Path
            ) -> Iterator[tuple[str, str]]:
    """Two servers over two copies of the test community: the keyed run writes (members,
    contributions, keys), so the public run gets its own, and the two run side by side."""
    public_home = tmp_path / "public-home"
    shutil.copytree(_built_home, public_home)
    starting = [uvicorn_server(community_home, tmp_path / "serve.log"),
                uvicorn_server(public_home, tmp_path / "serve-public.log")]
    with ExitStack() as stack, ThreadPoolExecutor(2) as pool:
        # started together (each waits for its own /health/ready); stopped by the stack
        entered = [pool.submit(stack.enter_context, server) for server in starting]
        keyed, public = (f.result() for f in entered)
        yield keyed, public


def schemathesis_run(url: str, key: str | None) -> subprocess.Popen[str]:
    st = Path(sys.executable).with_name("st")
    command = [str(st), "--config-file", str(CONFIG), "run", f"{url}/openapi.json",
               "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", str(SEED),
               "--generation-deterministic", "--no-color"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if key is not None:
        command += ["-H", f"X-API-Key: {key}"]
        env["CONTRACT_KEY_ID"] = key.split("_")[1]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def test_every_check_passes_with_and_without_a_key(servers: tuple[str, str],
                                                   api_keys: dict[str, str]) -> None:
    keyed, public = servers
    runs = [schemathesis_run(keyed, api_keys["admin"]), schemathesis_run(public, None)]
    try:
        outputs = [run.communicate(timeout=RUN_LIMIT_S)[0] for run in runs]
    finally:
        for run in runs:
            run.kill()
    for run, output in zip(runs, outputs, strict=True):
        summary = output[-4000:]
        assert run.returncode == 0, summary
        assert "Stateful" in summary and "❌" not in summary, summary
        assert " passed" in summary and "failures" not in summary, summary
