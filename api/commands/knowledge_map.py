"""map: the community's knowledge map (topics, thin spots, bridges, trends, charter scope)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

from api.commands.common import add_key_argument, asker_of, load_settings, open_matcher, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("map", help="the community's knowledge map: who holds what, where it is "
                                   "thin, how it moves")
    p.add_argument("--json", action="store_true")
    p.add_argument("--from-year", type=int, help="count contributions from this year")
    p.add_argument("--to-year", type=int, help="count contributions up to this year")
    p.add_argument("--charter", type=Path, help="charter JSON (default: WELLSPRING_MAP_CHARTER)")
    p.add_argument("--taxonomy", type=Path,
                   help="taxonomy JSON (default: WELLSPRING_MAP_TAXONOMY)")
    p.add_argument("--recompute", action="store_true",
                   help="cluster again even if the stored topic model still holds")
    add_key_argument(p)
    p.set_defaults(func=cmd_map)


def cmd_map(args: argparse.Namespace) -> int:
    from matcher.knowledge_map import KnowledgeMapper, check_years

    check_years(args.from_year, args.to_year)  # before loading anything
    settings = load_settings()
    overrides = {k: v for k, v in (("map_charter", args.charter),
                                   ("map_taxonomy", args.taxonomy)) if v is not None}
    if overrides:
        settings = settings.with_(map=overrides)
    matcher = open_matcher(settings)
    started = time.perf_counter()
    asker = asker_of(args, matcher.community.store)
    km = KnowledgeMapper.configured(matcher).build(asker.access, args.from_year, args.to_year,
                                                   recompute=args.recompute)
    elapsed = time.perf_counter() - started
    if args.json:
        print_json(dataclasses.asdict(km))
        print(f"({len(km.topics)} topics, {elapsed:.1f}s)", file=sys.stderr)
        return 0
    print(f"Knowledge map ({km.visibility}; {km.contributions} contributions, as of {km.as_of})")
    print(f"{'topic':<6} {'contribs':>8} {'members':>7}  core/act/occ/per/tra  countries  "
          f"bus  trend     label")
    for t in km.topics:
        lv = "/".join(str(n) for n in t.members_by_level.values())
        print(f"{t.id:<6} {t.contributions:>8} {t.members:>7}  {lv:<20} {len(t.countries):>9}  "
              f"{t.bus_factor:>3}  {t.trend.direction:<8}  {t.label}")
    _section("Thin spots", [f"{s.topic_id} {s.label}: {', '.join(s.reasons)}"
                            for s in km.thin_spots])
    _section("Bridges", [f"{b.name} ({b.member_id}, {b.level}): "
                         + "; ".join(f"{a}–{c}" for a, c in b.pairs) for b in km.bridges[:10]])
    _section("Rising", [_label(km, t) for t in km.rising])
    _section("Fading", [_label(km, t) for t in km.fading])
    _section("Periphery with expertise", [f"{p.name} ({p.member_id}, {p.level}): #{p.rank} in "
                                          f"{p.topic_id} {p.topic_label}"
                                          for p in km.periphery[:15]])
    if km.taxonomy_gaps:
        _section("Taxonomy areas without a topic of their own",
                 [f"{g.topic}/{g.subtopic or '-'}: {g.subtopic_label or g.topic_label}"
                  for g in km.taxonomy_gaps])
    if km.charter is not None:
        _section(f"Charter scope ({km.charter.name})",
                 [f"{s.id:<16} {s.status:<8} {s.members_covering} member(s) ≥ threshold; "
                  f"nearest topic {s.nearest_topic} — {s.title}" for s in km.scope])
    print(f"({len(km.topics)} topics, {elapsed:.1f}s)", file=sys.stderr)
    return 0


def _label(km: Any, topic_id: str) -> str:
    t = km.topic(topic_id)
    return f"{topic_id} {t.label} ({t.trend.last_24_months} in 24 months, {t.trend.before} before)"


def _section(title: str, lines: list[str]) -> None:
    print(f"\n{title}:" + ("" if lines else " none"))
    for line in lines:
        print(f"  {line}")
