"""A real uvicorn process over a community home, for end-to-end and browser tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_LIMIT_S = 240.0  # the model loads in the server process; 2 shared cores


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def stop_process(process: subprocess.Popen[bytes], grace_s: float) -> None:
    """SIGTERM, then SIGKILL after ``grace_s`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _ready(url: str, live: bool = False) -> bool:
    """Whether the server says it is ready (``live``: that it answers at all)."""
    try:
        with urllib.request.urlopen(f"{url}/health/{'live' if live else 'ready'}",
                                    timeout=5) as response:
            return bool(json.load(response).get("status") == ("live" if live else "ready"))
    except (OSError, urllib.error.URLError, ValueError):
        return False


@contextmanager
def uvicorn_server(home: Path, log_path: Path, settings: dict[str, str] | None = None,
                   cli: bool = False, port: int | None = None, live: bool = False
                   ) -> Iterator[str]:
    """``python -m uvicorn api.app:create_app --factory`` (or, with ``cli``, ``wellspring
    serve``) over ``home`` (with these extra ``WELLSPRING_*`` variables); yields its base URL
    once /health/ready says ready (``live``: once it answers, ready or not), and stops the
    process afterwards."""
    port = port or free_port()
    env = {**os.environ, "WELLSPRING_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1", **(settings or {})}
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    if cli:
        command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1",
                   "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START_LIMIT_S
            while not _ready(url, live):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"the server did not become ready:\n{tail}")
                time.sleep(0.5)
            yield url
        finally:
            stop_process(process, 30)
