"""eval: measure the matcher on a gold standard, in an isolated temporary community.

* ``wellspring eval reviewer-expertise --data DIR [--json]`` — Stelmakh et al.'s gold standard.
* ``wellspring eval water --queries FILE [--data DIR] [--json]`` — graded water-sector needs over
  the sample community.

Both use the current settings (``WELLSPRING_*``) except where the store and index live: a
temporary folder, removed afterwards, so the community being served is never touched.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

from api.commands.common import CliError, load_settings, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure ranking quality on a gold standard")
    which = p.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")

    r = which.add_parser("reviewer-expertise",
                         help="loss, easy/hard accuracy, MRR, recall@5/10 vs BM25")
    r.add_argument("--data", type=Path, required=True,
                   help="folder with ratings.tsv, papers.json and archives/")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_eval_reviewer)

    w = which.add_parser("water", help="NDCG@10 and MRR of graded needs on a community")
    w.add_argument("--queries", type=Path, required=True, help="JSONL of graded needs")
    w.add_argument("--data", type=Path, default=Path("data"),
                   help="community folder of *.jsonl (default: data)")
    w.add_argument("--json", action="store_true")
    w.set_defaults(func=cmd_eval_water)


def cmd_eval_reviewer(args: argparse.Namespace) -> int:
    from indexing.benchmark_format import BenchmarkFormatError, load_reviewer_benchmark
    from matcher.benchmarks import evaluate_reviewer_expertise

    if not args.data.is_dir():
        raise CliError(f"--data: '{args.data}' is not a folder")
    try:
        bench = load_reviewer_benchmark(args.data)
    except BenchmarkFormatError as exc:
        raise CliError(f"--data: {exc}") from exc
    settings = load_settings()
    print(f"{len(bench.ratings)} researchers rated {len(bench.papers)} papers; "
          f"{len(bench.archives)} archives; building a temporary community...", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="wellspring-eval-") as home:
        result = evaluate_reviewer_expertise(bench, settings, Path(home))
    if args.json:
        print_json(result)
    else:
        _print_table(result, ("loss", "easy_accuracy", "hard_accuracy", "mrr", "recall@5",
                              "recall@10"))
    return 0


def cmd_eval_water(args: argparse.Namespace) -> int:
    from matcher.benchmarks import evaluate_water, load_graded_needs

    if not args.queries.is_file():
        raise CliError(f"--queries: '{args.queries}' is not a file")
    if not args.data.is_dir():
        raise CliError(f"--data: '{args.data}' is not a folder")
    try:
        queries = load_graded_needs(args.queries)
    except ValueError as exc:
        raise CliError(f"--queries: {exc}") from exc
    if not queries:
        raise CliError(f"--queries: '{args.queries}' holds no need")
    settings = load_settings()
    with tempfile.TemporaryDirectory(prefix="wellspring-eval-") as home:
        try:
            result = evaluate_water(queries, args.data, settings, Path(home))
        except (KeyError, ValueError) as exc:
            raise CliError(f"--data: {exc}") from exc
    if args.json:
        print_json(result)
    else:
        _print_table(result, ("ndcg@10", "mrr", "mrr_top_grade"))
    return 0


def _print_table(result: dict[str, Any], keys: tuple[str, ...]) -> None:
    base = result["baseline_bm25"]
    print(f"{'metric':<14} {'matcher':>8} {'bm25':>8}")
    for key in keys:
        print(f"{key:<14} {_fmt(result[key]):>8} {_fmt(base[key]):>8}")
    settings = ", ".join(f"{k}={v}" for k, v in result["settings"].items())
    print(f"settings: {settings}")
    print(f"seconds: {result['seconds']}")


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4f}"
