"""Why labelled needs are missed (issue #36): can a reader of the brief's words find them at all?

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/brief_misses.py [--sets blind4 ...]

Derives every brief's needs as bench/brief_needs.py does (the product's path, the shipped
glossary), takes the labels no derived need matches (the judgements' ``label``), and sorts each
missed label by what the brief's own words hold of it:

- ``concept_in_brief``: a glossary concept the label names is also found in the brief's text:
  the reader saw it and did not offer it (left as context, merged, past the need limit, or
  offered in words the rater did not match);
- ``concept_elsewhere``: the label names glossary concepts, none of them in the brief: the
  labeller inferred them from the project;
- ``no_concept``: the label names no glossary concept (the glossary lacks it).

Prints JSON: counts per set and per class, and each missed label with its class, its concepts
and a crude lexical anchor (the share of its words of five letters or more whose first five
letters, casefolded and without accents, occur in the brief: common words such as "gestion"
anchor nearly every label, so it is a hint, not a class).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.brief_needs import REAL, real_briefs, shipped_glossary  # noqa: E402
from indexing.settings import Settings  # noqa: E402
from matcher.glossary import Glossary  # noqa: E402
from matcher.need_expertise import named_concepts, not_expertise  # noqa: E402

CLASSES = ("no_concept", "only_broad_or_generic", "specific_not_in_brief",
           "specific_in_a_derived_need", "specific_in_brief_not_derived")

WORD = re.compile(r"\w{5,}")


def _prefixes(text: str) -> set[str]:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                     if not unicodedata.combining(c))
    return {w[:5] for w in WORD.findall(folded) if not w.isdigit()}


def read_briefs() -> tuple[Glossary, frozenset[int], list[tuple[dict[str, Any], str]]]:
    """The shipped glossary, its concepts that are not specific (broad, generic, context), and
    every labelled brief as bench/brief_needs.py derives it, with its text."""
    settings = Settings()
    glossary = shipped_glossary(settings)
    stops = not_expertise(glossary)
    unspecific = stops.broad | stops.generic | stops.context
    real = real_briefs(glossary, settings.teams.team_max_needs, holdout=True, blind=True)
    folders = {p.name: p for p in (ROOT / "bench/briefs").glob("blind*")}
    return glossary, unspecific, [
        (b, next(folders.get(b["set"], REAL).glob(f"{b['id']}.*")).read_text(encoding="utf-8"))
        for b in real["per_brief"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="*", default=None,
                        help="only these sets (default: every set, holdout and blind included)")
    args = parser.parse_args()
    glossary, unspecific, briefs = read_briefs()
    rows: list[dict[str, Any]] = []
    for brief, text in briefs:
        if args.sets and brief["set"] not in args.sets:
            continue
        in_brief = set(named_concepts(text, brief["language"], glossary))
        words = _prefixes(text)
        in_needs = {c for need in brief["needs"]
                    for c in named_concepts(need, brief["language"], glossary)}
        for label in brief["missed"]:
            concepts = set(named_concepts(label, brief["language"], glossary))
            specific = concepts - unspecific
            label_words = _prefixes(label)
            kind = ("no_concept" if not concepts else
                    "only_broad_or_generic" if not specific else
                    "specific_not_in_brief" if not specific & in_brief else
                    "specific_in_a_derived_need" if specific & in_needs else
                    "specific_in_brief_not_derived")
            rows.append({"set": brief["set"], "id": brief["id"], "label": label, "class": kind,
                         "concepts": [glossary.english[c] for c in sorted(concepts)],
                         "words_in_brief": round(len(label_words & words) / len(label_words), 2)
                         if label_words else None})
    sets = sorted({r["set"] for r in rows})
    table = {s: {c: sum(r["set"] == s and r["class"] == c for r in rows) for c in CLASSES}
             for s in sets}
    table["all"] = {c: sum(r["class"] == c for r in rows) for c in CLASSES}
    print(json.dumps({"missed": len(rows), "by_set": table, "rows": rows},
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
