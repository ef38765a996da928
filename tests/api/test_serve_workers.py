"""#33: `wellspring serve --workers 2` on one SQLite home, for real: two processes behind one
port, one service. A write through either worker is in the very next answer of both (records,
a member's own say through /me, a project person's status, feedback naming a suggestion the
other worker answered); a worker killed with SIGKILL while writes go on loses no acknowledged
write and is restarted; /health/ready is 503 while a worker is missing; /metrics counts the
requests of both; each log line names its worker."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import make_keys
from tests.api.uvicorn_support import REPO_ROOT, SERVER_START_LIMIT_S, free_port, stop_process
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

AUTHOR = "m-0011"
ME = "m-0004"  # occasional: faecal sludge in Dakar (her own key says what she is busy with)
FOLLOWING = 6  # requests after each write, on whichever worker the kernel hands them to
ENOUGH = 60  # requests to wait for both workers to have answered


@dataclass
class Served:
    url: str
    home: Path
    log: Path
    process: subprocess.Popen[bytes]
    keys: dict[str, str]
    workers_seen: set[str] = field(default_factory=set)

    def get(self, path: str, key: str | None = None, **params: object) -> httpx.Response:
        """One request on a fresh connection (so either worker may take it)."""
        headers = {"X-API-Key": self.keys[key]} if key else {}
        r = httpx.get(self.url + path, params=params, headers=headers, timeout=60)  # type: ignore[arg-type]
        self.workers_seen.add(r.headers.get("x-wellspring-worker", "?"))
        return r

    def send(self, method: str, path: str, key: str, body: object) -> httpx.Response:
        r = httpx.request(method, self.url + path, json=body, timeout=60,
                          headers={"X-API-Key": self.keys[key]})
        self.workers_seen.add(r.headers.get("x-wellspring-worker", "?"))
        return r

    def on_both(self, check: Callable[[], httpx.Response]) -> None:
        """``check`` (which asserts what its answer shows) at least FOLLOWING times, and until
        both workers have answered it."""
        answered: set[str] = set()
        for n in range(ENOUGH):
            answered.add(check().headers["x-wellspring-worker"])
            if n + 1 >= FOLLOWING and answered == {"0", "1"}:
                return
        raise AssertionError(f"only worker(s) {answered} answered {ENOUGH} requests")

    def worker_pids(self) -> dict[int, int]:
        """Worker index -> pid of its latest start, from the supervisor's log lines."""
        pids: dict[int, int] = {}
        for line in self.log.read_text(errors="replace").splitlines():
            found = re.search(r"worker (\d+) started \(pid (\d+)\)", line)
            if found:
                pids[int(found[1])] = int(found[2])
        return pids


def _ready_status(url: str) -> int:
    try:
        return httpx.get(url + "/health/ready", timeout=5).status_code
    except httpx.HTTPError:
        return 0


@pytest.fixture(scope="module")
def served(_built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("workers")
    home = root / "home"
    shutil.copytree(_built_home, home)
    settings = make_settings(home)
    keys = make_keys(settings)
    from indexing.store import SqliteStore
    from indexing.store.keys import KeyStore

    store = SqliteStore(settings.storage.database_path)
    keys["me"] = KeyStore(store).create("member", name="hers", member_id=ME)[1]
    store.close()
    port = free_port()
    env = {**os.environ, "WELLSPRING_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
           "WELLSPRING_LANGUAGE_ROUTING": "off", "WELLSPRING_LOG_FORMAT": "json"}
    log = root / "serve.log"
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port",
               str(port), "--workers", "2"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _ready_status(url) == 200, SERVER_START_LIMIT_S, process, log)
        yield Served(url, home, log, process, keys)
    finally:
        stop_process(process, 60)


def _wait(check: Callable[[], bool], limit_s: float, process: subprocess.Popen[bytes],
          log: Path) -> None:
    deadline = time.monotonic() + limit_s
    while not check():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("serve --workers 2: " + log.read_text(errors="replace")[-3000:])
        time.sleep(0.3)


def contribution(cid: str, n: int) -> dict[str, object]:
    return {"id": cid, "type": "case_study", "date": "2024-05-01", "authors": [AUTHOR],
            "title": f"Zebra mussel fouling of raw water intake number {n}",
            "text": "Zebra mussels colonised the raw water intake; pigging cleared it."}


def test_every_write_is_in_the_next_answer_of_either_worker(served: Served) -> None:
    before = served.get(f"/members/{AUTHOR}", "admin").json()["contributions"]
    for n in range(4):  # records: the member's contributions are read from each index
        r = served.send("POST", "/contributions", "editor", contribution(f"c-w{n}", n))
        assert r.status_code == 201, r.text

        def counted(n: int = n) -> httpx.Response:
            r = served.get(f"/members/{AUTHOR}", "admin")
            assert r.json()["contributions"] == before + n + 1
            return r

        served.on_both(counted)
    r = served.send("DELETE", "/contributions/c-w0", "editor", None)
    assert r.status_code == 200, r.text

    def gone() -> httpx.Response:
        r = served.get("/contributions/c-w0", "admin")
        assert r.status_code == 404
        return r

    served.on_both(gone)

    for busy in ("2999-01-01", None):  # a member's own say, through /me with her key
        r = served.send("PATCH", "/me", "me", {"busy_until": busy})
        assert r.status_code == 200, r.text

        def said(busy: str | None = busy) -> httpx.Response:
            r = served.get(f"/members/{ME}", "reader")
            assert r.json()["busy_until"] == busy
            assert served.get("/me", "me").json()["availability"]["busy_until"] == busy
            return r

        served.on_both(said)

    project = served.send("POST", "/projects", "editor",
                          {"title": "Intakes", "needs": ["zebra mussel fouling"]}).json()
    pid = project["project_id"]
    found = served.get("/experts", "editor", q="zebra mussel fouling of intakes", top=5,
                       project_id=pid).json()["results"]
    member = found[0]["member_id"]
    r = served.send("PUT", f"/projects/{pid}/people/{member}", "editor",
                    {"status": "declined_not_my_field"})
    assert r.status_code == 200, r.text

    def declined() -> httpx.Response:  # the status, and what it does to the next answer
        people = served.get(f"/projects/{pid}", "editor").json()["people"]
        assert {p["member_id"]: p["status"] for p in people}[member] == "declined_not_my_field"
        r = served.get("/experts", "editor", q="zebra mussel fouling of intakes", top=5,
                       project_id=pid)
        assert member not in [m["member_id"] for m in r.json()["results"]]
        return r

    served.on_both(declined)
    assert served.workers_seen == {"0", "1"}


def test_a_text_is_encoded_once_by_the_worker_that_wrote_it(served: Served) -> None:
    """The other worker takes its vectors from the store (summed over workers: one text)."""
    encoded = "wellspring_encode_batch_texts_sum"
    before = _summed(served, encoded, kind="document")
    count = served.get(f"/members/{AUTHOR}", "admin").json()["contributions"]
    r = served.send("POST", "/contributions", "editor", contribution("c-once", 7))
    assert r.status_code == 201, r.text

    def there() -> httpx.Response:  # in each worker's index
        r = served.get(f"/members/{AUTHOR}", "admin")
        assert r.json()["contributions"] == count + 1
        return r

    served.on_both(there)
    assert _summed(served, encoded, kind="document") == before + 1  # its one chunk


def test_feedback_finds_a_suggestion_the_other_worker_answered(served: Served) -> None:
    crossed = 0
    for n in range(20):
        answer = served.get("/experts", "editor", q=f"leak detection {n}", top=3)
        body = answer.json()
        r = served.send("POST", "/feedback", "editor",
                        {"suggestion_id": body["suggestion_id"], "outcome": "contacted",
                         "member_id": body["results"][0]["member_id"]})
        assert r.status_code == 201, r.text
        crossed += answer.headers["x-wellspring-worker"] != r.headers["x-wellspring-worker"]
        if crossed >= 2:
            break
    assert crossed >= 2


def test_a_killed_worker_loses_no_acknowledged_write_and_comes_back(served: Served) -> None:
    acked: list[str] = []
    stop = threading.Event()

    def write() -> None:
        n = 100
        while not stop.is_set():
            n += 1
            try:
                r = served.send("POST", "/contributions", "editor",
                                contribution(f"c-k{n}", n))
            except httpx.HTTPError:
                continue  # cut by the kill: not acknowledged
            if r.status_code == 201:
                acked.append(f"c-k{n}")

    old = served.worker_pids()[1]
    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(1.5)
    os.kill(old, signal.SIGKILL)
    statuses = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        statuses.append(_ready_status(served.url))
        time.sleep(0.2)
    stop.set()
    writer.join()
    assert 503 in statuses  # worker 0 says the service is not whole
    _wait(lambda: _ready_status(served.url) == 200, SERVER_START_LIMIT_S, served.process,
          served.log)
    assert served.worker_pids()[1] != old  # restarted by the supervisor
    assert len(acked) >= 3
    db = sqlite3.connect(served.home / "wellspring.db")
    stored = {r[0] for r in db.execute("SELECT id FROM contributions WHERE id LIKE 'c-k%'")}
    db.close()
    assert set(acked) <= stored

    def all_there() -> httpx.Response:  # on both workers: the new worker 1 serves again
        r = served.get(f"/members/{AUTHOR}", "admin")
        assert r.json()["contributions"] >= 4 + len(acked)  # c-w1..3, c-once, every ack
        for cid in acked:
            assert served.get(f"/contributions/{cid}", "admin").status_code == 200
        return r

    served.on_both(all_there)


def _summed(served: Served, name: str, **labels: str) -> float:
    text = served.get("/metrics").text
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == name and labels.items() <= s.labels.items())


def test_metrics_count_both_workers_and_logs_name_them(served: Served) -> None:
    before = _summed(served, "wellspring_http_request_duration_seconds_count", route="/stats")
    served.workers_seen.clear()
    for _ in range(12):
        assert served.get("/stats", "reader").status_code == 200
    assert served.workers_seen == {"0", "1"}
    assert _summed(served, "wellspring_http_request_duration_seconds_count",
                   route="/stats") == before + 12
    lines = [json.loads(line) for line in served.log.read_text().splitlines()
             if line.startswith("{")]
    access = [x for x in lines if x.get("logger") == "api.access"]
    assert {x.get("worker") for x in access} == {0, 1}


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WELLSPRING_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=REPO_ROOT, env=env,
                           capture_output=True, text=True, timeout=120)


def test_the_workers_hold_the_home_and_die_with_their_supervisor(served: Served) -> None:
    """Last in this module: it ends the service."""
    from indexing.backup import try_service_lock

    backup = served.home.parent / "backup"
    assert _cli(served.home, "backup", str(backup)).returncode == 0  # safe while serving
    refused = _cli(served.home, "restore", str(backup))
    assert refused.returncode == 2 and "service is running" in refused.stderr
    settings = make_settings(served.home)
    assert try_service_lock(settings) is None  # a second serve would answer 503 (app.py)
    pids = served.worker_pids()
    served.process.send_signal(signal.SIGKILL)  # the supervisor, killed: no clean-up at all
    served.process.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids.values()):
        assert time.monotonic() < deadline, "the workers outlived their supervisor"
        time.sleep(0.1)
    lock = try_service_lock(settings)  # ... and the home is free again
    assert lock is not None
    lock.close()
