"""Invitations and teams on project briefs over the sample community (issue #13's measures).

Usage (from the repository root):

    HF_HUB_OFFLINE=1 .venv/bin/python bench/invite_eval.py [--home DIR] \
        [--write-docs docs/QUALITY.md]

Runs the product's own `suggest_invitations` and `suggest_team` (the code behind
`POST /projects/invitations`, `POST /projects/match` and the CLI) on every brief of
`bench/projects/briefs.jsonl` (English) and `briefs_translated.jsonl` (fr/es/pt/ar), and reports:

* **invitations**: share of briefs with at least one invitation; precision@5 at subtopic level
  (an invitee counts when their primary or secondary subtopic in `data/ground_truth.json` is one
  that a need of the brief expects), beside a random pick of 5 open members outside the core
  (mean of 50 seeded draws) and the previous gap-only rule (invite only for needs the core and
  active members cover under the coverage threshold); how often each reason type occurs, and a
  mechanical check of every claim against the figures the answer reports and the settings;
* **teams**: distinct organisations and countries per team and mean relevance, with the spread
  term (shipped) and without it (`team_diversity_weight=0`), and alternates offered;
* **translated briefs**: |team(translation) ∩ team(English)| / |team(English)|, and needs
  derived per language against the hand-written expected needs.

The labels are read only here, to score; the matcher never sees them. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
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
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.invitations import (
    REASON_TYPES,
    InvitationResult,
    may_invite,
    suggest_invitations,
)
from matcher.need_derivation import derive_needs
from matcher.needs import ProjectRequest
from matcher.teams import suggest_team

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- invitations:start -->", "<!-- invitations:end -->"
ALL = Access(all_spaces=True)


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def request_of(brief: dict[str, Any]) -> ProjectRequest:
    return ProjectRequest(title=brief["title"], description=brief.get("description") or "",
                          needs=tuple(brief["needs"]) if brief.get("needs") else None,
                          size=brief.get("size"))


def expected_subtopics(brief: dict[str, Any]) -> set[str]:
    return {s for e in brief.get("expected", []) for s in e["subtopics"]}


def knows(truth: dict[str, Any], member_id: str, wanted: set[str]) -> bool:
    t = truth["members"].get(member_id, {})
    return bool(({t.get("primary_subtopic")} | set(t.get("secondary_subtopics", []))) & wanted)


def check_claims(result: InvitationResult, matcher: Matcher, kinds: dict[str, str],
                 n_contrib: dict[str, int]) -> list[str]:
    """Every reason's condition, checked against the answer's figures and the settings."""
    s = matcher.settings
    team = set(result.team)
    with matcher.snapshot() as snap:
        members = snap.catalog.members
        team_kinds = {kinds.get(members[m].organisation_id) for m in team}
        team_countries = {members[m].country for m in team}
        team_langs = {x for m in team for x in members[m].languages}
    texts = [n.text for n in result.needs]
    wrong = []
    for inv in result.invitations:
        m = inv.member
        if not may_invite(m):
            wrong.append(f"{m.id}: may not be invited")
        for r in inv.reasons:
            i = texts.index(r.need)
            fit, core = inv.fits[i], result.core_best[i]
            ok = fit >= s.teams.invite_fit_floor - 1e-6
            if r.type == "fills_gap":
                ok &= core < s.teams.team_coverage_threshold
            elif r.type == "adds_depth":
                ok &= (core >= s.teams.team_coverage_threshold
                       and fit >= core - s.teams.invite_depth_margin)
            elif r.type == "new_perspective":
                ok &= (kinds.get(m.organisation_id) not in team_kinds
                       or m.country not in team_countries
                       or any(x not in team_langs for x in m.languages))
            elif r.type == "grow_newcomer":
                ok &= m.level == "peripheral" and n_contrib.get(m.id, 0) <= (
                    s.teams.invite_newcomer_max_contributions)
            if not ok:
                wrong.append(f"{m.id} {r.type} on '{r.need}'")
    return wrong


def gap_only(result: InvitationResult, threshold: float) -> list[str]:
    """The previous rule on the same figures (an answer with every candidate, top 100): only
    for needs the core covers under the threshold, candidates reaching the threshold there,
    best first."""
    poor = [i for i, b in enumerate(result.core_best) if b < threshold]
    scored = [(max(inv.fits[i] for i in poor), inv.member.id) for inv in result.invitations
              if poor and max(inv.fits[i] for i in poor) >= threshold]
    return [mid for _, mid in sorted(scored, key=lambda x: (-x[0], x[1]))]


def evaluate(home: Path) -> dict[str, Any]:
    truth = json.loads((ROOT / "data/ground_truth.json").read_text(encoding="utf-8"))
    briefs = load(ROOT / "bench/projects/briefs.jsonl")
    translated = load(ROOT / "bench/projects/briefs_translated.jsonl")
    settings = Settings(storage={"home": home})
    store = SqliteStore(settings.storage.database_path)
    if store.counts()["contributions"] == 0:
        report = ingest_paths(store, [ROOT / "data"])
        assert not report.errors, report.errors[:3]
    started = time.perf_counter()
    community, _ = Community.open(settings, store=store)
    open_s = time.perf_counter() - started
    matcher = Matcher.configured(community)
    s = matcher.settings
    with matcher.snapshot() as snap:
        catalog = snap.catalog
        kinds = {o: org.kind for o, org in catalog.organisations.items()}
        n_contrib = {m: len(c) for m, c in catalog.member_contributions.items()}
        outer_open = sorted(m for m, info in catalog.members.items() if may_invite(info))
        members = dict(catalog.members)
    rng = random.Random(7)
    rows, reasons, wrong, timings = [], Counter(), [], []
    for brief in briefs:
        t0 = time.perf_counter()
        result = suggest_invitations(matcher, request_of(brief), ALL, 10)
        timings.append((time.perf_counter() - t0) * 1000)
        wanted = expected_subtopics(brief)
        top5 = [i.member.id for i in result.invitations[:5]]
        wide = suggest_invitations(matcher, request_of(brief), ALL, 100)
        gap5 = gap_only(wide, s.teams.team_coverage_threshold)[:5]
        rand = [statistics.fmean(knows(truth, m, wanted) for m in rng.sample(outer_open, 5))
                for _ in range(50)]
        for inv in result.invitations:
            reasons.update(r.type for r in inv.reasons)
        wrong += check_claims(result, matcher, kinds, n_contrib)
        rows.append({"id": brief["id"], "invited": len(result.invitations),
                     "explanation": result.explanation, "scored": bool(wanted),
                     "p5": (statistics.fmean(knows(truth, m, wanted) for m in top5)
                            if top5 and wanted else None),
                     "p5_gap_only": (statistics.fmean(knows(truth, m, wanted) for m in gap5)
                                     if gap5 and wanted else None),
                     "gap_only_invited": len(gap5), "p5_random": statistics.fmean(rand),
                     "top5": top5})
    scored = [r for r in rows if r["scored"]]

    def mean(key: str) -> float | None:
        vals = [r[key] for r in scored if r[key] is not None]
        return round(statistics.fmean(vals), 3) if vals else None

    teams = team_spread(matcher, briefs, members)
    overlap = translation_overlap(matcher, briefs, translated)
    derivation = derivation_agreement(translated)
    return {
        "briefs": len(briefs), "translated": len(translated), "open_s": round(open_s, 1),
        "settings": {k: getattr(s.teams, k) for k in (
            "invite_fit_floor", "invite_depth_margin", "invite_newcomer_max_contributions",
            "team_coverage_threshold", "team_diversity_weight", "team_alternate_max_cost")},
        "invitations": {
            "share_with_invitation": round(sum(r["invited"] > 0 for r in rows) / len(rows), 3),
            "share_with_invitation_gap_only": round(
                sum(r["gap_only_invited"] > 0 for r in rows) / len(rows), 3),
            "precision_at_5": mean("p5"), "precision_at_5_gap_only": mean("p5_gap_only"),
            "briefs_gap_only_invites": sum(r["p5_gap_only"] is not None for r in scored),
            "precision_at_5_random": mean("p5_random"),
            "briefs_scored": len(scored),
            "reason_types": {t: reasons.get(t, 0) for t in REASON_TYPES},
            "claims_checked": sum(reasons.values()), "claims_wrong": wrong,
            "ms_per_brief_median": round(statistics.median(timings), 1),
            "empty": [(r["id"], r["explanation"]) for r in rows if not r["invited"]],
        },
        "teams": teams, "translations": overlap, "derivation": derivation,
        "per_brief": rows,
    }


def evaluate_translations(home: Path) -> dict[str, Any]:
    """The translated briefs alone (after a change that affects only non-English needs)."""
    briefs = load(ROOT / "bench/projects/briefs.jsonl")
    translated = load(ROOT / "bench/projects/briefs_translated.jsonl")
    settings = Settings(storage={"home": home})
    community, _ = Community.open(settings, store=SqliteStore(settings.storage.database_path))
    matcher = Matcher.configured(community)
    return {"translations": translation_overlap(matcher, briefs, translated),
            "derivation": derivation_agreement(translated)}


def team_spread(matcher: Matcher, briefs: list[dict[str, Any]], members: dict[str, Any]
                ) -> dict[str, Any]:
    """Spread and relevance of teams with the spread term and without it."""
    out: dict[str, Any] = {}
    plain = Matcher(matcher.community,
                    matcher.settings.with_(teams={"team_diversity_weight": 0.0}), matcher.glossary)
    for name, m in (("with_spread", matcher), ("without_spread", plain)):
        orgs, countries, rel, sizes, alts, short = [], [], [], [], [], 0
        for brief in briefs:
            r = suggest_team(m, request_of(brief), ALL)
            ids = [t.member.id for t in r.team]
            orgs.append(len({members[i].organisation_id for i in ids}))
            countries.append(len({members[i].country for i in ids}))
            rel.append(statistics.fmean(c.best_score for c in r.coverage))
            sizes.append(len(ids))
            alts.append(len(r.alternates))
            short += r.shortfall is not None
        out[name] = {"organisations": round(statistics.fmean(orgs), 2),
                     "countries": round(statistics.fmean(countries), 2),
                     "mean_relevance": round(statistics.fmean(rel), 4),
                     "team_size": round(statistics.fmean(sizes), 2),
                     "alternates": round(statistics.fmean(alts), 2), "short_teams": short}
    out["relevance_cost_of_spread"] = round(out["without_spread"]["mean_relevance"]
                                            - out["with_spread"]["mean_relevance"], 4)
    return out


def translation_overlap(matcher: Matcher, briefs: list[dict[str, Any]],
                        translated: list[dict[str, Any]]) -> dict[str, Any]:
    by_id = {b["id"]: b for b in briefs}
    per, langs = [], {}
    for tr in translated:
        en = suggest_team(matcher, request_of(by_id[tr["source"]]), ALL)
        other = suggest_team(matcher, request_of(tr), ALL)
        a = {t.member.id for t in en.team}
        b = {t.member.id for t in other.team}
        per.append({"id": tr["id"], "overlap": round(len(a & b) / len(a), 3) if a else None,
                    "team_en": sorted(a), "team": sorted(b),
                    "needs_languages": [x.code for x in other.languages],
                    "routes": [x.route for x in other.languages]})
        langs.setdefault(tr["language"], []).append(per[-1]["overlap"])
    vals = [p["overlap"] for p in per if p["overlap"] is not None]
    return {"mean_overlap": round(statistics.fmean(vals), 3) if vals else None,
            "per_language": {k: round(statistics.fmean(v), 3) for k, v in langs.items()},
            "per_brief": per}


def derivation_agreement(translated: list[dict[str, Any]]) -> dict[str, float]:
    """Matched needs over the union of expected and derived, per language."""
    out: dict[str, list[float]] = {}
    for tr in translated:
        got = {x.casefold() for x in derive_needs(tr["description"], 12, tr["language"])}
        want = {x.casefold() for x in tr["expected_needs"]}
        out.setdefault(tr["language"], []).append(len(got & want) / len(got | want))
    return {k: round(statistics.fmean(v), 3) for k, v in out.items()}


def markdown(r: dict[str, Any], command: str) -> str:
    inv, teams, tr = r["invitations"], r["teams"], r["translations"]
    w, wo = teams["with_spread"], teams["without_spread"]
    cfg = r["settings"]
    return "\n".join([
        START,
        f"Measured {dt.date.today().isoformat()} on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPU cores, load {os.getloadavg()[0]:.1f}), with:", "",
        f"    {command}", "",
        f"{r['briefs']} English briefs and {r['translated']} translations "
        "(`bench/projects/`, written blind to who is in the community, their needs labelled "
        "with expected subtopics before any run). Fit floor "
        f"{cfg['invite_fit_floor']}, depth margin {cfg['invite_depth_margin']}, newcomers "
        f"≤ {cfg['invite_newcomer_max_contributions']} contributions, coverage threshold "
        f"{cfg['team_coverage_threshold']}.", "",
        "| invitations | shipped (reasons) | gap-only rule (before) | random open outer members |",
        "|---|---|---|---|",
        f"| briefs with ≥ 1 invitation | {inv['share_with_invitation']} | "
        f"{inv['share_with_invitation_gap_only']} | 1.0 |",
        f"| precision@5 at subtopic level | {inv['precision_at_5']} | "
        f"{inv['precision_at_5_gap_only']} (on the {inv['briefs_gap_only_invites']} briefs "
        f"where it invites anyone) | {inv['precision_at_5_random']} |", "",
        f"Reason types given: {', '.join(f'{k} {v}' for k, v in inv['reason_types'].items())}; "
        f"{inv['claims_checked']} claims checked mechanically, {len(inv['claims_wrong'])} "
        f"wrong. Median {inv['ms_per_brief_median']} ms per brief (team + invitations).", "",
        "| teams (English briefs) | with spread (shipped) | without spread (weight 0) |",
        "|---|---|---|",
        f"| distinct organisations | {w['organisations']} | {wo['organisations']} |",
        f"| distinct countries | {w['countries']} | {wo['countries']} |",
        f"| mean relevance (best member per need) | {w['mean_relevance']} | "
        f"{wo['mean_relevance']} |",
        f"| team size | {w['team_size']} | {wo['team_size']} |",
        f"| alternates offered | {w['alternates']} | {wo['alternates']} |",
        f"| teams smaller than asked (explained) | {w['short_teams']} | {wo['short_teams']} |",
        "",
        f"Translated briefs: mean team overlap with the English brief's team "
        f"{tr['mean_overlap']} ({', '.join(f'{k} {v}' for k, v in tr['per_language'].items())})"
        f"; needs derived per language against the hand-written ones: "
        f"{', '.join(f'{k} {v}' for k, v in r['derivation'].items())}.",
        END,
    ])


def write_docs(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Quality\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        title = "\n\n## Invitations and teams across languages\n\n"
        text = text.rstrip("\n") + title + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None,
                        help="a home holding the sample's store and index (built if empty)")
    parser.add_argument("--write-docs", type=Path, default=None, metavar="QUALITY.md")
    parser.add_argument("--translations-only", action="store_true",
                        help="only the translated briefs' team overlap and derivation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.translations_only:
            print(json.dumps(evaluate_translations(args.home or Path(tmp)), indent=2,
                             ensure_ascii=False))
            return 0
        result = evaluate(args.home or Path(tmp))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.write_docs:
        command = "HF_HUB_OFFLINE=1 .venv/bin/python bench/invite_eval.py " + " ".join(
            sys.argv[1:])
        write_docs(args.write_docs, markdown(result, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
