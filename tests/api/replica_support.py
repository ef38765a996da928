"""Replicas for end-to-end tests and benchmarks: several `wellspring serve` processes on one
PostgreSQL store, and Debian's nginx in front of them (the configuration `wellspring
nginx-config` prints)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from api.deploy.nginx import nginx_config
from tests.api.uvicorn_support import (
    REPO_ROOT,
    SERVER_START_LIMIT_S,
    _ready,
    free_port,
    stop_process,
)


@dataclass
class Replica:
    url: str
    home: Path
    log: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    command: list[str]

    def kill(self) -> None:
        """kill -9, as a crash would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def restart(self) -> None:
        log = self.log.open("ab")
        self.process = subprocess.Popen(self.command, cwd=REPO_ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT)
        wait_ready([self])


def wait_ready(replicas: list[Replica]) -> None:
    deadline = time.monotonic() + SERVER_START_LIMIT_S
    pending = list(replicas)
    while pending:
        for r in list(pending):
            if _ready(r.url):
                pending.remove(r)
            elif r.process.poll() is not None or time.monotonic() > deadline:
                tail = r.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"replica {r.url} did not become ready:\n{tail}")
        time.sleep(0.3)


@contextmanager
def replicas(database_url: str, root: Path, count: int = 2,
             settings: dict[str, str] | None = None) -> Iterator[list[Replica]]:
    """``count`` replicas, each with its own home (index folder) under ``root``, started
    together; yields them once every one is ready; stops them afterwards."""
    started: list[Replica] = []
    try:
        for i in range(count):
            home = root / f"replica-{i}"
            home.mkdir(parents=True, exist_ok=True)
            port = free_port()
            env = {**os.environ, "WELLSPRING_HOME": str(home),
                   "WELLSPRING_DATABASE_URL": database_url, "HF_HUB_OFFLINE": "1",
                   "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
                   # as docs/DEPLOYMENT.md says: nginx on loopback is the one trusted proxy
                   "WELLSPRING_TRUSTED_PROXIES": '["127.0.0.1"]', **(settings or {})}
            command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
                       "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                       "--no-proxy-headers"]
            log = home / "server.log"
            process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log.open("wb"),
                                       stderr=subprocess.STDOUT)
            started.append(Replica(f"http://127.0.0.1:{port}", home, log, process, env,
                                   command))
        wait_ready(started)
        yield started
    finally:
        for r in started:
            if r.process.poll() is None:
                r.process.terminate()
        for r in started:
            try:
                r.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                r.process.kill()


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                     else None)


@contextmanager
def nginx_in_front(upstreams: list[str], folder: Path) -> Iterator[str]:
    """Debian's nginx on a free port, proxying to ``upstreams`` (host:port); yields its URL."""
    binary = nginx_binary()
    assert binary is not None
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(upstreams, f"127.0.0.1:{port}", prefix=str(folder)))
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=(folder / "stderr.log").open("wb"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not _ready(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start: "
                                   + (folder / "stderr.log").read_text(errors="replace"))
            time.sleep(0.2)
        yield url
    finally:
        stop_process(process, 10)
