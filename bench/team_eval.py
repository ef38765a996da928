"""Team suggestion vs naive top-k per need, on project briefs for the sample community.

Usage (from the repository root):

    HF_HUB_OFFLINE=1 .venv/bin/python bench/team_eval.py [--data data] \
        [--briefs bench/projects/briefs.jsonl] [--write-docs docs/QUALITY.md]

The data folder is ingested into a temporary home (nothing outside it is touched). Both methods
see the same per-need rankings (Matcher.rank, one encode_queries call per brief):

* ``team``   matcher.teams.select_team: greedy submodular coverage + MMR spread + caps.
* ``naive``  round-robin top-k per need: the best member of each need in turn, then the second
             best of each, ... until the team has ``size`` members (no threshold, no spread).

Metrics per brief, averaged over briefs: need coverage (share of needs with a team member at or
above the coverage threshold), distinct organisations and countries, team size, largest number
of members from one organisation, members who cover no need (padding), mean relevance (mean over
needs of the best team member's relevance) and mean member relevance (mean over members of
their best relevance over the needs). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexing.community import Community
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore
from indexing.vectors.catalog import MemberInfo
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.needs import NeedScores, encode_needs, project_needs, rank_needs
from matcher.teams import relevance_table, select_team
from matcher.teams_core import TeamLimits

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- teams:start -->", "<!-- teams:end -->"


def naive_team(scores: NeedScores, size: int) -> list[str]:
    """Round-robin over needs, taking each need's next best member not yet chosen."""
    orders = [sorted(r.values(), key=lambda x: (-x.score, x.member_id)) for r in scores.ranked]
    team: list[str] = []
    depth = 0
    while len(team) < size and any(depth < len(o) for o in orders):
        for order in orders:
            if depth < len(order) and order[depth].member_id not in team and len(team) < size:
                team.append(order[depth].member_id)
        depth += 1
    return team


def metrics(team: list[str], scores: NeedScores, members: dict[str, MemberInfo],
            threshold: float) -> dict[str, float]:
    n = len(scores.needs)
    best = [max((scores.score(m, i) for m in team), default=0.0) for i in range(n)]
    member_best = [max(scores.score(m, i) for i in range(n)) for m in team]
    orgs = Counter(members[m].organisation_id for m in team)
    return {
        "coverage": sum(b >= threshold for b in best) / n,
        "organisations": len(orgs),
        "countries": len({members[m].country for m in team}),
        "size": len(team),
        "max_per_organisation": max(orgs.values(), default=0),
        "padding": sum(b < threshold for b in member_best),
        "mean_relevance": statistics.fmean(best),
        "mean_member_relevance": statistics.fmean(member_best) if member_best else 0.0,
    }


def evaluate(data: Path, briefs_path: Path, keep_home: Path | None = None) -> dict[str, Any]:
    briefs = [json.loads(line) for line in briefs_path.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        home = keep_home or Path(tmp)
        settings = Settings(storage={"home": home})
        store = SqliteStore(settings.storage.database_path)
        report = ingest_paths(store, [data])
        if report.errors:
            raise SystemExit(f"{len(report.errors)} invalid records in {data}")
        started = time.perf_counter()
        community, _ = Community.open(settings, store=store)
        index_s = time.perf_counter() - started
        matcher = Matcher.configured(community)
        members = community.index._catalog.members
        s = settings
        rows: dict[str, list[dict[str, float]]] = {"team": [], "naive": []}
        per_brief = []
        timings = []
        for brief in briefs:
            # explicit needs, or (``needs`` null) the needs derived from the description
            needs = project_needs(brief["description"], brief["needs"], s.teams.team_max_needs,
                                  s.matching.max_query_chars, brief.get("language"))
            size = int(brief.get("size", s.teams.team_size))
            t0 = time.perf_counter()
            vectors = encode_needs(matcher, needs)
            with matcher.snapshot() as snap:
                scores = rank_needs(matcher, snap, needs, vectors, SearchFilters(),
                                    Access(all_spaces=True))
            picks = select_team(relevance_table(scores), members, TeamLimits(
                len(needs), size, s.teams.team_coverage_threshold, s.teams.team_diversity_weight,
                s.teams.team_max_per_organisation, s.teams.team_max_per_country))
            timings.append((time.perf_counter() - t0) * 1000)
            team = [p.member_id for p in picks]
            naive = naive_team(scores, size)
            mt = metrics(team, scores, members, s.teams.team_coverage_threshold)
            mn = metrics(naive, scores, members, s.teams.team_coverage_threshold)
            rows["team"].append(mt)
            rows["naive"].append(mn)
            per_brief.append({"id": brief["id"], "needs": len(needs), "team": team,
                              "naive": naive, "team_coverage": round(mt["coverage"], 3),
                              "naive_coverage": round(mn["coverage"], 3),
                              "best_per_need": [round(b.score, 3) if (b := scores.best(i))
                                                else 0.0 for i in range(len(needs))]})
        community.store.close()
    summary = {method: {k: round(statistics.fmean(r[k] for r in rs), 3) for k in rs[0]}
               for method, rs in rows.items()}
    wins = {
        "coverage_at_least_naive": sum(t["coverage"] >= n["coverage"] - 1e-9
                                       for t, n in zip(rows["team"], rows["naive"], strict=True)),
        "organisations_at_least_naive": sum(
            t["organisations"] >= n["organisations"]
            for t, n in zip(rows["team"], rows["naive"], strict=True)),
        "countries_at_least_naive": sum(
            t["countries"] >= n["countries"]
            for t, n in zip(rows["team"], rows["naive"], strict=True)),
    }
    return {
        "briefs": len(briefs), "members": len(members),
        "needs_per_brief": [min(b["needs"] for b in per_brief),
                            max(b["needs"] for b in per_brief)],
        "vectors": community.index.count(), "index_build_s": round(index_s, 1),
        "settings": {"team_size": s.teams.team_size,
                     "coverage_threshold": s.teams.team_coverage_threshold,
                     "diversity_weight": s.teams.team_diversity_weight,
                     "max_per_organisation": s.teams.team_max_per_organisation,
                     "max_per_country": s.teams.team_max_per_country,
                     "aggregation": s.matching.aggregation},
        "summary": summary, "briefs_where_team_is_at_least_naive": wins,
        "team_ms_per_brief": {"median": round(statistics.median(timings), 1),
                              "max": round(max(timings), 1)},
        "per_brief": per_brief,
    }


def markdown(result: dict[str, Any], command: str) -> str:
    labels = [("coverage", "need coverage (share of needs ≥ threshold)"),
              ("organisations", "distinct organisations"), ("countries", "distinct countries"),
              ("size", "team size"), ("max_per_organisation", "most members from one organisation"),
              ("padding", "members covering no need"),
              ("mean_relevance", "mean relevance (best member per need)"),
              ("mean_member_relevance", "mean member relevance")]
    t, n = result["summary"]["team"], result["summary"]["naive"]
    cfg = result["settings"]
    wins = result["briefs_where_team_is_at_least_naive"]
    lines = [
        START,
        f"Measured {dt.date.today().isoformat()} on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPU cores, CPU only, Python {platform.python_version()}), "
        f"bundled all-MiniLM-L6-v2, with:",
        "",
        f"    {command}",
        "",
        f"{result['briefs']} project briefs (`bench/projects/briefs.jsonl`, "
        f"{result['needs_per_brief'][0]}–{result['needs_per_brief'][1]} needs each, "
        f"team size {cfg['team_size']}) over the sample community in `data/` "
        f"({result['members']} members, {result['vectors']} vectors). Coverage threshold "
        f"{cfg['coverage_threshold']}, diversity weight {cfg['diversity_weight']}, at most "
        f"{cfg['max_per_organisation']} per organisation and {cfg['max_per_country']} per "
        f"country. Means over briefs; both methods use the same per-need rankings.",
        "",
        "| metric | team (greedy coverage + MMR + caps) | naive top-k per need |",
        "|---|---|---|",
        *[f"| {label} | {t[k]} | {n[k]} |" for k, label in labels],
        "",
        f"Briefs where the team method is at least as good as naive: coverage "
        f"{wins['coverage_at_least_naive']}/{result['briefs']}, organisations "
        f"{wins['organisations_at_least_naive']}/{result['briefs']}, countries "
        f"{wins['countries_at_least_naive']}/{result['briefs']}. Team selection (encode + rank "
        f"+ select) median {result['team_ms_per_brief']['median']} ms per brief.",
        END,
    ]
    return "\n".join(lines)


def write_docs(path: Path, block: str) -> None:
    """Replace the Teams block in ``path`` (create the section, or the file, if absent)."""
    text = path.read_text() if path.exists() else "# Quality\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    elif "## Teams" in text:
        head, rest = text.split("## Teams", 1)
        after = rest.split("\n## ", 1)
        tail = ("\n## " + after[1]) if len(after) > 1 else "\n"
        text = head + "## Teams\n\n" + block + "\n" + tail
    else:
        text = text.rstrip("\n") + "\n\n## Teams\n\n" + block + "\n"
    path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--briefs", type=Path, default=ROOT / "bench/projects/briefs.jsonl")
    parser.add_argument("--write-docs", type=Path, default=None, metavar="QUALITY.md")
    parser.add_argument("--home", type=Path, default=None,
                        help="keep the built store and index here (reused by later runs)")
    args = parser.parse_args()
    result = evaluate(args.data, args.briefs, args.home)
    print(json.dumps(result, indent=2))
    if args.write_docs:
        command = "HF_HUB_OFFLINE=1 .venv/bin/python bench/team_eval.py " + " ".join(
            a if " " not in a else repr(a) for a in sys.argv[1:])
        write_docs(args.write_docs, markdown(result, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
