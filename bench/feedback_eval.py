"""Learning from coordinators' feedback, and fair exposure, on the sample community (issue #20).

Usage (from the repository root):

    HF_HUB_OFFLINE=1 .venv/bin/python bench/feedback_eval.py [--home var] \
        [--write-docs docs/QUALITY.md]

``--home`` names an indexed home (``make run`` leaves one in var/) that is copied into a
temporary folder (nothing outside it is written); without it data/ is ingested and indexed.
Needs and briefs come from bench/taxonomy_needs.py (templates over data/taxonomy.json, graded
with data/ground_truth.json).

1. **Learned ranking.** Subtopics are split into training and test subtopics (no subtopic in
   both); training needs use three templates, test needs two others. Simulated coordinators
   judge the top 10 of each training need with the ground truth: grade 3 or 2 -> ``accepted``
   (``declined_busy`` for 15 % of them, seeded), grade 1 -> ``declined_not_my_field``, 0 ->
   ``not_relevant``. NDCG@10 on the test needs with the untrained ranking, then after
   ``wellspring learn`` (the same ``Feedback.learn``).
2. **Exposure.** 200 generated briefs (3 needs of distinct topics), each team marked shown, with
   ``fair_exposure=track`` (no cap) and ``cap`` (``exposure_cap``): Gini and top-10 share of
   shows, and the quality cost: mean relevance (best team member per need) and coverage
   (both runs without the busy cool-down); then with the cool-down alone, the team seats held
   by members who declined as busy during the training.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.taxonomy_needs import (
    TEMPLATES,
    generate_briefs,
    generate_needs,
    load_taxonomy,
    load_truth,
    relevance_of,
    split_subtopics,
)
from indexing.community import Community
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore, SqlStore
from indexing.store.projects import Exclusions, Project, ProjectStore
from matcher.evaluation import ndcg_at_k
from matcher.experts import Matcher
from matcher.exposure import gini, top_share
from matcher.feedback import Feedback
from matcher.filters import Access, SearchFilters
from matcher.needs import ProjectRequest
from matcher.requests import TRACKED, Asker, ExpertsRequest, TeamRequest, Tracking
from matcher.reranker import PAST_OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- feedback:start -->", "<!-- feedback:end -->"
ALL = Access(all_spaces=True)
ADMIN = Asker(ALL, "bench")


def ask(need: str, tracking: Tracking = TRACKED) -> ExpertsRequest:
    """Who knows X over every space, top 10, places off (the benchmark's needs name none)."""
    return ExpertsRequest(need, SearchFilters(), ADMIN, tracking, 10, places=False)
SEED = 20


def outcome_of(grade: int, rng: random.Random) -> str:
    if grade >= 2:
        return "declined_busy" if rng.random() < 0.15 else "accepted"
    return "declined_not_my_field" if grade == 1 else "not_relevant"


def mean_ndcg(fb: Feedback, needs: list[Any]) -> float:
    scores = []
    for n in needs:
        answer = fb.experts(ask(n.text))
        ranking = [m.member.id for m in answer.result.matches]
        scores.append(ndcg_at_k(ranking, n.grades, 10))
    return statistics.fmean(scores)


def learned_ranking(community: Community) -> dict[str, Any]:
    truth = load_truth()
    train_subs, test_subs = split_subtopics(load_taxonomy(), 0.4, SEED)
    train = generate_needs(train_subs, TEMPLATES[:3], truth)
    test = generate_needs(test_subs, TEMPLATES[3:], truth)
    assert not {n.subtopic for n in train} & {n.subtopic for n in test}
    untrained = Feedback(Matcher(community, community.settings.with_(
        feedback={"learned_ranking": "off"}), None))
    fb = Feedback(Matcher(community, community.settings, None))
    before = mean_ndcg(untrained, test)
    store = community.store
    assert isinstance(store, SqlStore)
    for i in range(len(train)):  # a project id names a project record (issue #30)
        ProjectStore(store).create(Project(f"train-{i}", f"train-{i}", "", (), None,
                                           Exclusions(), ADMIN.key_id, (), "open", "", ""))
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {}
    for i, n in enumerate(train):
        answer = fb.experts(ask(n.text, Tracking(f"train-{i}")))
        assert answer.suggestion_id is not None
        for m in answer.result.matches:
            outcome = outcome_of(n.grades.get(m.member.id, 0), rng)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            fb.give("bench", m.member.id, outcome, answer.suggestion_id)
    fb.learn(without=())  # with past outcomes (learn_past_outcomes=true)
    after_past = mean_ndcg(fb, test)
    report = fb.learn(without=PAST_OUTCOMES)  # the default: no past outcomes
    after = mean_ndcg(fb, test)
    train_after = mean_ndcg(fb, train)
    train_before = mean_ndcg(untrained, train)
    # the same needs asked again for the same projects: declined members must not come back
    declined = again = 0
    for i, n in enumerate(train):
        gone = fb.store.declined_for_project(f"train-{i}")
        answer = fb.experts(ask(n.text, Tracking(f"train-{i}")))
        declined += len(gone)
        again += sum(1 for m in answer.result.matches if m.member.id in gone)
    return {"declined": declined, "declined_suggested_again": again,
            "train_needs": len(train), "test_needs": len(test),
            "train_subtopics": len(train_subs), "test_subtopics": len(test_subs),
            "outcomes": outcomes, "pairs": report.pairs, "train_accuracy": report.train_accuracy,
            "coefficients": report.coefficients,
            "ndcg10_test_untrained": round(before, 4), "ndcg10_test_learned": round(after, 4),
            "ndcg10_test_learned_with_past": round(after_past, 4),
            "ndcg10_train_untrained": round(train_before, 4),
            "ndcg10_train_learned": round(train_after, 4)}


def exposure_run(community: Community, mode: str, cap: int, briefs: list[Any],
                 busy_days: int = 0) -> dict[str, float]:
    settings = community.settings.with_(feedback={"fair_exposure": mode, "exposure_cap": cap,
                                                  "busy_cooldown_days": busy_days})
    fb = Feedback(Matcher(community, settings, None))
    fb.store.clear_exposure()
    busy = fb.store.busy_since("2000-01-01")  # the training's busy declines
    busy_slots = 0
    truth = load_truth()
    relevance, coverage, precision = [], [], []
    for title, subs in briefs:
        request = ProjectRequest(title=title, needs=tuple(s.label for s in subs), size=5)
        result = fb.team(TeamRequest(request, ADMIN, Tracking(shown=True))).result
        busy_slots += sum(1 for t in result.team if t.member.id in busy)
        relevance.append(statistics.fmean(c.best_score for c in result.coverage))
        coverage.append(sum(1 for c in result.coverage if c.covered_by) / len(result.coverage))
        grades = [relevance_of(truth, s) for s in subs]
        if result.team:
            precision.append(statistics.fmean(
                any(g.get(t.member.id, 0) >= 2 for g in grades) for t in result.team))
    counts = fb.store.exposure_counts("2000-01-01")
    visible = [m for m in fb.exposure("shown").most_exposed]  # for the report only
    population = fb.exposure("shown").members
    values = list(counts.values()) + [0] * (population - len(counts))
    return {"gini": round(gini(values), 4), "top10_share": round(top_share(values), 4),
            "members_shown": len(counts), "population": population,
            "max_shows": max(values), "top_member": visible[0].member_id if visible else "",
            "mean_relevance": round(statistics.fmean(relevance), 4),
            "coverage": round(statistics.fmean(coverage), 4),
            "truth_precision": round(statistics.fmean(precision), 4),
            "busy_members": len(busy), "busy_slots": busy_slots}


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown(r: dict[str, Any], command: str) -> str:
    lr, ex = r["learned"], r["exposure"]
    coef = ", ".join(f"{k} {v:+.2f}" for k, v in sorted(lr["coefficients"].items(),
                                                          key=lambda kv: -abs(kv[1]))[:6])
    rows = "\n".join(
        f"| {name} | {e['gini']:.3f} | {e['top10_share']:.3f} | {e['members_shown']} | "
        f"{e['max_shows']} | {e['mean_relevance']:.4f} | {e['coverage']:.3f} | "
        f"{e['truth_precision']:.3f} |"
        for name, e in (("off (track only)", ex["track"]), (f"cap {r['cap']}", ex["cap"])))
    return f"""{START}
Command: `{command}` — {r['date']}, {r['machine']}, load before {r['load']}, {r['seconds']:.0f} s.

**Learned ranking.** {lr['train_needs']} training needs over {lr['train_subtopics']} subtopics,
{lr['test_needs']} test needs over {lr['test_subtopics']} other subtopics (other templates too);
simulated coordinators gave {sum(lr['outcomes'].values())} outcomes on the training needs' top
10 ({', '.join(f'{k} {v}' for k, v in sorted(lr['outcomes'].items()))}); `learn` fitted
{lr['pairs']} pairs without the past-outcome features (the default,
`learn_past_outcomes=false`; training accuracy {lr['train_accuracy']:.3f}; largest standardised
coefficients: {coef}).

| NDCG@10 | untrained | learned |
| --- | --- | --- |
| test needs (unseen subtopics) | {lr['ndcg10_test_untrained']:.4f} | \
{lr['ndcg10_test_learned']:.4f} |
| test needs, model also weighing past outcomes | {lr['ndcg10_test_untrained']:.4f} | \
{lr['ndcg10_test_learned_with_past']:.4f} |
| training needs | {lr['ndcg10_train_untrained']:.4f} | {lr['ndcg10_train_learned']:.4f} |

**Fair exposure.** {r['briefs']} generated briefs (3 needs of distinct topics, team of 5), each
team marked shown; Gini and top-10 share of shows over the {ex['track']['population']} visible
members; quality = mean over needs of the best team member's relevance, coverage (needs with a
member at the coverage threshold), and the share of team members whose ground-truth grade is 2
or 3 on one of the brief's needs. A member over the cap stays when only they cover a need, so
"most shows" can exceed the cap.

| fair_exposure | Gini | top-10 share | members shown | most shows | mean relevance | coverage \
| team members who know a need |
| --- | --- | --- | --- | --- | --- | --- | --- |
{rows}

**Declines and busy members.** The {lr['train_needs']} training needs asked again for their
projects: {lr['declined_suggested_again']} of the {lr['declined']} members declined or judged
not relevant for them were suggested again. The {ex['track']['busy_members']} members who
declined as busy held {ex['track']['busy_slots']} of the teams' seats over the briefs without
the cool-down and {ex['busy']['busy_slots']} with `busy_cooldown_days=30` (mean relevance
{ex['busy']['mean_relevance']:.4f}, coverage {ex['busy']['coverage']:.3f}).
{END}"""


def write_docs(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Quality\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Feedback: learned ranking and fair exposure\n\n" + \
            block + "\n"
    path.write_text(text, encoding="utf-8")


def open_home(home: Path, source: Path | None) -> Community:
    settings = Settings(storage={"home": home})
    if source is not None:
        shutil.copytree(source, home, dirs_exist_ok=True)
        store = SqliteStore(settings.storage.database_path)
    else:
        store = SqliteStore(settings.storage.database_path)
        if ingest_paths(store, [ROOT / "data"]).errors:
            raise SystemExit("invalid records in data/")
    community, _ = Community.open(settings, store=store)
    return community


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="an indexed home to copy")
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--cap", type=int, default=10)
    parser.add_argument("--write-docs", type=Path, default=None)
    args = parser.parse_args()
    loadavg = Path("/proc/loadavg")
    load = loadavg.read_text().split()[0] if loadavg.exists() else "?"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        community = open_home(Path(tmp) / "home", args.home)
        learned = learned_ranking(community)
        briefs = generate_briefs(load_taxonomy(), args.briefs, SEED)
        exposure = {"track": exposure_run(community, "track", args.cap, briefs),
                    "cap": exposure_run(community, "cap", args.cap, briefs),
                    "busy": exposure_run(community, "track", args.cap, briefs, 30)}
        community.store.close()
    result = {"date": dt.date.today().isoformat(), "machine": machine(), "load": load,
              "seconds": time.perf_counter() - started, "briefs": args.briefs, "cap": args.cap,
              "learned": learned, "exposure": exposure}
    print(json.dumps(result, indent=2))
    if args.write_docs:
        command = "HF_HUB_OFFLINE=1 .venv/bin/python bench/feedback_eval.py --home var " \
                  f"--write-docs {args.write_docs}"  # var: the sample indexed by `make run`
        write_docs(args.write_docs, markdown(result, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
