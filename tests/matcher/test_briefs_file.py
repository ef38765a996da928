"""The project briefs of the bench (bench/projects/): shape, labels, and needs derivation.

Only the ``taxonomy`` key of data/ground_truth.json is read here (the briefs are labelled blind
to the members; see bench/projects/README.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from indexing.settings import Settings
from matcher.needs import derive_needs, project_needs

ROOT = Path(__file__).resolve().parents[2]
BRIEFS = ROOT / "bench/projects/briefs.jsonl"
TRANSLATED = ROOT / "bench/projects/briefs_translated.jsonl"
MAX_NEEDS = Settings().teams.team_max_needs


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def subtopics() -> set[str]:
    taxonomy = json.loads((ROOT / "data/ground_truth.json").read_text())["taxonomy"]
    return {slug for topic in taxonomy.values() for slug in topic["subtopics"]}


def _key(need: str) -> str:
    return " ".join(need.casefold().split()).strip(" .")


def _agreement(pairs: list[tuple[list[str], list[str]]]) -> tuple[float, list[str]]:
    """Matched needs / (expected + derived - matched), pooled; and the misses, for the log."""
    matched = total = 0
    misses: list[str] = []
    for derived, expected in pairs:
        d, e = Counter(map(_key, derived)), Counter(map(_key, expected))
        hit = sum((d & e).values())
        matched += hit
        total += sum(d.values()) + sum(e.values()) - hit
        misses += [f"derived, not expected: {x!r}" for x in (d - e).elements()]
        misses += [f"expected, not derived: {x!r}" for x in (e - d).elements()]
    return (matched / total if total else 1.0), misses


def test_english_briefs_are_well_formed_and_labelled(subtopics: set[str]) -> None:
    briefs = _lines(BRIEFS)
    ids = [b["id"] for b in briefs]
    assert len(ids) == len(set(ids))
    assert len(briefs) >= 40 and all(b["language"] == "en" for b in briefs)
    assert [f"p{i:02d}" for i in range(1, 25)] == ids[:24]  # the first set keeps its ids
    used: set[str] = set()
    for b in briefs:
        assert b["title"].strip() and b["description"].strip()
        assert b["expected"], b["id"]
        if b["needs"] is not None:
            assert [e["need"] for e in b["expected"]] == b["needs"], b["id"]
        for e in b["expected"]:
            assert e["need"].strip() and set(e["subtopics"]) <= subtopics, (b["id"], e)
            used.update(e["subtopics"])
        needs = project_needs(b["description"], b["needs"], MAX_NEEDS, 500, b["language"])
        assert needs and len(needs) <= MAX_NEEDS
    kinds = Counter(b["needs"] is None for b in briefs)
    assert kinds[True] >= 10 and kinds[False] >= 24  # both kinds of brief
    assert len(used) >= 0.9 * len(subtopics)  # the taxonomy is covered broadly


def test_translations_cover_four_languages(subtopics: set[str]) -> None:
    english = {b["id"]: b for b in _lines(BRIEFS)}
    translated = _lines(TRANSLATED)
    assert len(translated) == 10
    assert len({t["id"] for t in translated}) == 10
    assert len({t["source"] for t in translated}) == 10  # ten different English briefs
    languages = Counter(t["language"] for t in translated)
    assert set(languages) == {"fr", "es", "pt", "ar"}
    for t in translated:
        assert t["source"] in english and t["id"] == f"{t['source']}-{t['language']}"
        assert t["title"].strip() and t["description"].strip()
        assert t["expected_needs"] and all(n.strip() for n in t["expected_needs"])
        # need by need, the subtopics of a translation are those of its source
        assert len(t["expected_needs"]) == len(english[t["source"]]["expected"]), t["id"]


def _report(label: str, pairs: dict[str, list[tuple[list[str], list[str]]]]) -> float:
    overall, misses = _agreement([p for ps in pairs.values() for p in ps])
    for language, ps in sorted(pairs.items()):
        score, lang_misses = _agreement(ps)
        print(f"{label} {language}: agreement {score:.3f} over {len(ps)} briefs")
        for miss in lang_misses:
            print(f"    {miss}")
    print(f"{label} overall: {overall:.3f}; {len(misses)} misses")
    return overall


def test_derivation_reproduces_the_hand_written_needs_of_translations() -> None:
    pairs: dict[str, list[tuple[list[str], list[str]]]] = {}
    for t in _lines(TRANSLATED):
        derived = derive_needs(t["description"], MAX_NEEDS, t["language"])
        pairs.setdefault(t["language"], []).append((derived, t["expected_needs"]))
    assert _report("translated", pairs) >= 0.9


def test_derivation_without_a_language_on_translations() -> None:
    pairs: dict[str, list[tuple[list[str], list[str]]]] = {}
    for t in _lines(TRANSLATED):
        derived = derive_needs(t["description"], MAX_NEEDS)
        pairs.setdefault(t["language"], []).append((derived, t["expected_needs"]))
    assert _report("translated, no language given", pairs) >= 0.9


def test_derivation_reproduces_the_expected_needs_of_english_briefs() -> None:
    pairs = [(derive_needs(b["description"], MAX_NEEDS, "en"), [e["need"] for e in b["expected"]])
             for b in _lines(BRIEFS) if b["needs"] is None]
    assert _report("english", {"en": pairs}) >= 0.9
