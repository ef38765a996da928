"""/experts latency through real HTTP at 10k, 100k and 1M contributions, with recall@50 of the
index against exact search, the write-to-visible latency and CLI start-up.

Corpus: synthetic (bench/synthetic.py): clustered normalised vectors and matching store rows;
encoding 1M texts here would take ~6 hours. Queries are real water needs, encoded by the real
model in the server; search, filtering, aggregation, evidence and HTTP are the real paths: a
``wellspring serve`` process and an httpx client, concurrency 1 and 8.

    .venv/bin/python -m bench.query_latency --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.synthetic import (
    NEEDS,
    ClusteredVectors,
    Shape,
    append_report,
    peak_rss_mib,
    percentiles,
    vector_batches,
    write_store,
)
from indexing.community import load_encoder
from indexing.settings import Settings
from indexing.store import SqliteStore, Store
from indexing.vectors.community_index import CommunityIndex
from indexing.vectors.faiss_index import choose_factory, faiss

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def build(home: Path, n: int, encoder: Any, recall_queries: int) -> dict[str, Any]:
    """Store rows + an index from synthetic vectors, saved under ``home``; recall@50 measured."""
    settings = Settings(storage={"home": home})
    store = SqliteStore(settings.storage.database_path)
    shape = Shape(contributions=n)
    t0 = time.perf_counter()
    write_store(store, shape)
    t_store = time.perf_counter() - t0
    n_vectors = shape.contributions + shape.members
    factory = choose_factory(n_vectors, settings.index.index_kind, settings.index.ivf_threshold)
    vectors = ClusteredVectors(encoder.dimension, n_vectors)
    t0 = time.perf_counter()
    index = CommunityIndex(encoder, settings, factory)
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # a build may use every core
    index.add_vectors(vector_batches(store, vectors))
    t_add = time.perf_counter() - t0
    index.sync(store)
    t_build = time.perf_counter() - t0
    faiss.omp_set_num_threads(1)
    out: dict[str, Any] = {
        "contributions": n, "members": shape.members, "vectors": n_vectors, "factory": factory,
        "nprobe": index._vectors.nprobe, "store_rows_s": round(t_store, 1),
        "index_add_s": round(t_add, 1), "index_build_s": round(t_build, 1),
    }
    out |= recall_at_50(index, store, vectors, recall_queries)
    index.save(settings.storage.index_path)
    store.close()
    out["build_peak_rss_mib"] = round(peak_rss_mib(), 0)
    del index
    gc.collect()
    return out


def recall_at_50(index: CommunityIndex, store: Store, vectors: ClusteredVectors, n_queries: int
                 ) -> dict[str, Any]:
    """recall@50 of the index vs exact search over the same vectors (streamed, no extra copy)."""
    queries = vectors.batch(n_queries, 999_999)
    best_s = np.full((n_queries, 50), -np.inf, np.float32)
    best_i = np.zeros((n_queries, 50), np.int64)
    offset = 0
    for _, _, batch in vector_batches(store, vectors):  # ids were assigned in this order
        sims = queries @ batch.T
        s = np.concatenate([best_s, sims], axis=1)
        i = np.concatenate([best_i, np.arange(offset, offset + len(batch))[None, :].repeat(
            n_queries, 0)], axis=1)
        top = np.argpartition(-s, 49, axis=1)[:, :50]
        best_s, best_i = np.take_along_axis(s, top, 1), np.take_along_axis(i, top, 1)
        offset += len(batch)
    hits, times = [], []
    for q, truth in zip(queries, best_i, strict=True):
        t0 = time.perf_counter()
        _, ids = index._vectors.search(q, 50, None)
        times.append((time.perf_counter() - t0) * 1000)
        hits.append(len(set(ids.tolist()) & set(truth.tolist())) / 50)
    return {"recall_at_50": round(float(np.mean(hits)), 4),
            "faiss_search_ms": percentiles(times)}


def nprobe_study(n: int, dimension: int = 384, n_queries: int = 100) -> dict[str, Any]:
    """recall@50 and single-query time of the rule's IVF index at n vectors, per nprobe, for two
    cluster tightnesses (FAISS only: no store, no server)."""
    out: dict[str, Any] = {}
    factory = choose_factory(n, kind="ivf")
    for point_cos in (0.75, 0.5):
        gen = ClusteredVectors(dimension, n, point_cos=point_cos)
        xb = np.empty((n, dimension), np.float32)
        for i in range(0, n, 50_000):
            xb[i : i + 50_000] = gen.batch(min(50_000, n - i), i)
        q = gen.batch(n_queries, 999_999)
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        exact = faiss.IndexFlatIP(dimension)
        exact.add(xb)
        truth = exact.search(q, 50)[1]
        del exact
        ivf = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
        nlist = faiss.extract_index_ivf(ivf).nlist
        ivf.train(xb[np.random.default_rng(0).choice(n, min(n, 64 * nlist), replace=False)])
        ivf.add(xb)
        del xb
        faiss.omp_set_num_threads(1)
        for nprobe in (8, 16, 32, 64):
            ivf.nprobe = nprobe
            t0 = time.perf_counter()
            found = [ivf.search(q[i : i + 1], 50)[1][0] for i in range(n_queries)]
            ms = (time.perf_counter() - t0) * 1000 / n_queries
            recall = np.mean([len(set(a) & set(b)) / 50 for a, b in zip(found, truth,
                                                                         strict=True)])
            out[f"{factory} cos{point_cos} nprobe{nprobe}"] = {
                "recall_at_50": round(float(recall), 4), "ms": round(ms, 2)}
        del ivf
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(home: Path, args: argparse.Namespace) -> dict[str, str]:
    return dict(os.environ, WELLSPRING_HOME=str(home), HF_HUB_OFFLINE="1",
                WELLSPRING_LANGUAGE_ROUTING=args.routing,
                WELLSPRING_TORCH_THREADS=str(args.torch_threads))


def start_server(home: Path, port: int, env: dict[str, str]
                 ) -> tuple[subprocess.Popen[bytes], float]:
    log = (home / "server.log").open("wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "wellspring"), "serve", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/health/ready"
    while time.perf_counter() - t0 < 900:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {(home / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return proc, time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("server not ready after 900 s")


def run_queries(base: str, n: int, concurrency: int, params: dict[str, Any] | None = None
                ) -> dict[str, Any]:
    """p50/p95/p99 of GET /experts for ``n`` needs (cycled, each made distinct)."""
    needs = [f"{NEEDS[i % len(NEEDS)]} (case {i})" for i in range(n)]

    def worker(part: list[str]) -> list[float]:
        out = []
        with httpx.Client(base_url=base, timeout=60) as client:
            for need in part:
                t0 = time.perf_counter()
                r = client.get("/experts", params={"q": need, "top": 10, **(params or {})})
                out.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        parts = [needs[i::concurrency] for i in range(concurrency)]
        samples = [x for part in pool.map(worker, parts) for x in part]
    wall = time.perf_counter() - t0
    return percentiles(samples) | {"qps": round(n / wall, 1)}


def write_latency(base: str, key: str, n: int) -> dict[str, Any]:
    """POST one contribution, then GET /experts until it is evidence: time from send to seen."""
    post_ms, visible_ms = [], []
    with httpx.Client(base_url=base, timeout=60, headers={"X-API-Key": key}) as client:
        for i in range(n):
            cid = f"bench-write-{time.time_ns()}"
            title = f"Ceramic pot filters against {['arsenic', 'fluoride', 'turbidity'][i % 3]}"
            body = {"id": cid, "type": "case_study", "title": f"{title} {i}",
                    "text": f"Field trial {i} of household ceramic filtration in rural schools.",
                    "date": "2024-05-01", "language": "en", "authors": ["m000001"]}
            t0 = time.perf_counter()
            r = client.post("/contributions", json=body)
            r.raise_for_status()
            post_ms.append((time.perf_counter() - t0) * 1000)
            for _ in range(50):
                found = client.get("/experts", params={"q": f"{body['title']}\n{body['text']}",
                                                       "top": 5}).json()
                if any(e["contribution_id"] == cid for m in found["results"]
                       for e in m["evidence"]):
                    break
            else:
                raise RuntimeError(f"{cid} never became visible")
            visible_ms.append((time.perf_counter() - t0) * 1000)
    return {"post": percentiles(post_ms), "post_to_visible": percentiles(visible_ms)}


def cli_startup(home: Path) -> dict[str, Any]:
    """Wall time of CLI commands that do not encode, and whether they import the model."""
    env = dict(os.environ, WELLSPRING_HOME=str(home), HF_HUB_OFFLINE="1")
    probe = ("import sys; from api.cli import main; main(sys.argv[1:]); "
             "print('ST_LOADED', 'sentence_transformers' in sys.modules, file=sys.stderr)")
    out: dict[str, Any] = {}
    for args in (["--help"], ["stats", "--json"], ["keys", "list"]):
        t0 = time.perf_counter()
        subprocess.run([str(BIN / "wellspring"), *args], cwd=ROOT, env=env, capture_output=True)
        wall = (time.perf_counter() - t0) * 1000
        r = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        out[" ".join(args)] = {"ms": round(wall), "imports_sentence_transformers":
                               "ST_LOADED True" in r.stderr}
    return out


def editor_key(home: Path) -> str:
    env = dict(os.environ, WELLSPRING_HOME=str(home))
    r = subprocess.run([str(BIN / "wellspring"), "keys", "create", "--role", "editor",
                        "--name", "bench"], cwd=ROOT, env=env, capture_output=True, text=True,
                       check=True)
    return r.stdout.strip().splitlines()[-1]


def measure(n: int, args: argparse.Namespace, encoder: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"ws-bench-{n}-") as tmp:
        home = Path(tmp)
        result = build(home, n, encoder, args.recall_queries)
        key = editor_key(home) if args.writes else ""
        if n == min(args.sizes):
            result["cli_startup"] = cli_startup(home)
        port = free_port()
        proc, ready_s = start_server(home, port, server_env(home, args))
        base = f"http://127.0.0.1:{port}"
        try:
            result["server_ready_s"] = round(ready_s, 1)
            result["load_average_1m_before"] = round(os.getloadavg()[0], 1)
            run_queries(base, 10, 1)  # warm-up
            result["experts_c1"] = run_queries(base, args.requests, 1)
            result["experts_c8"] = run_queries(base, args.requests, 8)
            result["experts_c1_filtered"] = run_queries(
                base, args.requests // 2, 1, {"type": "publication", "country": ["KE", "FR"],
                                              "since": "2018-01-01"})
            if args.writes:
                result["write"] = write_latency(base, key, args.writes)
            result["server_peak_rss_mib"] = round(peak_rss_mib(proc.pid))
            result["load_average_1m_after"] = round(os.getloadavg()[0], 1)
        finally:
            proc.terminate()
            proc.wait(30)
    return result


def _row(r: dict[str, Any]) -> str:
    w = r.get("write", {}).get("post_to_visible", {})
    c1, c8, f1 = r["experts_c1"], r["experts_c8"], r["experts_c1_filtered"]
    kind = "exact" if r["factory"] == "Flat" else f"nprobe {r['nprobe']}"
    return (f"| {r['contributions']:,} (synthetic vectors) | {r['factory']} / {kind} | "
            f"{r['recall_at_50']} | {c1['p50']} / {c1['p95']} / {c1['p99']} | "
            f"{c8['p50']} / {c8['p95']} / {c8['p99']} ({c8['qps']} q/s) | "
            f"{f1['p50']} / {f1['p95']} | {w.get('p50', '–')} | "
            f"{r['index_build_s']} s, {r['build_peak_rss_mib']:.0f} MiB | "
            f"{r['server_peak_rss_mib']} MiB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--recall-queries", type=int, default=200)
    parser.add_argument("--writes", type=int, default=10, help="0 = skip write latency")
    parser.add_argument("--routing", default="off", choices=["off", "route", "fuse"],
                        help="WELLSPRING_LANGUAGE_ROUTING of the server (off: English index)")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="WELLSPRING_TORCH_THREADS of the server (0 = torch default)")
    parser.add_argument("--no-report", action="store_true", help="do not touch docs/")
    parser.add_argument("--nprobe-study", type=int, default=0, metavar="N",
                        help="only print recall@50 per nprobe at N vectors (FAISS only)")
    args = parser.parse_args()
    if args.nprobe_study:
        print(json.dumps(nprobe_study(args.nprobe_study)))
        return
    encoder = load_encoder(Settings())  # the real model: its fingerprint goes in the manifest
    results = []
    for n in sorted(args.sizes):
        results.append(measure(n, args, encoder))
        print(json.dumps(results[-1]), flush=True)
    if not args.no_report:
        head = ("| contributions | index | recall@50 | /experts c=1 p50/p95/p99 ms | c=8 p50/p95/"
                "p99 ms | filtered c=1 p50/p95 ms | POST→visible p50 ms | build, peak RSS | "
                "server RSS |\n|---|---|---|---|---|---|---|---|---|")
        cli = next((r["cli_startup"] for r in results if "cli_startup" in r), {})
        notes = "CLI start-up (ms, imports sentence_transformers?): " + ", ".join(
            f"`{k}` {v['ms']} ({v['imports_sentence_transformers']})" for k, v in cli.items())
        command = "python -m bench.query_latency " + shlex.join(sys.argv[1:])
        append_report("bench/query_latency.py", command,
                      head + "\n" + "\n".join(_row(r) for r in results), notes)


if __name__ == "__main__":
    main()
