"""Throughput under concurrency, this checkout (B) against another commit (A), side by side.

Both services run at once on loopback, each on its own copy of one home (the sample community,
ingested and indexed once), and are measured in alternating rounds (A B B A A B ...), so that
the host's load, which changes by the minute on a shared machine, falls on both alike. Every
``/experts`` request carries a **distinct need**, generated from templates over the glossary's
water topics in English, French and Spanish (no result can be served twice); a fifth are
filtered. ``--write-every`` requests one is a batch write of 5 new contributions. Neither
service caches answers or need vectors; since #35's second pass the service keeps the vectors
of the profile sentences it has shown as evidence (bios repeat across needs, a changed bio is a
new text: ``matcher/query_vectors.SentenceVectors``).

    git worktree add /tmp/base 7a55343   # or any checkout of the baseline
    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.load_ab --base /tmp/base --home HOME \\
        --requests 1200 --concurrency 50 --rounds 6

``HOME`` is a folder made by ``wellspring ingest data/`` + ``wellspring index`` (copied, never
changed). Prints JSON: per variant requests/s, /experts and write latencies, errors, and
acknowledged writes missing from the store afterwards.

Workers (issue #33), one checkout against itself: ``--base . --a-args "--workers 1" --b-args
"--workers 2" --probe``: each write is then a probe (bench/visibility.py: the time until every
worker shows it, and stale reads), and the memory of each worker is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_test import drive as drive_plan  # noqa: E402
from bench.load_test import free_port, percentiles  # noqa: E402
from bench.visibility import POOL, Visibility, process_rss_mib, workers_of  # noqa: E402

TEMPLATES = {
    "en": ["who knows about {a}", "experience with {a} in {place}", "{a} for a small utility",
           "help needed on {a} and {b}", "{a} and {b}: who has done this", "lessons on {a}",
           "an expert in {a} near {place}"],
    "fr": ["qui connaît {a}", "expérience en {a} à {place}", "{a} et {b} pour une régie",
           "besoin d'aide sur {a}"],
    "es": ["quién sabe de {a}", "experiencia en {a} en {place}", "{a} y {b} en una ciudad",
           "ayuda con {a}"],
}
PLACES = ["Nairobi", "Dakar", "Lima", "Recife", "Rabat", "Manila", "Hanoi", "Quito", "Accra",
          "Lusaka", "Cusco", "Tunis", "Maputo", "Bogotá", "Kampala", "Dhaka"]
TYPES = ["publication", "forum_post", "project_report"]


def glossary_terms(lang: str) -> list[str]:
    """The water glossary's terms in one language (matcher/data/glossary.jsonl)."""
    terms: list[str] = []
    for line in (ROOT / "matcher" / "data" / "glossary.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            terms.extend(t for t in entry.get(lang, [])[:1] if len(t.split()) >= 2)
    return terms


MIX = {"en": 0.6, "fr": 0.2, "es": 0.2}


def distinct_needs(n: int, seed: int, mix: dict[str, float] | None = None) -> list[str]:
    """``n`` distinct needs, by default 60 % English, 20 % French, 20 % Spanish (``mix``:
    other shares of these languages)."""
    mix = mix or MIX
    rng = random.Random(seed)
    terms = {lang: glossary_terms(lang) for lang in mix}
    needs: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        lang = rng.choices(list(mix), list(mix.values()))[0]
        a, b = rng.sample(terms[lang], 2)
        need = rng.choice(TEMPLATES[lang]).format(a=a, b=b, place=rng.choice(PLACES))
        if need not in needs:
            needs.add(need)
            out.append(need)
    return out


def plan(needs: list[str], write_every: int, seed: int, members: list[dict[str, Any]],
         tag: str, probe: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """One request per need (a fifth filtered by country); every ``write_every``-th request is
    instead a batch write of 5 new contributions (ids tagged by variant and round); ``probe``:
    the 5 by one author of the probe pool (bench/visibility.py)."""
    rng = random.Random(seed)
    countries = sorted({m["country"] for m in members})
    authors = [m["id"] for m in members]
    pool = authors[:POOL]
    terms = glossary_terms("en")
    out: list[tuple[str, dict[str, Any]]] = []
    for i, need in enumerate(needs):
        if write_every and i % write_every == write_every - 1:
            author = rng.choice(pool) if probe else None
            records = [{"id": f"ab-{tag}-{i}-{j}", "type": rng.choice(TYPES),
                        "title": f"Field note {i}.{j} on {rng.choice(terms)}",
                        "text": f"Notes from a visit: {rng.choice(terms)} and "
                                f"{rng.choice(terms)} in {rng.choice(PLACES)}.",
                        "date": "2024-06-01", "authors": [author or rng.choice(authors)]}
                       for j in range(5)]
            out.append(("write", {"mode": "create", "records": records}))
            continue
        params: dict[str, Any] = {"q": need, "top": 10}
        if rng.random() < 0.2:
            params["country"] = rng.sample(countries, k=min(2, len(countries)))
        out.append(("experts", params))
    return out


async def drive(base: str, key: str, requests: list[tuple[str, dict[str, Any]]],
                concurrency: int, sink: dict[str, Any], probe: Visibility | None = None
                ) -> float:
    """One round through bench/load_test.py's driver, its figures added to ``sink``."""
    latencies, errors, acked, elapsed = await drive_plan(
        base, key, requests, concurrency, probe.after_write if probe is not None else None)
    for kind, values in latencies.items():
        sink[kind].extend(values)
    for kind, n in errors.items():
        sink["errors"][kind] = sink["errors"].get(kind, 0) + n
    sink["acked"].extend(i for ids in acked for i in ids)
    return elapsed


class Service:
    """One ``wellspring serve`` from a checkout, on a copy of the home."""

    def __init__(self, name: str, root: Path, home: Path, work: Path, env: dict[str, str],
                 serve_args: list[str]) -> None:
        self.name, self.root, self.home = name, root, work / name
        shutil.copytree(home, self.home, ignore=shutil.ignore_patterns("*.service-lock"))
        env = dict(env)  # a PYTHONPATH of --a-env/--b-env goes before the checkout
        path = os.pathsep.join(p for p in (env.pop("PYTHONPATH", ""), str(root)) if p)
        self.env = dict(os.environ, WELLSPRING_HOME=str(self.home), HF_HUB_OFFLINE="1",
                        TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
                        PYTHONPATH=path, **env)
        self.key = self.cli("keys", "create", "--role", "editor", "--name", "ab"
                            ).stdout.splitlines()[0].strip()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (work / f"{name}.log").open("w")
        self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port), *serve_args],
            cwd=root, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.serve_args = serve_args
        self.probe: Visibility | None = None
        self.sink: dict[str, Any] = {"experts": [], "write": [], "errors": {}, "acked": []}
        self.seconds = 0.0
        self.requests = 0
        self.cpu = {"service": 0.0, "generator": 0.0}  # CPU seconds spent in this one's rounds

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=self.root,
                              env=self.env, capture_output=True, text=True, check=True)

    def wait_ready(self, timeout: float = 900) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not become ready (see {self.log.name})")

    def stop(self) -> list[str]:
        """Stop gracefully; the acknowledged contributions missing from the store."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=120)
            self.proc = None
        conn = sqlite3.connect(f"file:{self.home / 'wellspring.db'}?mode=ro", uri=True)
        stored = {r[0] for r in conn.execute("SELECT id FROM contributions WHERE id LIKE 'ab-%'")}
        conn.close()
        return [i for i in self.sink["acked"] if i not in stored]


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a serve and of its live child processes (/proc, clock ticks)."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int) -> float:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime

    total = own(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a worker gone
            total += own(int(child))
    return total


def cpu_per_request(s: Service) -> dict[str, float] | None:
    """Milliseconds of CPU a request cost the service and the load generator (this process,
    the probe included), over this service's rounds: where the host's cores went."""
    if not s.requests:
        return None
    return {f"{k}_ms": round(v * 1000 / s.requests, 2) for k, v in s.cpu.items()}


def summary(s: Service, lost: list[str], rss: dict[str, float]) -> dict[str, Any]:
    return {"serve_args": s.serve_args, "requests": s.requests, "seconds": round(s.seconds, 1),
            "cpu_per_request": cpu_per_request(s),
            "requests_per_s": round(s.requests / s.seconds, 1) if s.seconds else None,
            "experts": percentiles(s.sink["experts"]), "writes": percentiles(s.sink["write"]),
            "errors": sum(s.sink["errors"].values()), "errors_by_kind": s.sink["errors"],
            "acknowledged_writes_lost": len(lost), "rss_mib_after": rss,
            "write_to_visible_on_every_worker": s.probe.summary() if s.probe else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="checkout of the baseline (A)")
    parser.add_argument("--home", type=Path, required=True,
                        help="an ingested and indexed home (copied for each service)")
    parser.add_argument("--base-home", type=Path, default=None,
                        help="A's own home when A cannot open B's (an older schema; default "
                             "--home)")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="checkout of B (default: this one): compare two older commits")
    parser.add_argument("--requests", type=int, default=1200, help="per variant, all rounds")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--write-every", type=int, default=50,
                        help="every Nth request is a batch write of 5 contributions (0 = none)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--threads", type=int, nargs=2, default=[1, 0], metavar=("A", "B"),
                        help="WELLSPRING_TORCH_THREADS of A and B: the model's threads (torch "
                             "or ONNX Runtime; 0 = its default). Default 1 for A (torch: 2 "
                             "spinning threads collapse on a busy host, docs/BENCHMARKS.md) and "
                             "0 for B (ONNX Runtime without spinning: 2 measured faster here)")
    parser.add_argument("--a-env", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting for A only (repeatable): compare settings of one "
                             "checkout with --base .")
    parser.add_argument("--b-env", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting for B only (repeatable)")
    parser.add_argument("--a-args", default="", help="arguments of A's `wellspring serve`, "
                        "e.g. \"--workers 1\"")
    parser.add_argument("--b-args", default="", help="arguments of B's `wellspring serve`")
    parser.add_argument("--probe", action="store_true", help="measure each write's time to "
                        "be visible on every worker (bench/visibility.py)")
    args = parser.parse_args()
    extra = {}
    for side in ("a", "b"):
        pairs = getattr(args, f"{side}_env")
        if any("=" not in p for p in pairs):
            parser.error(f"--{side}-env takes KEY=VALUE")
        extra[side] = dict(p.split("=", 1) for p in pairs)
    if args.concurrency > 50 or args.requests > 10_000:
        parser.error("bounded: at most 10,000 requests at concurrency 50")
    members = [json.loads(x) for x in (ROOT / "data" / "members.jsonl").read_text(
        "utf-8").splitlines() if x.strip()]
    work = Path(tempfile.mkdtemp(prefix="wellspring-ab-"))
    services = [
        Service("A", args.base.resolve(), args.base_home or args.home, work,
                {"WELLSPRING_TORCH_THREADS": str(args.threads[0]), **extra["a"]},
                shlex.split(args.a_args)),
        Service("B", args.checkout.resolve(), args.home, work,
                {"WELLSPRING_TORCH_THREADS": str(args.threads[1]), **extra["b"]},
                shlex.split(args.b_args)),
    ]
    try:
        for s in services:
            s.wait_ready()
            if args.probe:
                s.probe = Visibility(s.base, s.key, workers_of(s.base))
                s.probe.start([m["id"] for m in members[:POOL]])
        per_round = args.requests // args.rounds
        needs = distinct_needs(per_round * args.rounds + 60, args.seed)
        for s in services:  # warm-up: first requests load lazy parts (detector, FAISS pages)
            asyncio.run(drive(s.base, s.key, plan(needs[-60:], 0, args.seed, members, "w"),
                              10, {"experts": [], "write": [], "errors": {}, "acked": []}))
        loads = []
        for r in range(args.rounds):
            order = services if r % 2 == 0 else services[::-1]  # A B, B A, A B, ...
            for s in order:
                # the same needs for A and B in a round, none repeated in another round
                requests = plan(needs[r * per_round : (r + 1) * per_round], args.write_every,
                                args.seed + r, members, f"{s.name}{r}", args.probe)
                assert s.proc is not None
                cpu_service, cpu_self = tree_cpu_seconds(s.proc.pid), time.process_time()
                s.seconds += asyncio.run(drive(s.base, s.key, requests, args.concurrency,
                                               s.sink, s.probe))
                s.cpu["service"] += tree_cpu_seconds(s.proc.pid) - cpu_service
                s.cpu["generator"] += time.process_time() - cpu_self
                s.requests += len(requests)
            loads.append(round(os.getloadavg()[0], 2))
        rss = {s.name: process_rss_mib(s.proc.pid) if s.proc else {} for s in services}
        out = {s.name: summary(s, s.stop(), rss[s.name]) for s in services}
        a, b = out["A"]["requests_per_s"], out["B"]["requests_per_s"]
        result = {
            "base": str(args.base), "requests_per_variant": per_round * args.rounds,
            "concurrency": args.concurrency, "rounds": args.rounds,
            "write_every": args.write_every, "threads": args.threads,
            "a_env": extra["a"], "b_env": extra["b"],
            "A": out["A"], "B": out["B"],
            "throughput_ratio_B_over_A": round(b / a, 2) if a and b else None,
            "load_average_per_round": loads, "machine": f"{os.cpu_count()} cores, CPU",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        print(json.dumps(result, indent=2))
        return 0
    finally:
        for s in services:
            if s.proc is not None:
                s.proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
