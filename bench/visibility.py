"""Write to visible on every worker, measured beside the load (issue #33; bench/load_ab.py).

Probe writes are batches of new contributions by one member of a small pool. When a batch is
acknowledged, the probe asks ``GET /members/{author}`` (the member's contributions as the
answering worker's index counts them) on fresh connections, so the kernel hands each to any
worker, until every worker has answered with at least every contribution acknowledged for that
member so far. It records the time from the acknowledgement to the last worker showing it, and
counts the **stale reads**: answers after the acknowledgement that lack an acknowledged write
(zero when each worker catches up with the change feed before answering).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PROBE_LIMIT_S = 30.0
POOL = 8  # authors of the probe writes


@dataclass
class Visibility:
    """One service's probes: its workers, the pool's counts, what the probes found."""

    base: str
    key: str
    workers: int
    counts: dict[str, int] = field(default_factory=dict)  # author -> contributions expected
    visible_ms: list[float] = field(default_factory=list)
    stale_reads: int = 0
    never_visible: int = 0

    def start(self, authors: list[str]) -> None:
        """The pool's counts before the load (read once, on any worker)."""
        for author in authors:
            r = httpx.get(f"{self.base}/members/{author}", headers={"X-API-Key": self.key},
                          timeout=60)
            r.raise_for_status()
            self.counts[author] = int(r.json()["contributions"])

    async def after_write(self, payload: dict[str, Any]) -> None:
        """Called once a write is acknowledged: wait until every worker shows it."""
        records = payload["records"]
        author = records[0]["authors"][0]
        self.counts[author] += len(records)
        expected = self.counts[author]  # every write acknowledged for them so far
        started = time.perf_counter()
        seen: set[str] = set()
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=self.base, limits=limits, timeout=60) as client:
            while len(seen) < self.workers:
                if time.perf_counter() - started > PROBE_LIMIT_S:
                    self.never_visible += 1
                    return
                r = await client.get(f"/members/{author}", headers={"X-API-Key": self.key})
                if r.status_code != 200:
                    continue
                if int(r.json()["contributions"]) >= expected:
                    seen.add(r.headers.get("x-wellspring-worker", "0"))
                else:
                    self.stale_reads += 1
        self.visible_ms.append((time.perf_counter() - started) * 1000)

    def summary(self) -> dict[str, Any]:
        ms = sorted(self.visible_ms)

        def at(q: float) -> float | None:
            return round(ms[min(len(ms) - 1, int(q * len(ms)))], 1) if ms else None

        return {"workers": self.workers, "probes": len(ms), "p50_ms": at(0.5),
                "p95_ms": at(0.95), "max_ms": at(1.0), "stale_reads": self.stale_reads,
                "never_visible": self.never_visible}


def workers_of(base: str) -> int:
    """How many workers serve ``base`` (``/health/ready``'s ``worker``; 1 without)."""
    found = httpx.get(f"{base}/health/ready", timeout=10).json().get("worker")
    return int(found["count"]) if found else 1


def process_rss_mib(pid: int) -> dict[str, float]:
    """Resident memory of a serve and of each of its workers (its child processes)."""
    def rss(p: int) -> float:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
        return float("nan")

    out = {"serve": rss(pid)}
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"spawn_main" in cmd:  # a worker, not multiprocessing's resource tracker
            out[f"worker pid {child}"] = rss(int(child))
    return out
