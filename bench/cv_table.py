"""A markdown table of bench/quality.py --cv output: each variant's cross-validated figures
(mean ± sd over the held-out folds) beside its whole-half figures.

    python bench/cv_table.py RUN.json [--against BASE.json]

``--against`` (another run with the same folds, e.g. the bundled model's) adds the paired loss
gain of each run's ``default`` over BASE's ``default``, fold by fold (positive = better).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any


def _pm(cell: dict[str, float]) -> str:
    return f"{cell['mean']:.3f} ± {cell['std']:.3f}"


def _fold_losses(run: dict[str, Any]) -> list[float]:
    return [row["reference_held_out"]["loss"] for row in run["cv"]["fold_rows"]]


def table(doc: dict[str, Any], against: dict[str, Any] | None) -> str:
    lines = ["| run / variant | CV loss | paired gain over default | whole loss | CV MRR | whole "
             "MRR | CV R@10 | whole R@10 |", "|---|---|---|---|---|---|---|---|"]
    for run in doc["runs"]:
        cv, whole = run["cv"], run["variants"]
        for name, c in cv["per_candidate"].items():
            g = c.get("loss_gain_over_reference")
            gain = ("–" if name == cv["reference"] or g is None
                    else f"{g['mean']:+.4f} ± {g['std']:.4f}")
            if name == cv["reference"] and against is not None:
                base, mine = _fold_losses(against["runs"][0]), _fold_losses(run)
                d = [b - m for b, m in zip(base, mine, strict=True)]
                gain = f"{statistics.fmean(d):+.4f} ± {statistics.stdev(d):.4f} (vs bundled)"
            w = whole[name]
            lines.append(f"| {Path(run['model']).name} / {name} | {_pm(c['loss'])} | {gain} | "
                         f"{w['loss']:.4f} | {_pm(c['mrr'])} | {w['mrr']:.3f} | "
                         f"{_pm(c['recall@10'])} | {w['recall@10']:.3f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--against", type=Path)
    args = ap.parse_args()
    against = json.loads(args.against.read_text()) if args.against else None
    print(table(json.loads(args.run.read_text()), against))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
