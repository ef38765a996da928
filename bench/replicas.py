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
from bench.synthetic import append_to_docs  # noqa: E402
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
    # the first write is read through a B that has served nothing yet (ready means warm)
    return {"n": n, "first_ms": round(out[0], 1) if out else None, **percentiles(out)}


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
                    store: PostgresStore, members: list[dict[str, Any]], kill_after_s: float
                    ) -> dict[str, Any]:
    requests = plan(distinct_needs(n, 99), 25, 99, members, "kill")
    killed: list[float] = []
    started_at = time.perf_counter()

    def kill() -> None:
        a.kill()
        killed.append(time.perf_counter() - started_at)

    timer = threading.Timer(kill_after_s, kill)  # about a third of the way through
    timer.start()
    latencies, errors, acked, elapsed = asyncio.run(drive(front, key, requests, concurrency))
    timer.join()
    if not killed or killed[0] >= elapsed:
        raise RuntimeError("the replica was killed after the load ended: raise --requests")
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
    return {"requests": len(requests), "seconds": round(elapsed, 1),
            "killed_at_s": round(killed[0], 1), "errors": errors, "acked_writes": len(ids),
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
    parser.add_argument("--visible-only", action="store_true",
                        help="only write-to-visible (no throughput, no kill): issue #32")
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
            if args.visible_only:
                report["load_after"] = load()
                print(json.dumps(report, indent=1))
                if not args.no_report:
                    write_visible_report(command, report)
                return 0
            hosts = [r.url.removeprefix("http://") for r in (a, b)]
            for r in (a, b):  # warm-up: lazily loaded parts (language detection, caches)
                throughput(r.url, key, [r.process.pid], 40, 4, 3, f"warm{r.url[-5:]}", members)
            with nginx_in_front(hosts[:1], root / "nginx1") as one, \
                    nginx_in_front(hosts, root / "nginx2") as two:
                arms: dict[str, list[dict[str, Any]]] = {"one": [], "two": []}
                for i, name in enumerate(["one", "two", "two", "one"]):  # ABBA, one plan each
                    front, pids = ((one, [a.process.pid]) if name == "one"
                                   else (two, [a.process.pid, b.process.pid]))
                    arms[name].append(throughput(front, key, pids, args.requests // 2,
                                                 args.concurrency, 7 + i, f"{name}{i}",
                                                 members))
                report["one_replica"] = _merged(arms["one"])
                report["two_replicas"] = _merged(arms["two"])
                expected_s = args.requests / report["two_replicas"]["requests_per_s"]
                report["kill"] = kill_under_load(two, a, key, args.requests, args.concurrency,
                                                 store, members, kill_after_s=expected_s / 3)
    report["load_after"] = load()
    print(json.dumps(report, indent=1))
    if not args.no_report:
        write_report(command, report)
    return 0


def _merged(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Two rounds of one arm as one figure: requests/s over both, the rounds' medians."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    return {"requests": requests, "seconds": round(seconds, 1),
            "requests_per_s": round(requests / seconds, 2),
            "rounds_requests_per_s": [r["requests_per_s"] for r in rounds],
            "experts_ms": {k: max(r["experts_ms"].get(k, 0) for r in rounds)
                           for k in ("p50_ms", "p95_ms")},
            "errors": {k: v for r in rounds for k, v in r["errors"].items()},
            "replica_cpu_s": [round(sum(c), 1) for c in zip(*(r["replica_cpu_s"]
                                                              for r in rounds), strict=True)],
            "load": " / ".join(r["load"] for r in rounds)}


def _encoded(r: Replica) -> str:
    """What the replica's start-up sync encoded (/health/ready's startup_sync)."""
    sync = httpx.get(f"{r.url}/health/ready", timeout=10).json()["startup_sync"]
    return f"{sync['encoded_texts']} encoded, {sync['stored_texts']} from the store"


def write_visible_report(command: str, r: dict[str, Any]) -> None:
    """``--visible-only``: the first write read through a replica that has served nothing."""
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    vis = r["visible_ms"]
    text = (f"\n### {when} — bench/replicas.py (write-to-visible only)\n\n`{command}`  \n"
            f"Machine: {os.cpu_count()} CPU cores, Python {platform.python_version()}; "
            f"PostgreSQL 15 (throwaway cluster); load before {r['load_before']}, after "
            f"{r['load_after']}\n\n| measure | figure |\n|---|---|\n"
            f"| first write on A → visible on B, B having served nothing (goal ≤ 1,000 ms) | "
            f"**{vis['first_ms']} ms** |\n| all {vis['n']} writes | p50 {vis.get('p50_ms')} ms, "
            f"p95 {vis.get('p95_ms')} ms |\n| two replicas ready | "
            f"{r['two_replicas_ready_s']} s (start-up syncs: {r['replica_encoded']}) |\n")
    append_to_docs(text)


def write_report(command: str, r: dict[str, Any]) -> None:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, "
               f"{platform.machine()}; PostgreSQL 15 (throwaway cluster), nginx 1.22")
    one, two, kill = r["one_replica"], r["two_replicas"], r["kill"]
    ratio = two["requests_per_s"] / one["requests_per_s"]
    vis = r["visible_ms"]

    def arm(x: dict[str, Any]) -> str:
        e = x["experts_ms"]
        return (f"{x['requests_per_s']} requests/s (rounds {x['rounds_requests_per_s']}), "
                f"`/experts` worst round's p50 {e.get('p50_ms')} ms, "
                f"p95 {e.get('p95_ms')} ms, replica CPU {x['replica_cpu_s']} s, "
                f"errors {x['errors'] or 0} (load {x['load']})")

    rows = [
        ("write on A → visible in `/experts` on B",
         f"p50 {vis.get('p50_ms')} ms, p95 {vis.get('p95_ms')} ms ({vis['n']} writes; goal p95 "
         "≤ 1,000 ms)"),
        ("1 replica behind nginx", arm(one)),
        ("2 replicas behind nginx", f"{arm(two)}; **{ratio:.2f}×** the requests/s of one"),
        ("kill -9 of A under load (through nginx)",
         f"killed at {kill['killed_at_s']} s of a {kill['seconds']} s run; "
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
            "(bench/load_ab.py's generator), every fiftieth a batch write of 5; after a "
            "warm-up round on each replica, the arms ran ABBA (1, 2, 2, 1 replicas), each round "
            "its own plan.\n")
    append_to_docs(text)


if __name__ == "__main__":
    sys.exit(main())
