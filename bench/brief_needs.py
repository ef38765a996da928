"""Needs derived from real terms of reference against a water professional's labels (issue #36).

    python bench/brief_needs.py            # figures for bench/briefs/real (dev, check, all)
    python bench/brief_needs.py --unjudged # derived needs without a judgement, as JSON lines
    python bench/brief_needs.py --holdout  # the holdout set too (run once, at the end of a round)
    python bench/brief_needs.py --blind    # bench/briefs/blind* too (sets labelled blind)

Reads bench/briefs/real/labels.jsonl (the needs a professional names in each brief, written
before any run) and judgements.jsonl (for each derived need: whether it is expertise a
professional would accept, and which label it matches (a list when it names several), judged by
hand as "the same expertise").
Needs are derived through the product's path: ``matcher.needs.project_needs`` with the brief's
detected language (first line as title, whole text as description), the shipped glossary and
the ``team_max_needs`` setting. Precision: accepted derived needs / derived needs. Recall:
labels matched by some derived need / labels. A derived need without a judgement is reported
and counted as not accepted.

Also the short briefs of bench/projects (the needs of the 14 English briefs without explicit
needs, and of the 10 translations): the agreement of derived needs with the hand-written ones
(matched / (expected + derived - matched), pooled, as tests/matcher/test_briefs_file.py), by
the rules alone and through the product's path with the glossary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexing.settings import Settings  # noqa: E402
from matcher.brief import brief_language  # noqa: E402
from matcher.errors import InvalidRequest  # noqa: E402
from matcher.glossary import Glossary, glossary_file, load_glossary  # noqa: E402
from matcher.needs import derive_needs, project_needs  # noqa: E402

REAL = ROOT / "bench/briefs/real"
BLIND = sorted((ROOT / "bench/briefs").glob("blind*"))  # each its own labels and judgements
PROJECTS = ROOT / "bench/projects"


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def derived(brief: dict[str, Any], glossary: Glossary, max_needs: int) -> list[tuple[str, str]]:
    """The (need, source sentence) pairs the product derives from one real brief."""
    text = (brief.get("folder", REAL) / brief["file"]).read_text(encoding="utf-8")
    title = text.strip().splitlines()[0]
    language = brief_language(title, text).code
    try:
        needs = project_needs(text, None, max_needs, 500, language, glossary)
    except InvalidRequest:  # names no expertise the glossary knows: the coordinator lists them
        return []
    return [(n.text, n.source or "") for n in needs]


def real_briefs(glossary: Glossary, max_needs: int, holdout: bool = False, blind: bool = False
                ) -> dict[str, Any]:
    """Figures per set; the holdout set's briefs are derived only when ``holdout`` is asked,
    the blind set's only when ``blind`` is."""
    labels = [b for b in _lines(REAL / "labels.jsonl") if holdout or b["set"] != "holdout"]
    judged = {(j["id"], j["need"]): j for j in _lines(REAL / "judgements.jsonl")}
    for folder in BLIND if blind else []:
        labels += [{**b, "folder": folder} for b in _lines(folder / "labels.jsonl")]
        judged |= {(j["id"], j["need"]): j for j in _lines(folder / "judgements.jsonl")}
    per_brief, unjudged = [], []
    for b in labels:
        needs = derived(b, glossary, max_needs)
        accepted, matched = 0, set()
        for need, source in needs:
            j = judged.get((b["id"], need))
            if j is None:
                unjudged.append({"id": b["id"], "need": need, "source": source,
                                 "expertise": None, "label": None})
                continue
            accepted += bool(j["expertise"])
            names = j.get("label") or []  # one label, or a list when a need names several
            for name in [names] if isinstance(names, str) else names:
                if name not in b["needs"]:
                    raise SystemExit(f"{b['id']}: judged label {name!r} is not a label")
                matched.add(name)
        per_brief.append({"id": b["id"], "set": b["set"], "language": b["language"],
                          "derived": len(needs), "accepted": accepted,
                          "labels": len(b["needs"]), "found": len(matched),
                          "needs": [n for n, _ in needs],
                          "missed": [x for x in b["needs"] if x not in matched]})
    return {"per_brief": per_brief, "unjudged": unjudged,
            "figures": {name: _figures([r for r in per_brief if name in ("all", r["set"])])
                        for name in ("dev", "check", *(("holdout",) if holdout else ()),
                                     *(sorted({b["set"] for b in labels} - {"dev", "check",
                                                                             "holdout"})),
                                     "all")}}


def _figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    derived_n = sum(r["derived"] for r in rows)
    labels_n = sum(r["labels"] for r in rows)
    return {"briefs": len(rows), "languages": sorted({r["language"] for r in rows}),
            "derived": derived_n, "accepted": sum(r["accepted"] for r in rows),
            "precision": round(sum(r["accepted"] for r in rows) / derived_n, 3)
            if derived_n else None,
            "labels": labels_n, "found": sum(r["found"] for r in rows),
            "recall": round(sum(r["found"] for r in rows) / labels_n, 3) if labels_n else None}


def _key(need: str) -> str:
    return " ".join(need.casefold().split()).strip(" .")


def agreement(pairs: list[tuple[list[str], list[str]]]) -> float:
    """Matched needs / (expected + derived - matched), pooled over briefs."""
    matched = total = 0
    for got, want in pairs:
        d, e = Counter(map(_key, got)), Counter(map(_key, want))
        hit = sum((d & e).values())
        matched += hit
        total += sum(d.values()) + sum(e.values()) - hit
    return round(matched / total, 3) if total else 1.0


def short_briefs(glossary: Glossary, max_needs: int) -> dict[str, Any]:
    english = [b for b in _lines(PROJECTS / "briefs.jsonl") if b["needs"] is None]
    translated = _lines(PROJECTS / "briefs_translated.jsonl")
    cases = [(b["title"], b["description"], [e["need"] for e in b["expected"]], "en")
             for b in english]
    cases += [(t["title"], t["description"], t["expected_needs"], t["language"])
              for t in translated]
    out: dict[str, Any] = {}
    for name in ("rules", "product"):
        by_language: dict[str, list[tuple[list[str], list[str]]]] = {}
        for title, description, want, language in cases:
            if name == "rules":
                got = derive_needs(description, max_needs, language)
            else:
                code = brief_language(title, description).code
                got = [n.text for n in project_needs(description, None, max_needs, 500, code,
                                                     glossary)]
            by_language.setdefault(language, []).append((got, want))
        out[name] = {"all": agreement([p for ps in by_language.values() for p in ps]),
                     **{k: agreement(v) for k, v in sorted(by_language.items())}}
    return out


def shipped_glossary(settings: Settings) -> Glossary:
    """The glossary the settings name (the benches of briefs need one)."""
    path = glossary_file(settings.language.glossary)
    if path is None:
        raise SystemExit("the bench needs the glossary (setting glossary is off)")
    return load_glossary(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unjudged", action="store_true",
                        help="print derived needs without a judgement (JSON lines) and stop")
    parser.add_argument("--holdout", action="store_true",
                        help="derive the holdout set's briefs too (once, at the end of a round)")
    parser.add_argument("--blind", action="store_true",
                        help="derive the briefs of bench/briefs/blind* too (labelled before any "
                             "run)")
    args = parser.parse_args()
    settings = Settings()
    glossary = shipped_glossary(settings)
    real = real_briefs(glossary, settings.teams.team_max_needs, args.holdout, args.blind)
    if args.unjudged:
        for row in real["unjudged"]:
            print(json.dumps(row, ensure_ascii=False))
        return
    report = {"real": real["figures"], "unjudged": len(real["unjudged"]),
              "per_brief": real["per_brief"],
              "short_briefs": short_briefs(glossary, settings.teams.team_max_needs)}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
