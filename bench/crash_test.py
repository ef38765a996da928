"""Fault injection: SIGKILL Wellspring at random points and check that nothing acknowledged is lost.

Three phases, each killing a real process with SIGKILL (no clean-up code runs):

* ingest  - `wellspring ingest` of a large generated file (one transaction), killed mid-way; then
  the store must pass its integrity check and hold all of the file or none of it; a run that
  printed its "ingested" line (acknowledged) must be there in full.
* index   - `wellspring index` (encode + save a generation), killed mid-way; the saved
  generation must always be intact (checksums), and the next run must agree with the store.
* http    - a real uvicorn process (`wellspring serve`) under concurrent POST /contributions/batch
  writes with an editor key, killed mid-way and restarted with no manual step. Then: every batch
  acknowledged with a 2xx is in the store, no batch is partly there, the saved index generation
  agrees with the store (ids and content hashes), and /health/ready reports the same count.

Prints one JSON object; exit status 1 if any check failed. Rerun (docs/RELIABILITY.md):
    HF_HUB_OFFLINE=1 .venv/bin/python bench/crash_test.py --seed 7
    HF_HUB_OFFLINE=1 .venv/bin/python bench/crash_test.py --quick   # the test suite's version
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexing.backup import index_disagreements  # noqa: E402
from indexing.vectors.manifest import read_manifest, verify_checksums  # noqa: E402

TEST_DATA = ROOT / "tests" / "data"
PYTHON = sys.executable
_VOCABULARY = ("groundwater recharge aquifer leak detection pressure metering tariff sanitation "
         "desalination irrigation drought flood modelling chlorination catchment wetland "
         "borehole pipeline valve pump reservoir governance billing sensor telemetry")
WORDS = _VOCABULARY.split()
BATCH = 5


@dataclass
class Report:
    kill_points: int = 0
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, WELLSPRING_HOME=str(home), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
    env.update(extra)
    return env


class Run:
    """A `wellspring` subprocess whose output goes to files (a pipe left unread would block)."""

    count = 0

    def __init__(self, home: Path, *args: str, **extra: str) -> None:
        Run.count += 1
        logs = home.parent / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.out_path = logs / f"{Run.count:03d}-{args[0]}.out"
        self.err_path = logs / f"{Run.count:03d}-{args[0]}.err"
        with self.out_path.open("w") as out, self.err_path.open("w") as err:
            self.proc = subprocess.Popen([PYTHON, "-m", "api.cli", *args], cwd=ROOT,
                                         env=env_for(home, **extra), stdout=out, stderr=err,
                                         start_new_session=True)

    def poll(self) -> int | None:
        return self.proc.poll()

    def wait(self) -> int:
        return self.proc.wait()

    def kill(self) -> None:
        """SIGKILL: no handler, no clean-up, like a power cut for the process."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    @property
    def out(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")


def contribution(cid: str, rng: random.Random, authors: list[str]) -> dict[str, Any]:
    words = rng.sample(WORDS, 6)
    return {"id": cid, "type": "forum_post", "title": " ".join(words[:3]).capitalize(),
            "text": " ".join(rng.choice(WORDS) for _ in range(40)), "date": "2024-03-01",
            "authors": [rng.choice(authors)]}


def write_community(folder: Path, n_contributions: int, rng: random.Random) -> None:
    """The test community's organisations and members plus ``n`` generated contributions."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEST_DATA / "organisations.jsonl", folder)
    shutil.copy(TEST_DATA / "members.jsonl", folder)
    authors = member_ids()
    with (folder / "contributions.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n_contributions):
            fh.write(json.dumps(contribution(f"g-{i:06d}", rng, authors)) + "\n")


def member_ids() -> list[str]:
    lines = (TEST_DATA / "members.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines if line.strip()]


def db_counts(db: Path) -> dict[str, int]:
    if not db.exists():
        return {"organisations": 0, "members": 0, "contributions": 0}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise RuntimeError(f"{db} fails quick_check")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        return {t: (conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] if t in tables else 0)
                for t in ("organisations", "members", "contributions")}
    finally:
        conn.close()


def present_ids(db: Path, ids: list[str]) -> set[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = conn.execute(f"SELECT id FROM contributions WHERE id IN "
                                f"({','.join('?' * len(chunk))})", chunk)
            found |= {r[0] for r in rows}
        return found
    finally:
        conn.close()


def generation_intact(index_root: Path) -> str | None:
    """None if no generation is saved or the saved one verifies; else what is wrong."""
    current = index_root / "CURRENT"
    if not current.exists():
        return None
    folder = index_root / current.read_text(encoding="utf-8").strip()
    try:
        verify_checksums(folder, read_manifest(folder))
    except Exception as exc:  # any failure to verify is a finding
        return str(exc)
    return None


# -- phase 1: ingest --------------------------------------------------------------------------
def phase_ingest(work: Path, kills: int, size: int, rng: random.Random, report: Report) -> None:
    data = work / "ingest-data"
    write_community(data, size, rng)
    calib_home = work / "ingest-calibrate"
    started = time.perf_counter()
    Run(calib_home, "ingest", str(data)).wait()
    full_seconds = time.perf_counter() - started
    expected = db_counts(calib_home / "wellspring.db")
    home = work / "ingest-home"
    outcomes = []
    for _ in range(kills):
        proc = Run(home, "ingest", str(data))
        time.sleep(rng.uniform(0.3, full_seconds * 1.1))
        proc.kill()
        acked = "ingested" in proc.out
        counts = db_counts(home / "wellspring.db")
        all_or_none = counts["contributions"] in (0, expected["contributions"])
        report.kill_points += 1
        outcomes.append({"acknowledged": acked, "contributions": counts["contributions"]})
        if not all_or_none:
            report.failures.append(f"ingest: partial file visible: {counts}")
        if acked and counts != expected:
            report.failures.append(f"ingest: acknowledged but store holds {counts}")
        shutil.rmtree(home, ignore_errors=True)  # every kill point starts from an empty store
    report.phases["ingest"] = {"records": size, "clean_run_seconds": round(full_seconds, 1),
                               "kill_points": outcomes}


# -- phase 2: index build ---------------------------------------------------------------------
def phase_index(work: Path, kills: int, size: int, rng: random.Random, report: Report) -> Path:
    home = work / "service-home"
    data = work / "service-data"
    write_community(data, size, rng)
    if Run(home, "ingest", str(data)).wait() != 0:
        raise RuntimeError("ingest for the index phase failed")
    calib = work / "index-calibrate"
    shutil.copytree(home, calib)
    started = time.perf_counter()
    Run(calib, "index").wait()
    full_seconds = time.perf_counter() - started
    shutil.rmtree(calib)
    points = []
    for _ in range(kills):
        delay = rng.uniform(1.0, full_seconds * 1.1)
        proc = Run(home, "index")
        time.sleep(delay)
        proc.kill()
        report.kill_points += 1
        problem = generation_intact(home / "index")
        points.append({"after_s": round(delay, 1), "generation_intact": problem is None})
        if problem:
            report.failures.append(f"index: damaged generation after a kill: {problem}")
    proc = Run(home, "index")
    rc = proc.wait()
    disagreements = index_disagreements(home / "index", home / "wellspring.db")
    if rc != 0 or disagreements:
        report.failures.append(f"index: after the kills, rc {rc}, {disagreements} "
                               f"{proc.err[-500:]}")
    report.phases["index"] = {"contributions": size, "clean_build_seconds": round(full_seconds, 1),
                              "kill_points": points, "final": proc.out.strip()}
    return home


# -- phase 3: HTTP batch writes ---------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, proc: Run, timeout: float) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        try:
            r = httpx.get(f"{base}/health/ready", timeout=2)
            if r.status_code == 200:
                return dict(r.json())
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    return None


def create_editor_key(home: Path) -> str:
    proc = Run(home, "keys", "create", "--role", "editor", "--name", "crash-test")
    if proc.wait() != 0:
        raise RuntimeError(f"cannot create an editor key: {proc.err}")
    return proc.out.splitlines()[0].strip()


class Writers:
    """Threads posting batches of new contributions; remembers what was acknowledged."""

    def __init__(self, base: str, key: str, tag: str, n_threads: int, seed: int) -> None:
        self.base, self.key, self.tag = base, key, tag
        self.acked: list[list[str]] = []
        self.attempted: list[list[str]] = []
        self.errors: dict[str, int] = {}
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i, seed + i), daemon=True)
                        for i in range(n_threads)]

    def run(self, n: int, seed: int) -> None:
        rng = random.Random(seed)
        authors = member_ids()
        with httpx.Client(base_url=self.base, headers={"X-API-Key": self.key}, timeout=30) as c:
            seq = 0
            while not self.stop.is_set():
                ids = [f"x-{self.tag}-{n}-{seq}-{i}" for i in range(BATCH)]
                seq += 1
                body = {"mode": "create", "records": [contribution(i, rng, authors) for i in ids]}
                with self.lock:
                    self.attempted.append(ids)
                try:
                    r = c.post("/contributions/batch", json=body)
                except httpx.HTTPError as exc:  # the kill: unacknowledged, may or may not be in
                    self._error(type(exc).__name__)
                    continue
                if 200 <= r.status_code < 300:
                    with self.lock:
                        self.acked.append(ids)
                else:
                    self._error(str(r.status_code))

    def _error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def phase_http(home: Path, kills: int, rng: random.Random, report: Report, seed: int,
               window: tuple[float, float] = (1.0, 10.0)) -> None:
    key = create_editor_key(home)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db = home / "wellspring.db"
    extra = {"WELLSPRING_INDEX_SAVE_SECONDS": "2"}
    rounds = []
    all_acked: list[list[str]] = []
    all_attempted: list[list[str]] = []
    proc = Run(home, "serve", "--port", str(port), **extra)
    for round_no in range(kills):
        started = time.perf_counter()
        if wait_ready(base, proc, 240) is None:
            report.failures.append(f"http: service not ready (round {round_no}): "
                                   f"{proc.err[-800:]}")
            proc.kill()
            break
        ready_s = time.perf_counter() - started
        writers = Writers(base, key, f"r{round_no}", 4, seed * 1000 + round_no * 10)
        for t in writers.threads:
            t.start()
        delay = rng.uniform(*window)
        time.sleep(delay)
        proc.kill()  # SIGKILL while batches are in flight
        writers.stop.set()
        for t in writers.threads:
            t.join()
        report.kill_points += 1
        all_acked += writers.acked
        all_attempted += writers.attempted
        proc = Run(home, "serve", "--port", str(port), **extra)
        started = time.perf_counter()
        ready = wait_ready(base, proc, 240)
        if ready is None:
            report.failures.append(f"http: not ready after kill {round_no}: {proc.err[-800:]}")
            break
        rounds.append(check_http_round(home, db, ready, all_acked, all_attempted, writers,
                                       delay, ready_s, time.perf_counter() - started, report))
    proc.kill()
    report.phases["http"] = {
        "kill_points": rounds,
        "batches_acknowledged": len(all_acked),
        "batches_attempted": len(all_attempted),
    }


def check_http_round(home: Path, db: Path, ready: dict[str, Any], acked: list[list[str]],
                     attempted: list[list[str]], writers: Writers, delay: float, ready_s: float,
                     restart_s: float, report: Report) -> dict[str, Any]:
    present = present_ids(db, [i for batch in attempted for i in batch])
    lost = [i for batch in acked for i in batch if i not in present]
    partial = [batch[0] for batch in attempted if 0 < sum(i in present for i in batch) < BATCH]
    disagreements = index_disagreements(home / "index", db)
    manifest = read_manifest(home / "index" / (home / "index" / "CURRENT").read_text().strip())
    if lost:
        report.failures.append(f"http: {len(lost)} acknowledged record(s) lost, e.g. {lost[:3]}")
    if partial:
        report.failures.append(f"http: {len(partial)} partial batch(es), e.g. {partial[:3]}")
    if disagreements:
        report.failures.append(f"http: index disagrees with the store: {disagreements}")
    if ready.get("vectors") != manifest.get("vectors"):
        report.failures.append(f"http: served index has {ready.get('vectors')} vectors, "
                               f"saved generation {manifest.get('vectors')}")
    return {"killed_after_s": round(delay, 1), "acked_batches": len(writers.acked),
            "unacked_errors": writers.errors, "lost": len(lost), "partial_batches": len(partial),
            "index_agrees": not disagreements, "ready_again_s": round(restart_s, 1),
            "first_ready_s": round(ready_s, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="4 kill points, small data")
    parser.add_argument("--log", type=Path, help="also write the JSON result to this file")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    # (kill points, records) for ingest and index; kill points for http
    ingest, index, http = ((1, 3000), (1, 150), 2) if args.quick else ((6, 15_000), (4, 300), 11)
    window = (6.0, 10.0) if args.quick else (1.0, 10.0)  # seconds of writes before the kill
    work = args.work or Path(tempfile.mkdtemp(prefix="wellspring-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    report = Report()
    started = time.perf_counter()
    try:
        phase_ingest(work, *ingest, rng, report)
        home = phase_index(work, *index, rng, report)
        phase_http(home, http, rng, report, args.seed, window)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    result = {"kill_points": report.kill_points, "failures": report.failures,
              "passed": not report.failures, "seconds": round(time.perf_counter() - started, 1),
              "seed": args.seed, "quick": args.quick, "phases": report.phases,
              "machine": f"{os.cpu_count()} cores, CPU", "date": time.strftime("%Y-%m-%d")}
    print(json.dumps(result, indent=2))
    if args.log:
        args.log.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
