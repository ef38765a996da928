"""Needs and project briefs generated from templates over the sample's taxonomy, graded with
the ground truth (bench/queries/build_labels.py's grading rule: 3 primary subtopic, 2 primary
topic, 1 secondary topic).

    from bench.taxonomy_needs import load_taxonomy, generate_needs, generate_briefs

Each need names one subtopic (its label, in one of ``TEMPLATES``); a brief combines needs of
different topics. Seeded: the same seed gives the same needs.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "queries"))
from build_labels import relevance  # noqa: E402  (the documented grading rule)

TEMPLATES = (
    "Who has experience with {sub}?",
    "Looking for an expert in {sub} for a {topic} project",
    "We need advice on {sub}",
    "Practical field experience of {sub} in a utility or a basin",
    "Someone who has published on {sub}",
)


@dataclass(frozen=True)
class Subtopic:
    topic: str
    topic_label: str
    slug: str
    label: str


@dataclass(frozen=True)
class GradedNeed:
    text: str
    topic: str
    subtopic: str
    grades: dict[str, int]  # member id -> grade (ungraded members are 0)


def load_taxonomy(path: Path = ROOT / "data" / "taxonomy.json") -> list[Subtopic]:
    topics = json.loads(path.read_text(encoding="utf-8"))["topics"]
    return [Subtopic(t["slug"], t["label"], s["slug"], s["label"])
            for t in topics for s in t["subtopics"]]


def load_truth(path: Path = ROOT / "data" / "ground_truth.json") -> dict[str, dict[str, object]]:
    truth: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["members"]
    return truth


def split_subtopics(subtopics: Sequence[Subtopic], test_share: float, seed: int
                    ) -> tuple[list[Subtopic], list[Subtopic]]:
    """(training, test) subtopics: no subtopic in both."""
    shuffled = list(subtopics)
    random.Random(seed).shuffle(shuffled)
    n_test = round(len(shuffled) * test_share)
    return shuffled[n_test:], shuffled[:n_test]


def generate_needs(subtopics: Sequence[Subtopic], templates: Sequence[str],
                   truth: dict[str, dict[str, object]]) -> list[GradedNeed]:
    """One need per subtopic and template, graded with the ground truth."""
    return [GradedNeed(t.format(sub=s.label, topic=s.topic_label), s.topic, s.slug,
                       relevance_of(truth, s))
            for s in subtopics for t in templates]


def relevance_of(truth: dict[str, dict[str, object]], subtopic: Subtopic) -> dict[str, int]:
    """member id -> grade for a subtopic's need."""
    return dict(relevance(truth, subtopic.topic, subtopic.slug))


def generate_briefs(subtopics: Sequence[Subtopic], n: int, seed: int, needs_per_brief: int = 3
                    ) -> list[tuple[str, list[Subtopic]]]:
    """``n`` briefs (title, subtopics of distinct topics), each need a subtopic's label."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        chosen: list[Subtopic] = []
        for s in rng.sample(list(subtopics), len(subtopics)):
            if s.topic not in {c.topic for c in chosen}:
                chosen.append(s)
            if len(chosen) == needs_per_brief:
                break
        out.append((f"Generated brief {i + 1}: {chosen[0].topic_label}", chosen))
    return out
