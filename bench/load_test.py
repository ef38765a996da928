"""Bounded load test on loopback: a real uvicorn process, an asynchronous httpx client.

N requests (default 10,000) at a fixed concurrency (default 50): 90 % GET /experts with varied
needs and filters, 10 % POST /contributions/batch with an editor key (1-3 new contributions
each). Reports errors (any non-2xx or transport error), p50/p95/p99 latency per kind, throughput,
and the service's resident memory (VmRSS) when ready, after a warm-up and after the load. Then
it stops the service gracefully and checks that every acknowledged write is in the store and that
the saved index agrees with it.

Loopback only: the service is started by this script on 127.0.0.1 and a free port.
Rerun (docs/RELIABILITY.md):
    HF_HUB_OFFLINE=1 .venv/bin/python bench/load_test.py --requests 10000 --concurrency 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexing.backup import index_disagreements  # noqa: E402

NEEDS = [
    "acoustic leak detection in intermittent supply networks",
    "groundwater recharge modelling for a semi-arid aquifer",
    "non-revenue water reduction programme for a utility",
    "faecal sludge management for informal settlements",
    "tariff design that protects poor households",
    "flood early warning with river gauges and radar",
    "desalination energy costs and brine disposal",
    "community-managed rural water points maintenance",
    "smart metering rollout and billing data quality",
    "wastewater reuse for irrigation and health risks",
    "climate adaptation of urban drainage",
    "chlorine residual monitoring in distribution",
    "transboundary river basin governance",
    "drought contingency planning for a city",
    "hydraulic model calibration with pressure loggers",
    "who can help with SCADA telemetry for pumping stations",
    "réduction des pertes d'eau dans les réseaux",
    "gestión comunitaria del agua en zonas rurales",
    "nature-based solutions for catchment restoration",
    "borehole siting with geophysics",
]
TYPES = ["publication", "forum_post", "project_report", "webinar", "dataset",
         "newsletter_article", "case_study"]
LEVELS = ["core", "active", "occasional", "peripheral", "transactional"]


def sample_data() -> tuple[Path, str]:
    """The sample community in data/ if it is there, else the test fixture (and say which)."""
    data = ROOT / "data"
    if list(data.glob("members*.jsonl")) and list(data.glob("contributions*.jsonl")):
        return data, "data/ (sample community)"
    return ROOT / "tests" / "data", "tests/data (data/ had no JSONL yet)"


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env_for(home),
                          capture_output=True, text=True, check=True)


def env_for(home: Path) -> dict[str, str]:
    return dict(os.environ, WELLSPRING_HOME=str(home), HF_HUB_OFFLINE="1",
                TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def plan_requests(n: int, write_share: float, seed: int, members: list[dict[str, Any]]
                  ) -> list[tuple[str, dict[str, Any]]]:
    """A fixed, seeded list of requests: ("experts", params) or ("write", body)."""
    rng = random.Random(seed)
    countries = sorted({m["country"] for m in members})
    orgs = sorted({m["organisation_id"] for m in members})
    authors = [m["id"] for m in members]
    out: list[tuple[str, dict[str, Any]]] = []
    for i in range(n):
        if rng.random() < write_share:
            records = [{
                "id": f"load-{seed}-{i}-{j}", "type": rng.choice(TYPES[:3]),
                "title": f"Load test note {i}: {rng.choice(NEEDS)}",
                "text": f"{rng.choice(NEEDS)}. {rng.choice(NEEDS)}.", "date": "2024-06-01",
                "authors": [rng.choice(authors)],
            } for j in range(rng.randint(1, 3))]
            out.append(("write", {"mode": "create", "records": records}))
            continue
        params: dict[str, Any] = {"q": rng.choice(NEEDS), "top": rng.choice([5, 10, 20])}
        roll = rng.random()
        if roll < 0.2:
            params["country"] = rng.sample(countries, k=min(2, len(countries)))
        elif roll < 0.35:
            params["level"] = rng.choice(LEVELS[:3])
        elif roll < 0.5:
            params["type"] = rng.sample(TYPES, k=2)
        elif roll < 0.6:
            params["since"] = f"{rng.randint(2012, 2023)}-01-01"
        elif roll < 0.65:
            params["organisation"] = rng.choice(orgs)
        elif roll < 0.7:
            params["language"] = "en"
        out.append(("experts", params))
    return out


async def drive(base: str, key: str, plan: list[tuple[str, dict[str, Any]]], concurrency: int,
                on_write: Callable[[dict[str, Any]], Coroutine[Any, Any, None]] | None = None
                ) -> tuple[dict[str, list[float]], dict[str, int], list[list[str]], float]:
    """Send every planned request with at most ``concurrency`` in flight; ``on_write``, when
    given, runs beside the load after each acknowledged write (bench/visibility.py)."""
    followers: list[asyncio.Task[None]] = []
    latencies: dict[str, list[float]] = {"experts": [], "write": []}
    errors: dict[str, int] = {}
    acked: list[list[str]] = []
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            kind, payload = queue.get_nowait()
            started = time.perf_counter()
            try:
                if kind == "experts":
                    r = await client.get("/experts", params=payload)
                else:
                    r = await client.post("/contributions/batch", json=payload,
                                          headers={"X-API-Key": key})
            except httpx.HTTPError as exc:
                errors[f"{kind} {type(exc).__name__}"] = errors.get(
                    f"{kind} {type(exc).__name__}", 0) + 1
                continue
            latencies[kind].append((time.perf_counter() - started) * 1000)
            if not 200 <= r.status_code < 300:
                errors[f"{kind} {r.status_code}"] = errors.get(f"{kind} {r.status_code}", 0) + 1
            elif kind == "write":
                acked.append([rec["id"] for rec in payload["records"]])
                if on_write is not None:
                    followers.append(asyncio.create_task(on_write(payload)))

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started  # the load's own time, without the last probes
    await asyncio.gather(*followers)
    return latencies, errors, acked, elapsed


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    p = np.percentile(np.asarray(values), [50, 95, 99])
    return {"n": len(values), "p50_ms": round(float(p[0]), 1), "p95_ms": round(float(p[1]), 1),
            "p99_ms": round(float(p[2]), 1), "max_ms": round(max(values), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--write-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--data", type=Path, help="JSONL folder (default: data/, else tests/data)")
    parser.add_argument("--from-home", type=Path,
                        help="start from a copy of this home (already ingested and indexed "
                             "from --data): skips the encoding, not the checks")
    args = parser.parse_args()
    if args.requests > 10_000 or args.concurrency > 50:
        parser.error("bounded: at most 10,000 requests at concurrency 50")
    data, data_label = (args.data, str(args.data)) if args.data else sample_data()
    work = Path(tempfile.mkdtemp(prefix="wellspring-load-"))
    home = work / "home"
    if args.from_home:
        shutil.copytree(args.from_home, home, ignore=shutil.ignore_patterns("*.service-lock"))
    proc = None
    try:
        run_cli(home, "ingest", str(data))
        run_cli(home, "index")
        key = run_cli(home, "keys", "create", "--role", "editor", "--name", "load"
                      ).stdout.splitlines()[0].strip()
        members = [json.loads(line) for f in sorted(data.glob("members*.jsonl"))
                   for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (work / "serve.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)], cwd=ROOT,
            env=env_for(home), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError("the service did not become ready")
        vectors_before = httpx.get(f"{base}/health/ready").json()["vectors"]
        rss_ready = rss_mib(proc.pid)
        warm = plan_requests(args.warmup, 0.0, args.seed + 1, members)
        asyncio.run(drive(base, key, warm, min(args.concurrency, 10)))
        rss_warm = rss_mib(proc.pid)
        plan = plan_requests(args.requests, args.write_share, args.seed, members)
        latencies, errors, acked, seconds = asyncio.run(
            drive(base, key, plan, args.concurrency))
        rss_after = rss_mib(proc.pid)
        vectors_after = httpx.get(f"{base}/health/ready").json()["vectors"]
        proc.send_signal(signal.SIGTERM)  # graceful: the lifespan saves the index
        proc.wait(timeout=120)
        proc = None
        db = home / "wellspring.db"
        import sqlite3

        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        stored = {r[0] for r in conn.execute("SELECT id FROM contributions WHERE id LIKE 'load-%'")}
        conn.close()
        lost = [i for batch in acked for i in batch if i not in stored]
        result = {
            "requests": args.requests, "concurrency": args.concurrency,
            "write_share": args.write_share, "data": data_label,
            "errors": sum(errors.values()), "errors_by_kind": errors,
            "seconds": round(seconds, 1), "requests_per_s": round(args.requests / seconds, 1),
            "experts": percentiles(latencies["experts"]), "writes": percentiles(latencies["write"]),
            "all": percentiles(latencies["experts"] + latencies["write"]),
            "rss_mib": {"ready": rss_ready, "after_warmup": rss_warm, "after_load": rss_after},
            "vectors": {"before": vectors_before, "after": vectors_after},
            "acknowledged_writes_lost": len(lost),
            "index_disagreements_after_stop": index_disagreements(home / "index", db),
            "machine": f"{os.cpu_count()} cores, CPU, one uvicorn worker",
            "date": time.strftime("%Y-%m-%d"),
        }
        print(json.dumps(result, indent=2))
        ok = not errors and not lost and not result["index_disagreements_after_stop"]
        return 0 if ok else 1
    finally:
        if proc is not None:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
