"""A small generated community whose map is known: the knowledge map's planted fixture.

Four topics with their own vocabulary (desalination, leak detection, floods, drought apps):

- ``desal``: every contribution by one member (``m-solo``): a single-expert thin spot (bus
  factor 1, one country, one organisation kind);
- ``leaks`` and ``floods``: six members each, two contributions apiece (bus factor 3, several
  countries and organisation kinds), and one member (``m-bridge``) with two contributions in
  each: the only member connecting them, a bridge;
- ``apps``: six members, all contributions in the last year: a rising (new) topic;
- ``m-periph`` (peripheral) writes the most ``floods`` contributions: periphery with expertise;
- two private contributions (space ``secret-space``) in ``leaks`` hold the word ``zirconium``,
  which no public text holds.

Seeded (``random.Random(7)``): the same files every time. bench/map_eval.py uses it too.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

VOCAB = {
    "desal": ["desalination", "reverse osmosis", "membrane", "brine", "seawater", "permeate",
              "salinity", "pretreatment", "antiscalant", "energy recovery"],
    "leaks": ["leak", "acoustic logger", "pipe", "correlator", "district metered area",
              "night flow", "pressure", "burst", "hydrant", "valve"],
    "floods": ["flood", "river gauge", "inundation", "levee", "rainfall", "warning",
               "evacuation", "floodplain", "storm", "embankment"],
    "apps": ["smartphone", "app", "crowdsourcing", "citizen", "dashboard", "notification",
             "mobile", "users", "survey", "download"],
}
ORGS = [
    ("org-u-ke", "utility", "KE"), ("org-n-sn", "ngo", "SN"), ("org-r-nl", "university", "NL"),
    ("org-m-pe", "ministry", "PE"), ("org-c-in", "consultancy", "IN"),
    ("org-i-ch", "international", "CH"),
]
SECRET_WORD = "zirconium"


@dataclass(frozen=True)
class Planted:
    """Who and what was planted (member ids, the topic of each contribution id)."""

    solo: str
    bridge: str
    periphery: str
    topic_of: dict[str, str]
    private_ids: tuple[str, ...]


FRAMES = ["We studied {a} with {b} and {c}", "Notes on {a}, {b} and {c}",
          "How {a} changes {b} near {c}", "{a} before {b}; then {c}"]


def _text(rng: random.Random, topic: str) -> tuple[str, str]:
    words = VOCAB[topic]
    title = " and ".join(rng.sample(words, 2)).capitalize()
    body = ". ".join(rng.choice(FRAMES).format(a=a, b=b, c=c) for a, b, c in
                     (rng.sample(words, 3) for _ in range(4))) + "."
    return title, body


def write_planted_community(folder: Path) -> Planted:
    """Write organisations, members and contributions JSONL into ``folder``."""
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    members: list[dict[str, object]] = []
    contributions: list[dict[str, object]] = []
    topic_of: dict[str, str] = {}

    def member(mid: str, org: int, level: str) -> str:
        o = ORGS[org]
        members.append({"id": mid, "name": f"Member {mid}", "organisation_id": o[0],
                        "country": o[2], "level": level, "bio": f"Member {mid} of the test."})
        return mid

    def contribute(author: str, topic: str, date: dt.date, space: str = "public") -> str:
        cid = f"c-{len(contributions) + 1:04d}"
        title, text = _text(rng, topic)
        if space != "public":
            text += f" The {SECRET_WORD} coating helped {SECRET_WORD} sensors."
        contributions.append({"id": cid, "type": "case_study", "title": title, "text": text,
                              "date": date.isoformat(), "authors": [author], "space": space})
        topic_of[cid] = topic
        return cid

    old = [dt.date(2018, 1, 10) + dt.timedelta(days=67 * i) for i in range(20)]  # 2018..2021
    recent = [dt.date(2025, 3, 1) + dt.timedelta(days=20 * i) for i in range(12)]  # 2025
    solo = member("m-solo", 0, "active")
    for i in range(6):
        contribute(solo, "desal", old[i])
    levels = ["core", "active", "active", "occasional", "occasional", "peripheral"]
    for topic, offset in (("leaks", 0), ("floods", 6), ("apps", 12)):
        for j in range(6):
            mid = member(f"m-{topic}-{j}", (j + offset) % 6, levels[j])
            for n in range(2):
                day = recent[(j * 2 + n) % 12] if topic == "apps" else old[(j * 3 + n) % 20]
                contribute(mid, topic, day)
    periphery = member("m-periph", 3, "peripheral")
    for i in range(4):
        contribute(periphery, "floods", old[10 + i])
    bridge = member("m-bridge", 4, "occasional")
    for topic in ("leaks", "floods"):
        for i in range(2):
            contribute(bridge, topic, old[15 + i])
    private = [contribute("m-leaks-0", "leaks", old[19 - i], space="secret-space")
               for i in range(2)]
    for name, rows in (("organisations", [{"id": o, "name": o, "kind": k, "country": c}
                                          for o, k, c in ORGS]),
                       ("members", members), ("contributions", contributions)):
        (folder / f"{name}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return Planted(solo, bridge, periphery, topic_of, tuple(private))
