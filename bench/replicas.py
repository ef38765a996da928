"""Replicas on one PostgreSQL (issue #16): write-to-visible across replicas, 1 vs 2 replicas
behind nginx under the same load, kill -9 of one replica under load, and a replica that starts
on a store whose vectors are already there.

A throwaway PostgreSQL cluster (tests/pg_support.py) holds the sample community (data/); the
replicas are real `wellspring serve` processes with the bundled models, each with its own home;
nginx runs the configuration `wellspring nginx-config` prints. Figures go to
docs/BENCHMARKS.md and docs/RELIABILITY.md with command, machine, date and load.

    .venv/bin/python -m bench.replicas --visible 30 --requests 400 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_ab import distinct_needs, plan  # noqa: E402
from bench.load_test import drive, percentiles  # noqa: E402
from indexing.ingest import ingest_paths  # noqa: E402
from indexing.store.keys import KeyStore  # noqa: E402
from indexing.store.postgres import PostgresStore  # noqa: E402
from tests.api.replica_support import Replica, nginx_in_front, replicas  # noqa: E402
from tests.pg_support import start_cluster  # noqa: E402


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def visible_latency(a: Replica, b: Replica, key: str, n: int, author: str) -> dict[str, Any]:
    """POST a contribution on A; time until /experts on B shows it (ms)."""
    out: list[float] = []
    for i in range(n):
        cid = f"vis-{i}-{int(time.time() * 1000)}"
        word = f"quaggazebra{i}x"
        body = {"id": cid, "type": "case_study", "date": "2024-05-01", "authors": [author],
                "title": f"{word} fouling of raw water intakes",
                "text": f"{word} mussels clogged the intake; pigging cleared it."}
        r = httpx.post(f"{a.url}/contributions", json=body, headers={"X-API-Key": key},
                       timeout=120)
        r.raise_for_status()
        acked = time.perf_counter()
        while True:
            res = httpx.get(f"{b.url}/experts", params={"q": f"{word} fouling", "top": 5},
                            timeout=60).json()
            if any(e["contribution_id"] == cid for m in res["results"] for e in m["evidence"]):
                out.append((time.perf_counter() - acked) * 1000)
                # one probe at a time: the member's evidence shows their best few contributions
                httpx.delete(f"{a.url}/contributions/{cid}", headers={"X-API-Key": key},
                             timeout=120).raise_for_status()
                break
            if time.perf_counter() - acked > 30:
                raise RuntimeError(f"{cid} not visible on B after 30 s")
            time.sleep(0.02)
    return {"n": n, **percentiles(out)}


def throughput(base: str, key: str, pids: list[int], n: int, concurrency: int, seed: int,
               tag: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    requests = plan(distinct_needs(n, seed), 50, seed, members, tag)
    cpu0 = [cpu_seconds(p) for p in pids]
    latencies, errors, acked, elapsed = asyncio.run(drive(base, key, requests, concurrency))
    cpu = [round(cpu_seconds(p) - c, 1) for p, c in zip(pids, cpu0, strict=True)]
    return {"requests": len(requests), "seconds": round(elapsed, 1),
            "requests_per_s": round(len(requests) / elapsed, 2),
            "experts_ms": percentiles(latencies["experts"]), "write_ms": percentiles(
                latencies["write"]), "errors": errors, "acked_writes": sum(map(len, acked)),
            "replica_cpu_s": cpu, "load": load()}


def kill_under_load(front: str, a: Replica, key: str, n: int, concurrency: int,
                    store: PostgresStore, members: list[dict[str, Any]]) -> dict[str, Any]:
    requests = plan(distinct_needs(n, 99), 25, 99, members, "kill")
    timer = threading.Timer(8.0, a.kill)  # halfway through, roughly
    timer.start()
    latencies, errors, acked, _ = asyncio.run(drive(front, key, requests, concurrency))
    timer.join()
    ids = [i for batch in acked for i in batch]
    stored = store.existing_ids("contributions", ids)
    started = time.perf_counter()
    a.restart()
    ready_s = time.perf_counter() - started
    while True:
        feed = httpx.get(f"{a.url}/health/ready", timeout=10).json()["feed"]
        if feed["lag_changes"] == 0:
            break
        time.sleep(0.1)
    return {"requests": len(requests), "errors": errors, "acked_writes": len(ids),
            "acked_writes_lost": len(ids) - len(stored), "experts_ms": percentiles(
                latencies["experts"]), "restart_to_ready_s": round(ready_s, 1),
            "restart_to_caught_up_s": round(time.perf_counter() - started, 1), "load": load()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visible", type=int, default=30)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--data", type=Path, default=ROOT / "data",
                        help="the community to load (default: the sample, data/)")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    command = "python -m bench.replicas " + " ".join(sys.argv[1:])
    report: dict[str, Any] = {"load_before": load()}
    with tempfile.TemporaryDirectory(prefix="ws-replicas-") as tmp, start_cluster() as cluster:
        url = cluster.new_database()
        store = PostgresStore(url)
        assert not ingest_paths(store, [args.data]).errors
        report["community"] = store.counts()
        _, key = KeyStore(store).create("editor", name="bench")
        members = [{"id": m.id, "country": m.country} for m in store.members()]
        root = Path(tmp)
        started = time.perf_counter()  # encode once, into the store (a replica need not)
        out = subprocess.run(
            [sys.executable, "-m", "api.cli", "index"], cwd=ROOT, capture_output=True, text=True,
            check=True, env={**os.environ, "WELLSPRING_HOME": str(root / "indexer"),
                             "WELLSPRING_DATABASE_URL": url, "HF_HUB_OFFLINE": "1"})
        report["first_index_s"] = round(time.perf_counter() - started, 1)
        report["first_index"] = (out.stdout + out.stderr).strip().splitlines()[-1][:300]
        started = time.perf_counter()
        with replicas(url, root / "pair", count=2) as (a, b):
            report["two_replicas_ready_s"] = round(time.perf_counter() - started, 1)
            report["replica_encoded"] = [_encoded(r) for r in (a, b)]
            report["visible_ms"] = visible_latency(a, b, key, args.visible, members[0]["id"])
            hosts = [r.url.removeprefix("http://") for r in (a, b)]
            with nginx_in_front(hosts[:1], root / "nginx1") as front:
                report["one_replica"] = throughput(front, key, [a.process.pid], args.requests,
                                                   args.concurrency, 7, "one", members)
            with nginx_in_front(hosts, root / "nginx2") as front:
                report["two_replicas"] = throughput(
                    front, key, [a.process.pid, b.process.pid], args.requests,
                    args.concurrency, 7, "two", members)
                report["kill"] = kill_under_load(front, a, key, args.requests // 2,
                                                 args.concurrency, store, members)
    report["load_after"] = load()
    print(json.dumps(report, indent=1))
    if not args.no_report:
        write_report(command, report)
    return 0


def _encoded(r: Replica) -> str:
    """What the replica's start-up sync encoded (/health/ready's startup_sync)."""
    sync = httpx.get(f"{r.url}/health/ready", timeout=10).json()["startup_sync"]
    return f"{sync['encoded_texts']} encoded, {sync['stored_texts']} from the store"


def write_report(command: str, r: dict[str, Any]) -> None:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, "
               f"{platform.machine()}; PostgreSQL 15 (throwaway cluster), nginx 1.22")
    one, two, kill = r["one_replica"], r["two_replicas"], r["kill"]
    ratio = two["requests_per_s"] / one["requests_per_s"]
    vis = r["visible_ms"]

    def arm(x: dict[str, Any]) -> str:
        e = x["experts_ms"]
        return (f"{x['requests_per_s']} requests/s, `/experts` p50 {e.get('p50')} ms, "
                f"p95 {e.get('p95')} ms, replica CPU {x['replica_cpu_s']} s, "
                f"errors {x['errors'] or 0} (load {x['load']})")

    rows = [
        ("write on A → visible in `/experts` on B",
         f"p50 {vis.get('p50')} ms, p95 {vis.get('p95')} ms ({vis['n']} writes; goal p95 "
         "≤ 1,000 ms)"),
        ("1 replica behind nginx", arm(one)),
        ("2 replicas behind nginx", f"{arm(two)}; **{ratio:.2f}×** the requests/s of one"),
        ("kill -9 of A under load (through nginx)",
         f"errors {kill['errors'] or 0} of {kill['requests']} requests; "
         f"{kill['acked_writes']} acknowledged writes, {kill['acked_writes_lost']} lost; A "
         f"ready again in {kill['restart_to_ready_s']} s, caught up with the feed in "
         f"{kill['restart_to_caught_up_s']} s"),
        (f"start-up ({r['community']})",
         f"`wellspring index` on the PostgreSQL store first: {r['first_index_s']} s "
         f"(`{r['first_index']}`); then two replicas on fresh homes ready together in "
         f"{r['two_replicas_ready_s']} s, their start-up syncs: {r['replica_encoded']}"),
    ]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    text = (f"\n### {when} — bench/replicas.py\n\n`{command}`  \nMachine: {machine}; load "
            f"before {r['load_before']}, after {r['load_after']}\n\n| measure | figure |\n"
            f"|---|---|\n{table}\n\nRequests: {one['requests']} per arm, distinct needs "
            "(bench/load_ab.py's generator), every fiftieth a batch write of 5; the same plan "
            "for 1 and 2 replicas.\n")
    for doc in ("BENCHMARKS.md", "RELIABILITY.md"):
        path = ROOT / "docs" / doc
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text,
                        encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
