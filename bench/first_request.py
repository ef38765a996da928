"""Ready means warm (issue #32): the first `/experts` after `/health/ready` answers 200, against
the median of the next twenty, for a real `wellspring serve` process on an indexed home.

Each source tree given (default: this checkout; e.g. a checkout of main for the before/after)
serves the same home in turn, ABAB, so that load on the shared machine hits both alike. The
goal: the first answer within 2x the median of the next twenty (distinct needs, so no cache of
answers helps). Figures go to docs/BENCHMARKS.md with command, machine, date and load.

    .venv/bin/python -m bench.first_request --home var --rounds 2 [--roots . /path/to/main]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic import append_to_docs  # noqa: E402

NEEDS = ["groundwater recharge in arid regions", "non-revenue water in intermittent supply",
         "faecal sludge management for small towns", "desalination brine disposal",
         "urban flood early warning", "irrigation scheduling with soil moisture sensors",
         "water safety plans for rural utilities", "catchment governance across borders",
         "leak detection with acoustic loggers", "constructed wetlands for wastewater",
         "arsenic in shallow tube wells", "tariff design for cost recovery",
         "climate resilient sanitation", "managed aquifer recharge with stormwater",
         "réutilisation des eaux usées pour l'irrigation", "drought contingency planning",
         "pipe bursts prediction from pressure data", "chlorine residual in networks",
         "community-led total sanitation", "reservoir sedimentation management",
         "smart metering and billing"]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def serve_once(source: Path, home: Path, port: int) -> dict[str, Any]:
    """Start `wellspring serve` from ``source`` on ``home``; the first /experts after ready
    and the next twenty (ms, client side)."""
    env = {**os.environ, "PYTHONPATH": str(source), "WELLSPRING_HOME": str(home),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=source, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{base}/health/ready", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.perf_counter() - started > 600:
                raise RuntimeError(f"{source}: the service did not become ready")
            time.sleep(0.2)
        ready_s = time.perf_counter() - started
        times = []
        for need in NEEDS:
            t0 = time.perf_counter()
            httpx.get(f"{base}/experts", params={"q": need}, timeout=120).raise_for_status()
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    rest = statistics.median(times[1:])
    return {"ready_s": round(ready_s, 1), "first_ms": round(times[0], 1),
            "next20_median_ms": round(rest, 1), "ratio": round(times[0] / rest, 2),
            "load": load()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True,
                        help="an indexed home (copied: the runs never change it)")
    parser.add_argument("--roots", type=Path, nargs="+", default=[ROOT],
                        help="source trees to serve from, in turn")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {"load_before": load(), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="ws-first-") as tmp:
        for _ in range(args.rounds):
            for root in args.roots:
                home = Path(tmp) / "home"
                shutil.rmtree(home, ignore_errors=True)
                shutil.copytree(args.home, home)
                report["runs"].setdefault(str(root), []).append(
                    serve_once(root.resolve(), home, args.port))
    report["load_after"] = load()
    print(json.dumps(report, indent=1))
    if not args.no_report:
        write_report("python -m bench.first_request " + " ".join(sys.argv[1:]), report)
    return 0


def write_report(command: str, r: dict[str, Any]) -> None:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} CPU cores, Python {platform.python_version()}"
    rows = []
    for root, runs in r["runs"].items():
        for run in runs:
            rows.append(f"| `{root}` | {run['ready_s']} s | {run['first_ms']} ms | "
                        f"{run['next20_median_ms']} ms | **{run['ratio']}×** | {run['load']} |")
    text = (f"\n### {when} — bench/first_request.py\n\n`{command}`  \nMachine: {machine}; "
            f"load before {r['load_before']}, after {r['load_after']}\n\n"
            "| source | start to ready | first /experts | median of next 20 | first ÷ median "
            "(goal ≤ 2) | load |\n|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    append_to_docs(text, docs=("BENCHMARKS.md",))


if __name__ == "__main__":
    sys.exit(main())
