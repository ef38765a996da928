"""English needs and members who write in another language: fusing the multilingual index.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/english_ml_eval.py [--data data] [--home DIR]

Ranks the 62 English water needs (``bench/queries/water_needs.jsonl``) through
``Matcher.rank_need`` (exhaustive; the path of ``/experts``) with
``english_multilingual_weight`` 0 (today: the English index alone) and 0.25 / 0.5 / 1: the
multilingual index's ranking of the members with non-English evidence, reciprocal-rank fused
into the English ranking with that weight. Reports NDCG@10 / MRR, and the recall@10 of the
relevant members who write only in fr/es/pt/ar (``writes_in`` of data/ground_truth.json; mean
over the needs that have such a member, any grade and grade 3). Same home as
bench/place_eval.py (``--home`` reuses it).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from place_eval import load, open_sample, rank_all

from matcher.benchmarks import GradedNeed, Rankings, graded_metrics

WEIGHTS = (0.0, 0.25, 0.5, 1.0)


def other_writer_recall(needs: list[GradedNeed], rk: Rankings, others: set[str],
                        min_grade: float) -> dict[str, float]:
    """Mean recall@10 of the relevant members (grade >= min_grade) who write only in
    another language, over the needs that have one."""
    values = []
    for q in needs:
        wanted = {m for m, g in q.grades.items() if g >= min_grade and m in others}
        if wanted:
            values.append(len(wanted.intersection(rk.order[q.id][:10])) / len(wanted))
    return {"needs": len(values), "recall@10": round(sum(values) / len(values), 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("data"))
    ap.add_argument("--home", type=Path)
    ap.add_argument("--water-queries", type=Path,
                    default=Path("bench/queries/water_needs.jsonl"))
    args = ap.parse_args()
    started = time.perf_counter()
    truth = json.loads((args.data / "ground_truth.json").read_text(encoding="utf-8"))
    others = {m for m, info in truth["members"].items() if info["writes_in"] != "en"}
    water, _ = load(args.water_queries)
    out: dict[str, Any] = {"needs": len(water), "members_writing_only_another_language":
                           len(others), "variants": {}}
    with tempfile.TemporaryDirectory(prefix="ws-enml-") as tmp:
        community = open_sample(args.data, args.home or Path(tmp))
        for w in WEIGHTS:
            s = community.settings.with_(language={"english_multilingual_weight": w})
            rk = rank_all(community, s, water)
            out["variants"][f"weight {w}"] = {
                **graded_metrics(water, rk),
                "other writers, any grade": other_writer_recall(water, rk, others, 1),
                "other writers, grade 3": other_writer_recall(water, rk, others, 3)}
            print(f"done: weight {w} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        community.store.close()
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["date"] = time.strftime("%Y-%m-%d")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
