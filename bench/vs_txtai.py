"""Wellspring and txtai side by side, one run: index build time and query latency, as ratios.

Same corpus (the first N contributions of data/ and their authors), same bundled model folder,
same process, same torch threads. txtai indexes exactly the texts Wellspring's build encodes (the
authors' profiles and each contribution's title-prefixed 160-word chunks), so the build ratio is
the cost of everything around the encoder. Wellspring's query does more than txtai's search
(member aggregation, filters, evidence read from SQLite).
Builds run A B B A and queries alternate, so that drifting load on the shared machine hits
both alike.
Requires the bench extra: ``pip install -e '.[bench]'`` (txtai).

    .venv/bin/python -m bench.vs_txtai --contributions 400 --queries 100
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.index_build import prepared_corpus
from bench.synthetic import NEEDS, append_report, percentiles
from indexing.community import Community, load_encoder
from matcher.experts import Matcher


def run(n: int, n_queries: int, torch_threads: int) -> dict[str, Any]:
    from txtai import Embeddings

    with tempfile.TemporaryDirectory(prefix="ws-txtai-") as tmp:
        # the very texts Wellspring encodes (profiles + titled 160-word chunks): same work for both
        settings, store, encoder, texts = prepared_corpus(Path(tmp), n, torch_threads)
        if torch_threads:  # txtai runs torch: the same threads as Wellspring's encoder gets
            import torch

            torch.set_num_threads(torch_threads)
        docs = [(str(i), text, None) for i, text in enumerate(texts)]
        ws_texts = len(texts)
        txtai = Embeddings(path=settings.encoding.resolved_model_path(), content=False,
                           backend="faiss")
        txtai.index(docs[:16])  # warm-up both (model load, first-call costs)
        encoder.encode_documents([d[1] for d in docs[:16]])

        # A B B A: load on the shared machine drifts; each side's time is the mean of two builds
        tx_times, ws_times = [], []
        for side in ("txtai", "wellspring", "wellspring", "txtai"):
            t0 = time.perf_counter()
            if side == "txtai":
                txtai.index(docs)  # index() replaces the previous index: a full build each time
            else:  # a full build each time too: drop the vectors the last one kept in the store
                store.prune_vectors({})
                community, stats = Community.rebuild(settings, encoder=encoder, store=store)
            (tx_times if side == "txtai" else ws_times).append(time.perf_counter() - t0)
        txtai_build, ws_build = sum(tx_times) / 2, sum(ws_times) / 2

        matcher = Matcher.configured(community)
        # the same index, needs on the int8 copy (setting query_precision=int8), when there is one
        int8_settings = settings.model_copy(update={"encoding": settings.encoding.model_copy(
            update={"query_precision": "int8"})})
        int8_encoder = load_encoder(int8_settings)
        int8 = None
        if "int8" in str(getattr(int8_encoder, "runtime", "")):
            int8 = Matcher.configured(Community.open(int8_settings, encoder=int8_encoder,
                                                     store=store)[0])
        needs = [f"{NEEDS[i % len(NEEDS)]} (case {i})" for i in range(n_queries)]
        for need in needs[:5]:
            txtai.search(need, 10)
            matcher.find_experts(need, top=10)
            if int8 is not None:
                int8.find_experts(need, top=10)
        ws_ms, tx_ms, int8_ms = [], [], []
        for need in needs:  # alternating, so drifting load hits all three alike
            t0 = time.perf_counter()
            txtai.search(need, 10)
            tx_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            matcher.find_experts(need, top=10)
            ws_ms.append((time.perf_counter() - t0) * 1000)
            if int8 is not None:
                t0 = time.perf_counter()
                int8.find_experts(need, top=10)
                int8_ms.append((time.perf_counter() - t0) * 1000)
        ws_q, tx_q = percentiles(ws_ms), percentiles(tx_ms)
        int8_q = percentiles(int8_ms) if int8_ms else None
        return {
            "int8_query_ms": int8_q,
            "query_speedup_p50_int8": round(tx_q["p50"] / int8_q["p50"], 3) if int8_q else None,
            "contributions": n, "texts": len(docs), "wellspring_texts": ws_texts,
            "encoded_by_wellspring": stats.encoded_texts, "torch_threads": torch_threads,
            "wellspring_runtime": str(getattr(encoder, "runtime", "torch")),
            "txtai_build_s": round(txtai_build, 2), "wellspring_build_s": round(ws_build, 2),
            "txtai_texts_per_s": round(len(docs) / txtai_build, 1),
            "wellspring_texts_per_s": round(stats.encoded_texts / ws_build, 1),
            "build_speedup_texts_per_s": round((stats.encoded_texts / ws_build)
                                               / (len(docs) / txtai_build), 3),
            "build_speedup_same_corpus": round(txtai_build / ws_build, 3),
            "txtai_builds_s": [round(t, 1) for t in tx_times],
            "wellspring_builds_s": [round(t, 1) for t in ws_times],
            "txtai_query_ms": tx_q, "wellspring_query_ms": ws_q,
            "query_speedup_p50": round(tx_q["p50"] / ws_q["p50"], 3),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contributions", type=int, default=400)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    r = run(args.contributions, args.queries, args.torch_threads)
    print(json.dumps(r))
    if not args.no_report:
        tq, wq = r["txtai_query_ms"], r["wellspring_query_ms"]
        table = (
            "| | txtai 9.14 | Wellspring | Wellspring ÷ txtai speed (goal ≥ 2) |\n"
            "|---|---|---|---|\n"
            f"| build time, same {r['contributions']} contributions (mean of 2, ABBA) | "
            f"{r['txtai_build_s']} s {r['txtai_builds_s']} | {r['wellspring_build_s']} s "
            f"{r['wellspring_builds_s']} | {r['build_speedup_same_corpus']} |\n"
            f"| build, texts/s | {r['txtai_texts_per_s']} ({r['texts']} texts) | "
            f"{r['wellspring_texts_per_s']} ({r['encoded_by_wellspring']} texts: 160-word chunks "
            f"+ authors' profiles) | {r['build_speedup_texts_per_s']} |\n"
            f"| query p50 / p95 ms (in-process, top 10) | {tq['p50']} / {tq['p95']} | "
            f"{wq['p50']} / {wq['p95']} (find_experts: search + aggregation + evidence) | "
            f"{r['query_speedup_p50']} |"
        )
        if r["int8_query_ms"]:
            iq = r["int8_query_ms"]
            table += (f"\n| query p50 / p95 ms, needs on the int8 copy (`query_precision=int8`, "
                      f"same index) | {tq['p50']} / {tq['p95']} | {iq['p50']} / {iq['p95']} | "
                      f"{r['query_speedup_p50_int8']} |")
        append_report("bench/vs_txtai.py", "python -m bench.vs_txtai "
                      + shlex.join(sys.argv[1:]), table)


if __name__ == "__main__":
    main()
