"""Adapt the bundled MiniLM to the reviewer-expertise archive's own texts (no labels).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/adapt_reviewer.py \\
        --data ../shared/benchmarks/reviewer-expertise --out /tmp/models [--lr 5e-6] \\
        [--steps 25] [--alpha 0.5 --alpha 1.0]

Training pairs: each archive paper's title and abstract (never the rated papers, never the
ratings). One training run, one model folder per ``--alpha``; prints their paths and the CPU
time as JSON. Score them with ``bench/quality.py --model PATH --cv 5``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexing.benchmark_format import load_reviewer_benchmark
from indexing.encoders.adapt import AdaptConfig, adapt_models, title_body_pairs
from indexing.settings import Settings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--lr", type=float, default=AdaptConfig.learning_rate)
    ap.add_argument("--steps", type=int, default=AdaptConfig.max_steps)
    ap.add_argument("--batch-size", type=int, default=AdaptConfig.batch_size)
    ap.add_argument("--alpha", type=float, action="append", default=[])
    args = ap.parse_args()
    bench = load_reviewer_benchmark(args.data)
    papers = {p.id: p for ps in bench.archives.values() for p in ps}
    pairs = title_body_pairs(((p.title, p.abstract) for p in papers.values()),
                             AdaptConfig.body_words)
    cfg = AdaptConfig(learning_rate=args.lr, max_steps=args.steps, batch_size=args.batch_size)
    cpu0 = time.process_time()
    results = adapt_models(Path(Settings().encoding.resolved_model_path()), pairs, args.out, cfg,
                           args.alpha or [cfg.alpha])
    print(json.dumps({"pairs": len(pairs), "cpu_seconds": round(time.process_time() - cpu0, 1),
                      "models": [{"path": str(r.path), "steps": r.steps,
                                  "seconds": round(r.seconds, 1), "first_loss": r.first_loss,
                                  "last_loss": r.last_loss} for r in results]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
