"""Every ranking variant side by side, in one run, on the reviewer-expertise gold standard.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/quality.py \
        --data ../shared/benchmarks/reviewer-expertise [--model DIR ...] [--chunk-words 160 ...] \
        [--cv 5] [--home DIR]

``--cv N`` adds, per (model, chunk size), the cross-validated selection over the rating
researchers (matcher/crossval.py): choose on N-1 folds' ratings, score the held-out fold.
``--home DIR`` keeps the encoded benchmark community there and reuses it on the next run
(one model and chunk size per home).

For each (model, chunk size) the benchmark is ingested and encoded once into a temporary
community; every aggregation / fusion variant then re-ranks the same vectors through
``Matcher.rank`` (exhaustive), and BM25 (the store's FTS5) is aggregated the same ways.
Prints one JSON object: {"runs": [{"model", "chunk_words", "variants": {name: metrics}}], ...}.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexing.benchmark_format import load_reviewer_benchmark
from indexing.community import Community
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore
from matcher.benchmarks import (
    NeedSet,
    Rankings,
    build_reviewer_community,
    graded_metrics,
    isolated_settings,
    load_graded_needs,
    matching_settings,
    reviewer_needs,
    score_reviewer,
)
from matcher.crossval import cross_validate

DENSE = {"fusion": "dense"}
# every variant below changes fields of the matching section (settings.matching)
AGGREGATIONS: dict[str, dict[str, Any]] = {
    "max": {"aggregation": "max"},
    "mean": {"aggregation": "mean"},
    "topk_mean k=2": {"aggregation": "topk_mean", "aggregation_k": 2},
    "topk_mean k=3": {"aggregation": "topk_mean", "aggregation_k": 3},
    "topk_mean k=5": {"aggregation": "topk_mean", "aggregation_k": 5},
    "softmax_votes T=0.02": {"aggregation": "softmax_votes", "softmax_temperature": 0.02},
    "softmax_votes T=0.05": {"aggregation": "softmax_votes", "softmax_temperature": 0.05},
    "softmax_votes T=0.1": {"aggregation": "softmax_votes", "softmax_temperature": 0.1},
    "softmax_votes T=0.2": {"aggregation": "softmax_votes", "softmax_temperature": 0.2},
}
FUSIONS: dict[str, dict[str, Any]] = {
    "rrf k=60": {"fusion": "rrf", "rrf_k": 60},
    "weighted w=0.05": {"fusion": "weighted", "lexical_weight": 0.05},
    "weighted w=0.1": {"fusion": "weighted", "lexical_weight": 0.1},
    "weighted w=0.2": {"fusion": "weighted", "lexical_weight": 0.2},
    "weighted w=0.3": {"fusion": "weighted", "lexical_weight": 0.3},
}
FUSED_AGGREGATIONS = ("max", "mean", "topk_mean k=2", "topk_mean k=3", "softmax_votes T=0.05",
                      "softmax_votes T=0.1")


ROUND2: dict[str, dict[str, Any]] = {  # issue #18, signals round 2 (docs/QUALITY.md)
    **{f"weighted zscore w={w}": {"fusion": "weighted", "lexical_norm": "zscore",
                                  "lexical_weight": w} for w in (0.005, 0.01, 0.02, 0.05)},
    "weighted w=0.05": {"fusion": "weighted", "lexical_weight": 0.05},
    "weighted w=0.1": {"fusion": "weighted", "lexical_weight": 0.1},
    **{f"specificity w={w}": {"specificity_weight": w} for w in (0.1, 0.2, 0.3, 0.5)},
    "chunk_mean": {"document_score": "chunk_mean"},
    "chunk_mean specificity w=0.2": {"document_score": "chunk_mean", "specificity_weight": 0.2},
}


def variants(base: Settings, full: bool, which: str = "all") -> dict[str, Settings]:
    """Named settings: the product default, dense x aggregation, fusion x aggregation;
    ``which="round2"``: the default and the round-2 signals only; ``"default"``: the default."""
    out = {"default": base}
    if which == "default":
        return out
    if which == "round2":
        out.update({name: base.with_(matching=u) for name, u in ROUND2.items()})
        return out
    for name, agg in AGGREGATIONS.items():
        out[f"dense {name}"] = base.with_(matching={**DENSE, **agg})
    out["default match_profiles=false"] = base.with_(matching={"match_profiles": False})
    if full:
        for fname, fusion in FUSIONS.items():
            for aname in FUSED_AGGREGATIONS:
                out[f"{fname} {aname}"] = base.with_(matching={**fusion,
                                                                **AGGREGATIONS[aname]})
    return out


WATER_VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "dense topk_mean k=3": {"fusion": "dense", "aggregation": "topk_mean", "aggregation_k": 3},
    "dense max": {"fusion": "dense", "aggregation": "max"},
    "dense softmax_votes T=0.1": {"fusion": "dense", "aggregation": "softmax_votes",
                                  "softmax_temperature": 0.1},
    "default match_profiles=false": {"match_profiles": False},
    "weighted w=0.1": {"fusion": "weighted", "lexical_weight": 0.1},
    "weighted w=0.2": {"fusion": "weighted", "lexical_weight": 0.2},
    "rrf k=60": {"fusion": "rrf", "rrf_k": 60},
}


def water(queries_path: Path, data_dir: Path) -> dict[str, Any]:
    """The graded water needs over the sample community: default and a few variants."""
    queries = load_graded_needs(queries_path)
    with tempfile.TemporaryDirectory(prefix="ws-quality-water-") as home:
        base = isolated_settings(Settings(), Path(home))
        store = SqliteStore(base.storage.database_path)
        report = ingest_paths(store, [data_dir])
        if report.errors:
            raise SystemExit(f"{data_dir}: {len(report.errors)} invalid record(s)")
        community, _ = Community.open(base, store=store)
        needs = NeedSet(community, {q.id: q.need for q in queries})
        out: dict[str, Any] = {"needs": len(queries), "vectors": community.index.count()}
        for name, update in WATER_VARIANTS.items():
            out[name] = graded_metrics(queries, needs.rank(base.with_(matching=update)))
        out["bm25 (default aggregation)"] = graded_metrics(queries, needs.rank_bm25(base))
        store.close()
    return out


def open_reviewer_community(bench: Any, base: Settings, home: Path) -> Community:
    """The benchmark community under ``home``: built (encoded) once, then reopened as is."""
    settings = isolated_settings(base, home)
    if settings.storage.database_path.exists():
        community, _ = Community.open(settings)  # the index syncs by content hash: no encoding
        return community
    home.mkdir(parents=True, exist_ok=True)
    community = build_reviewer_community(bench, base, home)
    community.save_if_dirty()  # so that the next run with this home encodes nothing
    return community


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", action="append", default=[],
                    help="sentence-transformers folder; repeatable ('' = bundled MiniLM)")
    ap.add_argument("--chunk-words", type=int, action="append", default=[])
    ap.add_argument("--dense-only", action="store_true", help="skip the fusion variants")
    ap.add_argument("--variants", choices=("all", "round2", "default"), default="all",
                    help="round2: the default and issue #18's round-2 signals; default: only it")
    ap.add_argument("--water-queries", type=Path,
                    help="also rank these graded needs over --water-data (NDCG@10, MRR)")
    ap.add_argument("--water-data", type=Path, default=Path("data"))
    ap.add_argument("--skip-reviewer", action="store_true")
    ap.add_argument("--cv", type=int, default=0, help="folds of researchers (0 = no CV)")
    ap.add_argument("--cv-seed", type=int, default=0)
    ap.add_argument("--home", type=Path, help="keep and reuse the encoded benchmark here")
    args = ap.parse_args()
    if args.skip_reviewer:
        print(json.dumps(water(args.water_queries, args.water_data), indent=2))
        return 0
    bench = load_reviewer_benchmark(args.data)
    runs: list[dict[str, Any]] = []
    started = time.perf_counter()
    for model in args.model or [""]:
        for chunk_words in args.chunk_words or [Settings().encoding.chunk_words]:
            base = Settings(encoding={"model": model, "chunk_words": chunk_words})
            with tempfile.TemporaryDirectory(prefix="ws-quality-") as tmp:
                t0 = time.perf_counter()
                community = open_reviewer_community(bench, base, args.home or Path(tmp))
                # the store does not change during the run: BM25 hits are the same for every
                # variant, so compute them once per need (the fused ranking code is unchanged)
                store: Any = community.store
                store.lexical_search = functools.lru_cache(maxsize=None)(store.lexical_search)
                needs = NeedSet(community, reviewer_needs(bench))
                encode_s = time.perf_counter() - t0
                rankings: dict[str, Rankings] = {}
                for name, s in variants(community.settings, not args.dense_only,
                                                args.variants).items():
                    rankings[name] = needs.rank(s)
                for name in ("max", "mean", "topk_mean k=2", "topk_mean k=3"):
                    s = community.settings.with_(matching=AGGREGATIONS[name])
                    rankings[f"bm25 {name}"] = needs.rank_bm25(s)
                results = {name: score_reviewer(bench, rk) for name, rk in rankings.items()}
                run: dict[str, Any] = {"model": matching_settings(base)["model"],
                                       "chunk_words": chunk_words,
                                       "vectors": community.index.count(),
                                       "encode_seconds": round(encode_s, 1),
                                       "default_settings": matching_settings(community.settings),
                                       "variants": results}
                if args.cv:
                    dense = {n: rk for n, rk in rankings.items() if not n.startswith("bm25")}
                    run["cv"] = cross_validate(bench, dense, args.cv, args.cv_seed)
                    run["cv_bm25"] = cross_validate(
                        bench, {n: rk for n, rk in rankings.items() if n.startswith("bm25")},
                        args.cv, args.cv_seed, reference="bm25 topk_mean k=2")
                runs.append(run)
                community.store.close()
            print(f"done: model={model or 'bundled'} chunk_words={chunk_words} "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    water_result = water(args.water_queries, args.water_data) if args.water_queries else None
    print(json.dumps({
        "water": water_result,
        "benchmark": str(args.data), "researchers": len(bench.ratings),
        "rated_papers": len(bench.papers), "rated_pairs_in_own_archive": bench.own_archive_pairs(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPU",
        "date": time.strftime("%Y-%m-%d"), "seconds": round(time.perf_counter() - started, 1),
        "runs": runs,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
