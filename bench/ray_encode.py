"""Encoding throughput: plain `wellspring index` vs `wellspring index --ray` (local Ray), one run.

Three fresh homes with the same corpus (``--data``, English index only), each a real process:

1. plain: `wellspring index` (the model in the process, the runtime's own threads);
2. ray: `wellspring index --ray --ray-actors A --ray-threads T` (Ray started by the command);
3. ray, killed: the same, SIGKILLed (with its Ray) once half of the vectors are stored, then
   rerun: texts the rerun re-encoded beyond those that were missing (the work the kill lost).

For each: wall time, texts encoded, texts/s, CPU seconds and peak resident memory of the whole
process tree (sampled from /proc every 0.25 s: the Ray workers are not the command's children).
Prints one JSON object (``--log`` also writes it). Rerun (docs/BENCHMARKS.md):
    HF_HUB_OFFLINE=1 .venv/bin/python bench/ray_encode.py --data data
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
INDEX_LINE = re.compile(r"(\d+) texts encoded, (\d+) taken from the store, in ([\d.]+)s")
RAY_LINE = re.compile(r"ray english: (\d+) texts encoded by (\d+) actors \(([\d.]+) texts/s\), "
                      r"(\d+) of (\d+) already stored, (\d+) batches requeued, in ([\d.]+)s")


class TreeSampler:
    """CPU seconds and peak RSS of every process in one session (the command and all it starts)."""

    def __init__(self, sid: int) -> None:
        self.sid = sid
        self.cpu: dict[int, float] = {}
        self.peak_rss_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = 0
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[3]) != self.sid:  # field 6: session id
                        continue
                    self.cpu[int(entry)] = (int(stat[11]) + int(stat[12])) / TICKS
                    rss += int(Path(f"/proc/{entry}/statm").read_text().split()[1]) * PAGE
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_rss_mib = max(self.peak_rss_mib, rss / 2**20)
            self._stop.wait(0.25)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {"cpu_s": round(sum(self.cpu.values()), 1),
                "peak_rss_mib": round(self.peak_rss_mib)}


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ, WELLSPRING_HOME=str(home), WELLSPRING_LANGUAGE_ROUTING="off",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", RAY_USAGE_STATS_ENABLED="0")
    env.pop("RAY_ADDRESS", None)
    return env


def stored(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM text_vectors").fetchone()[0])
    finally:
        conn.close()


def prepared(work: Path, name: str, data: Path) -> Path:
    home = work / name
    subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(data)], cwd=ROOT,
                   env=env_for(home), check=True, capture_output=True)
    return home


def index_run(home: Path, args: list[str], kill_at: int | None = None) -> dict[str, Any]:
    """One `wellspring index ARGS` to its end (or SIGKILLed at ``kill_at`` stored vectors)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "index", *args], cwd=ROOT,
                            env=env_for(home), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    sampler = TreeSampler(proc.pid)
    if kill_at is not None:
        while stored(home / "wellspring.db") < kill_at and proc.poll() is None:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(1.0)  # the Ray processes go with the session
        return {"killed_after_s": round(time.perf_counter() - started, 1),
                "stored_at_kill": stored(home / "wellspring.db"), **sampler.stop()}
    out, _ = proc.communicate()
    wall = time.perf_counter() - started
    usage = sampler.stop()
    found = INDEX_LINE.search(out)
    if proc.returncode != 0 or found is None:
        raise RuntimeError(f"wellspring index {args} failed: {out[-800:]}")
    result: dict[str, Any] = {"wall_s": round(wall, 1), "index_encoded": int(found[1]),
                              "index_from_store": int(found[2]), **usage}
    ray = RAY_LINE.search(out)
    if ray is not None:
        result.update({"ray_encoded": int(ray[1]), "ray_actors": int(ray[2]),
                       "ray_texts_per_s": float(ray[3]), "ray_already_stored": int(ray[4]),
                       "texts": int(ray[5]), "ray_requeued_batches": int(ray[6]),
                       "ray_encode_s": float(ray[7])})
    encoded = result.get("ray_encoded", 0) + result["index_encoded"]
    result["texts_per_s_wall"] = round(encoded / wall, 1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    data = args.data.resolve()
    ray_args = ["--ray", "--ray-actors", str(args.actors), "--ray-threads", str(args.threads)]
    load = {"before": Path("/proc/loadavg").read_text().split()[:3]}
    with tempfile.TemporaryDirectory(prefix="ws-ray-") as tmp:
        work = Path(tmp)
        plain = index_run(prepared(work, "plain", data), [])
        load["after_plain"] = Path("/proc/loadavg").read_text().split()[:3]
        ray = index_run(prepared(work, "ray", data), ray_args)
        load["after_ray"] = Path("/proc/loadavg").read_text().split()[:3]
        home = prepared(work, "killed", data)
        total = plain["index_encoded"]
        killed = index_run(home, ray_args, kill_at=total // 2)
        rerun = index_run(home, ray_args)
        load["after_kill_rerun"] = Path("/proc/loadavg").read_text().split()[:3]
    missing = total - killed["stored_at_kill"]
    result = {
        "texts": total, "plain": plain, "ray": ray,
        "ray_vs_plain_wall": round(plain["wall_s"] / ray["wall_s"], 2),
        "ray_killed_halfway": {**killed, "rerun": rerun,
                               "re_encoded_beyond_missing": rerun.get("ray_encoded", 0) - missing},
        "command": f"bench/ray_encode.py --data {args.data} --actors {args.actors} "
                   f"--threads {args.threads}",
        "date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, CPU", "load": load,
    }
    print(json.dumps(result, indent=2))
    if args.log:
        args.log.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
