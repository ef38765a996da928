"""The place preference on the sample community: place-bearing needs and the water needs.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/place_eval.py [--data data] [--home DIR] \
        [--place-queries bench/queries/place_needs.jsonl] \
        [--water-queries bench/queries/water_needs.jsonl]

The sample is ingested into ``--home`` (default: a temporary folder) and indexed once (both
indexes); a home kept from a previous run is reopened as is. Every need is ranked through
``Matcher.rank_need`` (exhaustive) — the path of ``/experts``, with its language route — under
each variant: places off, and the boost at 0.02 / 0.05 (default) / 0.1. Prints one JSON object:
NDCG@10, MRR and MRR of the top grade per variant, for all place needs, those with at least one
member on topic in the place, and each language; the water needs' figures; the needs whose
place_hints are not empty.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexing.community import Community
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore
from matcher.benchmarks import GradedNeed, Rankings, graded_metrics, isolated_settings
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.reach import Reach

VARIANTS: dict[str, dict[str, Any]] = {  # fields of settings.matching
    "places off": {"places": "off"},
    "boost 0.02": {"place_boost": 0.02},
    "boost 0.05 (default)": {"place_boost": 0.05},
    "boost 0.1": {"place_boost": 0.1},
}


def open_sample(data: Path, home: Path) -> Community:
    """The sample community under ``home``: ingested and indexed once, then reopened."""
    settings = isolated_settings(Settings(), home)
    fresh = not settings.storage.database_path.exists()
    home.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(settings.storage.database_path)
    if fresh:
        report = ingest_paths(store, [data])
        if report.errors:
            raise SystemExit(f"{data}: {len(report.errors)} invalid record(s)")
    community, _ = Community.open(settings, store=store)
    return community


def rank_all(community: Community, settings: Settings, needs: list[GradedNeed]) -> Rankings:
    matcher = Matcher.configured(community, settings)
    order: dict[str, list[str]] = {}
    scores: dict[str, dict[str, float]] = {}
    with matcher.snapshot() as snap:
        n = max(1, len(snap.catalog.members))
        for q in needs:
            ranked = matcher.rank_need(snap, q.need, Reach(SearchFilters(), Access(all_spaces=True),
                                                           n, exhaustive=True))
            order[q.id] = [r.member_id for r in ranked]
            scores[q.id] = {r.member_id: r.score for r in ranked}
    return Rankings(order, scores)


def load(path: Path) -> tuple[list[GradedNeed], dict[str, dict[str, Any]]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    needs = [GradedNeed(r["id"], r["need"], {m: float(g) for m, g in r["relevance"].items()})
             for r in rows]
    return needs, {r["id"]: r for r in rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("data"))
    ap.add_argument("--home", type=Path)
    ap.add_argument("--place-queries", type=Path,
                    default=Path("bench/queries/place_needs.jsonl"))
    ap.add_argument("--water-queries", type=Path,
                    default=Path("bench/queries/water_needs.jsonl"))
    args = ap.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ws-places-") as tmp:
        community = open_sample(args.data, args.home or Path(tmp))
        built_s = time.perf_counter() - started
        place, meta = load(args.place_queries)
        water, _ = load(args.water_queries)
        matcher = Matcher.configured(community)
        hinted_water = [q.id for q in water if not matcher.need_places(q.need).empty]
        unread = [q.id for q in place if matcher.need_places(q.need).empty]
        langs = sorted({meta[q.id]["language"] for q in place})
        out: dict[str, Any] = {"place_needs": len(place), "water_needs": len(water),
                               "place_needs_with_a_member_on_topic_in_the_place": None,
                               "water_needs_with_place_hints": hinted_water,
                               "place_needs_without_place_hints": unread, "variants": {}}
        for name, update in VARIANTS.items():
            s = community.settings.with_(matching=update)
            rk = rank_all(community, s, place)
            row: dict[str, Any] = {"all": graded_metrics(place, rk)}
            subset = [q for q in place if _has_member_in_place(q, meta[q.id], community)]
            out["place_needs_with_a_member_on_topic_in_the_place"] = len(subset)
            row["with a member on topic in the place"] = graded_metrics(subset, rk)
            row["without"] = graded_metrics([q for q in place if q not in subset], rk)
            for lang in langs:
                row[lang] = graded_metrics([q for q in place if meta[q.id]["language"] == lang],
                                           rk)
            row["water (62 needs)"] = graded_metrics(water, rank_all(community, s, water))
            out["variants"][name] = row
            print(f"done: {name} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        out["index_seconds"] = round(built_s, 1)
        out["seconds"] = round(time.perf_counter() - started, 1)
        out["date"] = time.strftime("%Y-%m-%d")
        community.store.close()
    print(json.dumps(out, indent=2))
    return 0


def _has_member_in_place(q: GradedNeed, row: dict[str, Any], community: Community) -> bool:
    """Some member on topic works in the need's countries (their grade was raised)."""
    with community.index.reader() as reader:
        members = reader.catalog.members
        return any(members[m].country in row["countries"] for m in q.grades if m in members)


if __name__ == "__main__":
    sys.exit(main())
