"""Members' say (issue #29): does rejecting a topic stop suggestions for its needs only?

Usage (from the repository root, over an indexed home such as the sample's):

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/member_say.py --home HOME [--members 40]

Works on a copy of the home's store and index (the home is left as it was). For members whose
contributions fall in at least two of the knowledge map's topics (``GET /me``'s topics; up to
``--members`` of them, spread over the id order), it takes each member's two largest topics A and
B and their topics' search queries (what ``GET /me`` offers as a need that finds the topic's
people), and measures, with who knows X (top 10, the public's view):

* **falls in**: the share of topic queries whose need falls in their own topic
  (``topic_say.need_topic`` over the public ranking);
* **A after rejecting A**: the share of members found for A's query before who are gone after
  they reject A (the point of a rejection);
* **B before / after rejecting A**: the share of members found for B's query, before and after
  (what a rejection must leave alone), and the rank they move by;

then the member confirms A again (the rejection is lifted). Prints Markdown for docs/QUALITY.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexing.community import Community
from indexing.settings import Settings
from indexing.store import SqliteStore
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.knowledge_map import KnowledgeMapper
from matcher.me import MemberSay
from matcher.reach import Reach
from matcher.topic_say import need_topic

TOP = 10


def ranked(matcher: Matcher, need: str) -> list[str]:
    return [m.member.id for m in matcher.find_experts(need, top=TOP)]


def falls_in(matcher: Matcher, need: str) -> str | None:
    model = matcher.community.store.topic_model()
    with matcher.snapshot() as snap:
        ranking = matcher.rank_need(snap, need, Reach(SearchFilters(), Access.public(), TOP))
        return need_topic(ranking, model.assignments if model else {})


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--members", type=int, default=40)
    args = p.parse_args()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(args.home, home)
        settings = Settings(storage={"home": home, "database_url": "", "index_dir": None})
        store = SqliteStore(settings.storage.database_path)
        community, _ = Community.open(settings, store=store)
        matcher = Matcher.configured(community, settings)
        mapper = KnowledgeMapper.configured(matcher)
        say = MemberSay(matcher, mapper, store)
        candidates = []
        for m in sorted(community.store.members(), key=lambda m: m.id):
            topics = [t for t in say.profile(m.id).topics if t.topic_id is not None]
            if len(topics) >= 2:
                candidates.append((m.id, topics[0], topics[1]))
        step = max(1, len(candidates) // args.members)
        chosen = candidates[::step][: args.members]
        rows = []
        own_topic = []
        for mid, a, b in chosen:
            a_before, b_before = ranked(matcher, a.search_query), ranked(matcher, b.search_query)
            own_topic += [falls_in(matcher, a.search_query) == a.topic_id,
                          falls_in(matcher, b.search_query) == b.topic_id]
            say.mark_topic(mid, str(a.topic_id), "rejected")
            a_after, b_after = ranked(matcher, a.search_query), ranked(matcher, b.search_query)
            say.mark_topic(mid, str(a.topic_id), "confirmed")
            rows.append({
                "a_before": mid in a_before, "a_after": mid in a_after,
                "b_before": mid in b_before, "b_after": mid in b_after,
                "b_move": (b_after.index(mid) - b_before.index(mid))
                if mid in b_before and mid in b_after else None})
        community.store.close()
    a_found = [r for r in rows if r["a_before"]]
    b_found = [r for r in rows if r["b_before"]]
    moves = [r["b_move"] for r in rows if r["b_move"] is not None]
    seconds = time.perf_counter() - started
    own = f"{statistics.fmean(own_topic):.3f} ({sum(own_topic)}/{len(own_topic)})"
    gone = sum(not r["a_after"] for r in a_found)
    kept = sum(r["b_after"] for r in b_found)
    gained = sum(r["b_after"] and not r["b_before"] for r in rows)
    median_move = statistics.median(moves) if moves else 0
    command = ("HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/member_say.py --home HOME "
               f"--members {args.members}")
    print(f"""Command: `{command}` — {dt.date.today()}, {platform.machine()}, {os.cpu_count()} \
cores, load before {load:.1f}, {seconds:.0f} s; {len(candidates)} members with two topics or \
more, {len(chosen)} measured.

| measure | value |
|---|---|
| topic queries whose need falls in their own topic | {own} |
| members found for A's query (top {TOP}) before | {len(a_found)}/{len(rows)} |
| of those, gone after rejecting A | {gone}/{len(a_found)} |
| members found for B's query before rejecting A | {len(b_found)}/{len(rows)} |
| of those, still found after rejecting A | {kept}/{len(b_found)} |
| found for B's query after, not before | {gained} |
| rank change on B's query (median, max) | {median_move}, {max(moves, default=0)} |
""")


if __name__ == "__main__":
    main()
