"""Where a request's CPU goes (issue #33): served and in-process, by kind of need.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.cpu_budget --home HOME [--serve-args "--workers 1"]

Throughput on a host is bounded by its cores divided by the CPU one request costs. This bench
measures that cost, not the latency: ``wellspring serve`` from this checkout on a copy of
``HOME`` (as bench/load_ab.py), driven with distinct needs (load_ab's generator) in six mixes,
at concurrency 50 unless said: the load_ab plan (60 % English, 40 % French/Spanish, a write of
5 contributions every 20 requests), the same without writes, English needs only, French and
Spanish only, English needs one at a time (concurrency 1: no contention), and the framework
alone (GET /health/live: every middleware, no answer). For each: requests/s, the service's
CPU per request (user + system of the serve and its workers, /proc) and the load generator's
(this process). Then the answer alone, in this process, no HTTP: ``Matcher.find_experts`` on
200 English and 200 French/Spanish needs one after another, with the model on one thread and
on the default threads.

Prints JSON; the figures are quoted in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_ab import Service, distinct_needs, plan, tree_cpu_seconds  # noqa: E402
from bench.load_test import drive  # noqa: E402

KINDS = {"english": {"en": 1.0}, "other": {"fr": 0.5, "es": 0.5}}


def served(service: Service, members: list[dict[str, Any]], requests: int, seed: int
           ) -> dict[str, Any]:
    """The four mixes against one service: requests/s and CPU per request."""
    assert service.proc is not None
    out: dict[str, Any] = {}
    mixes = [("plan_with_writes", 20, None, 50), ("plan_without_writes", 0, None, 50),
             ("english_only", 0, "english", 50), ("french_spanish_only", 0, "other", 50),
             ("english_one_at_a_time", 0, "english", 1), ("framework_only", 0, None, 50)]
    for n, (name, write_every, kind, concurrency) in enumerate(mixes):
        needs = distinct_needs(requests, seed + n, KINDS[kind] if kind else None)
        reqs = plan(needs, write_every, seed + n, members, f"cpu{n}")
        cpu, mine = tree_cpu_seconds(service.proc.pid), time.process_time()
        if name == "framework_only":
            errors, elapsed = asyncio.run(_live(service.base, len(reqs), concurrency))
        else:
            _, by_kind, _, elapsed = asyncio.run(drive(service.base, service.key, reqs,
                                                       concurrency))
            errors = sum(by_kind.values())
        cpu, mine = tree_cpu_seconds(service.proc.pid) - cpu, time.process_time() - mine
        out[name] = {"requests": len(reqs), "concurrency": concurrency,
                     "requests_per_s": round(len(reqs) / elapsed, 1),
                     "service_cpu_ms": round(cpu * 1000 / len(reqs), 1),
                     "generator_cpu_ms": round(mine * 1000 / len(reqs), 1), "errors": errors}
    return out


async def _live(base: str, requests: int, concurrency: int) -> tuple[int, float]:
    """``requests`` GET /health/live at ``concurrency``: the errors and the seconds taken."""
    left, errors = [requests], [0]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def one(client: httpx.AsyncClient) -> None:
        while left[0] > 0:
            left[0] -= 1
            if (await client.get("/health/live")).status_code != 200:
                errors[0] += 1

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.gather(*(one(client) for _ in range(concurrency)))
    return errors[0], time.perf_counter() - started


def in_process(home: Path, threads: str, count: int, seed: int) -> dict[str, Any]:
    """``find_experts`` alone, sequentially, in a child process (its own model threads)."""
    code = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
from api.commands.common import open_matcher
from bench.cpu_budget import KINDS
from bench.load_ab import distinct_needs
from indexing.settings import Settings
m = open_matcher(Settings())
out = {{}}
for kind in ("english", "other"):
    chosen = distinct_needs(2 * {count}, {seed}, KINDS[kind])
    for n in chosen[{count}:]:  # warm: what is built on first use (20 needs were not enough)
        m.find_experts(n)
    cpu, wall = time.process_time(), time.perf_counter()
    for n in chosen[:{count}]:
        m.find_experts(n)
    k = {count}
    out[kind] = {{"needs": k, "cpu_ms": round((time.process_time() - cpu) * 1000 / k, 1),
                 "wall_ms": round((time.perf_counter() - wall) * 1000 / k, 1)}}
print(json.dumps(out))
"""
    env = dict(os.environ, WELLSPRING_HOME=str(home), HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", WELLSPRING_TORCH_THREADS=threads)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True,
                        help="an ingested and indexed home (copied, never changed)")
    parser.add_argument("--serve-args", default="--workers 1")
    parser.add_argument("--requests", type=int, default=600, help="per mix (at most 2,000)")
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args()
    if args.requests > 2000:
        parser.error("bounded: at most 2,000 requests a mix")
    members = [json.loads(x) for x in (ROOT / "data" / "members.jsonl").read_text(
        "utf-8").splitlines() if x.strip()]
    work = Path(tempfile.mkdtemp(prefix="wellspring-cpu-"))
    service = Service("S", ROOT, args.home, work, {"WELLSPRING_TORCH_THREADS": "0"},
                      shlex.split(args.serve_args))
    try:
        service.wait_ready()
        asyncio.run(drive(service.base, service.key,  # warm-up, as load_ab
                          plan(distinct_needs(60, args.seed - 1), 0, 0, members, "w"), 10))
        load_before = os.getloadavg()[0]
        result: dict[str, Any] = {"serve_args": args.serve_args,
                                  "served": served(service, members, args.requests, args.seed)}
        lost = service.stop()
        result["acknowledged_writes_lost"] = len(lost)
        result["in_process"] = {
            f"model_threads_{t}": in_process(work / "S", t, 200, args.seed) for t in ("1", "0")}
        result |= {"load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                   "machine": f"{os.cpu_count()} cores, CPU",
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "command": " ".join(sys.argv)}
        print(json.dumps(result, indent=1))
        return 0
    finally:
        if service.proc is not None:
            service.proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
