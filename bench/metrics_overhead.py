"""Overhead of the metrics instrumentation on GET /experts: WELLSPRING_METRICS=on vs off, side by
side in one run.

    .venv/bin/python bench/metrics_overhead.py [--data data] [--home DIR] [--requests 300]

Builds one home from ``--data`` (ingest + index, English index only: the needs are English),
copies it twice, and starts two ``wellspring serve`` processes on them, one with
``WELLSPRING_METRICS=on`` and one with ``off`` (both with ``WELLSPRING_LOG_FORMAT=json``, access
lines to a file). The requests are interleaved (request i goes to both servers, the order
alternating), sequential, so both arms see the same load at the same moments. At the end the
"on" server's /metrics is scraped (from loopback) to show it counted every request, and each
server's JSON log is parsed. Prints JSON and appends a section to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.api_latency import NEEDS, free_port, percentile, prepare_home  # noqa: E402

ARMS = ("off", "on")


def start(home: Path, metrics: str, log: Path, base_env: dict[str, str]
          ) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**base_env, "WELLSPRING_HOME": str(home), "WELLSPRING_METRICS": metrics,
           "WELLSPRING_LOG_FORMAT": "json"}
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--host",
                                   "127.0.0.1", "--port", str(port)],
                                  env=env, cwd=ROOT, stderr=out, stdout=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def wait_ready(client: httpx.Client) -> int:
    for _ in range(900):
        try:
            ready = client.get("/health/ready")
            if ready.status_code == 200:
                return int(ready.json()["vectors"])
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{client.base_url} never became ready")


def summary(latencies: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(latencies, 0.50), 2),
            "p95_ms": round(percentile(latencies, 0.95), 2),
            "mean_ms": round(statistics.fmean(latencies), 2)}


def scraped_experts(client: httpx.Client) -> float:
    """GET /experts 2xx answers the "on" server's histogram counted."""
    text = client.get("/metrics").raise_for_status().text
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "wellspring_http_request_duration_seconds_count"
               and s.labels.get("route") == "/experts" and s.labels.get("status") == "2xx")


def access_lines(log: Path) -> tuple[int, int]:
    """(JSON access lines for /experts, lines of the log that are not JSON objects)."""
    parsed, other = [], 0
    for line in log.read_text().splitlines():
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            other += 1
    experts = sum(1 for x in parsed if x.get("logger") == "api.access"
                  and x.get("route") == "/experts")
    return experts, other


def instrumentation_us(work: Path, n: int = 50_000) -> float:
    """Microseconds of the instrumentation's own work for one /experts request, in this process:
    the in-progress gauge up and down, one latency observation, one encoder pass observed."""
    from api.metrics import HttpMetrics
    from api.settings import ServiceSettings
    from api.state import ServiceState
    from indexing.metrics import observe_encode_pass

    metrics = HttpMetrics(ServiceState(settings=ServiceSettings(storage={"home": work})))
    started = time.perf_counter()
    for _ in range(n):
        metrics.in_progress.inc()
        observe_encode_pass("bench-encoder", "query", 1, 0.004)
        metrics.observe("/experts", "GET", 200, 0.012)
        metrics.in_progress.dec()
    return (time.perf_counter() - started) / n * 1e6


def run(data: Path, home: Path, n_requests: int, warmup: int, work: Path) -> dict[str, object]:
    env = {**os.environ, "WELLSPRING_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "WELLSPRING_LANGUAGE_ROUTING": "off"}
    prepare_home(data, home, env)
    servers, clients, logs = {}, {}, {}
    try:
        for arm in ARMS:
            arm_home = work / f"home-{arm}"
            shutil.copytree(home, arm_home, dirs_exist_ok=True)
            logs[arm] = work / f"serve-{arm}.log"
            servers[arm], url = start(arm_home, arm, logs[arm], env)
            clients[arm] = httpx.Client(base_url=url, timeout=60)
        vectors = {arm: wait_ready(clients[arm]) for arm in ARMS}
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        latencies: dict[str, list[float]] = {arm: [] for arm in ARMS}
        errors = dict.fromkeys(ARMS, 0)
        started = time.time()
        for i in range(warmup + n_requests):
            params: dict[str, object] = {"q": NEEDS[i % len(NEEDS)], "top": 10}
            if i % 4 == 3:
                params["level"] = ["core", "active"]
            for arm in (ARMS if i % 2 == 0 else ARMS[::-1]):
                t0 = time.perf_counter()
                r = clients[arm].get("/experts", params=params)
                elapsed = (time.perf_counter() - t0) * 1000
                errors[arm] += r.status_code != 200
                if i >= warmup:
                    latencies[arm].append(elapsed)
        seconds = time.time() - started
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        counted = scraped_experts(clients["on"])
        off_metrics = clients["off"].get("/metrics").status_code
    finally:
        for arm, server in servers.items():
            clients[arm].close()
            server.terminate()
            server.wait(timeout=30)
    arms = {arm: {**summary(latencies[arm]), "errors": errors[arm],
                  **dict(zip(("json_access_lines", "non_json_lines"), access_lines(logs[arm]),
                             strict=True))} for arm in ARMS}
    return {
        "route": "GET /experts", "requests_per_arm": n_requests, "warmup": warmup,
        "arms": arms,
        "p50_overhead_ms": round(arms["on"]["p50_ms"] - arms["off"]["p50_ms"], 2),  # type: ignore[operator]
        "instrumentation_us_per_request": round(instrumentation_us(work), 1),
        "on_server_counted_experts_2xx": counted, "off_server_metrics_status": off_metrics,
        "vectors": vectors["on"], "data": str(data), "seconds": round(seconds, 1),
        "load_before": " ".join(load_before), "load_after": " ".join(load_after),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPU only, "
                   f"Python {platform.python_version()}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def append_section(r: dict[str, object], command: str) -> None:
    path = ROOT / "docs" / "BENCHMARKS.md"
    arms: dict[str, dict[str, object]] = r["arms"]  # type: ignore[assignment]
    rows = "\n".join(
        f"| {arm} | {a['p50_ms']} | {a['p95_ms']} | {a['mean_ms']} | {a['errors']} "
        f"| {a['json_access_lines']} | {a['non_json_lines']} |" for arm, a in arms.items())
    text = path.read_text().rstrip("\n") + f"""

### {r['date']} — bench/metrics_overhead.py (WELLSPRING_METRICS on vs off)

`{command}`

Two `wellspring serve` processes over copies of one home ({r['vectors']} vectors,
`{r['data']}`, English index only), {r['requests_per_arm']} sequential GET /experts per arm
after {r['warmup']} warm-up, interleaved (order alternating). {r['machine']}; load
{r['load_before']} before, {r['load_after']} after ({r['seconds']} s).

| WELLSPRING_METRICS | p50 ms | p95 ms | mean ms | errors | JSON access lines | other lines |
|---|---|---|---|---|---|---|
{rows}

p50 overhead of the instrumentation (on − off): **{r['p50_overhead_ms']} ms**; its own work
per request (gauge up/down, one latency and one encoder-pass observation, timed in a loop in
the bench process) is {r['instrumentation_us_per_request']} µs. The "on" server's histogram
counted {r['on_server_counted_experts_2xx']:.0f} GET /experts 2xx (warm-up included); the "off"
server answered /metrics with {r['off_server_metrics_status']}. Both write a JSON access line per
request (the access log is not part of the switch).
"""
    path.write_text(text)


def main() -> None:
    from bench.api_latency import serving_args

    args, data = serving_args(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        result = run(data, home, args.requests, args.warmup, Path(tmp))
    print(json.dumps(result, indent=2))
    if not args.no_doc:
        append_section(result, "python " + " ".join(sys.argv))


if __name__ == "__main__":
    main()
