"""p50/p95 latency of GET /experts through a real uvicorn process and a real httpx client.

    .venv/bin/python bench/api_latency.py [--data data] [--home DIR] [--requests 300]

Builds a home from ``--data`` (ingest + index, in a temporary folder unless ``--home`` names one
that already holds a store), starts ``uvicorn api.app:create_app --factory`` on a free port,
sends sequential requests with varied needs (and a filter on every fourth), prints JSON, and
appends a dated row to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
NEEDS = [
    "reducing non-revenue water in intermittent supply systems",
    "managed aquifer recharge with treated wastewater",
    "brine discharge from seawater reverse osmosis plants",
    "faecal sludge treatment in small towns",
    "flood early warning with telemetric river gauges",
    "transboundary river basin treaty negotiation",
    "SCADA cybersecurity for water utilities",
    "tariff reform and affordability for the urban poor",
    "drought contingency planning for municipalities",
    "arsenic in shallow tube wells",
    "climate adaptation finance for rural water supply",
    "leak detection with acoustic loggers",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_home(data: Path, home: Path, env: dict[str, str]) -> None:
    if (home / "wellspring.db").exists():
        return
    cli = [sys.executable, "-m", "api.cli"]
    # --skip-invalid: the sample data may hold a few bad records; the good ones are served
    subprocess.run([*cli, "ingest", "--skip-invalid", str(data)], env=env, cwd=ROOT, check=False,
                   stderr=subprocess.DEVNULL)
    subprocess.run([*cli, "index"], env=env, cwd=ROOT, check=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(data: Path, home: Path, n_requests: int, warmup: int) -> dict[str, object]:
    env = {**os.environ, "WELLSPRING_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    prepare_home(data, home, env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            for _ in range(600):
                try:
                    ready = client.get("/health/ready")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            else:
                raise SystemExit("the server never became ready")
            vectors = ready.json()["vectors"]
            errors = 0
            latencies: list[float] = []
            for i in range(warmup + n_requests):
                params: dict[str, object] = {"q": NEEDS[i % len(NEEDS)], "top": 10}
                if i % 4 == 3:
                    params["level"] = ["core", "active"]
                started = time.perf_counter()
                r = client.get("/experts", params=params)
                elapsed = (time.perf_counter() - started) * 1000
                if r.status_code != 200:
                    errors += 1
                if i >= warmup:
                    latencies.append(elapsed)
            members = client.get("/stats").json()["members"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "route": "GET /experts", "requests": n_requests, "errors": errors,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "members": members, "vectors": vectors, "data": str(data),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPU only, "
                   f"Python {platform.python_version()}",
        "date": dt.date.today().isoformat(),
    }


def append_row(result: dict[str, object], command: str) -> None:
    path = ROOT / "docs" / "BENCHMARKS.md"
    if not path.exists():
        path.write_text("# Benchmarks\n\n")
    text = path.read_text()
    header = ("\n## API latency: GET /experts (real uvicorn + httpx, sequential)\n\n"
              "| date | p50 ms | p95 ms | mean ms | requests | errors | members | vectors "
              "| machine | command |\n|---|---|---|---|---|---|---|---|---|---|\n")
    if "## API latency: GET /experts" not in text:
        text = text.rstrip("\n") + "\n" + header
    r = result
    text = text.rstrip("\n") + (
        f"\n| {r['date']} | {r['p50_ms']} | {r['p95_ms']} | {r['mean_ms']} | {r['requests']} "
        f"| {r['errors']} | {r['members']} | {r['vectors']} | {r['machine']} | `{command}` |\n")
    path.write_text(text)


def serving_args(description: str) -> tuple[argparse.Namespace, Path]:
    """The options of the serving benchmarks (this one, bench/metrics_overhead.py) and the data
    folder they load (the sample, or tests/data where it is missing)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--home", type=Path, help="reuse (or build into) this home")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--no-doc", action="store_true", help="do not append to BENCHMARKS.md")
    args = parser.parse_args()
    data = args.data if (args.data / "members.jsonl").exists() else ROOT / "tests" / "data"
    return args, data


def main() -> None:
    args, data = serving_args(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        result = run(data, home, args.requests, args.warmup)
    print(json.dumps(result, indent=2))
    if not args.no_doc:
        append_row(result, "python " + " ".join(sys.argv))


if __name__ == "__main__":
    main()
