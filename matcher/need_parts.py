"""The usual parts of the work a brief's title names: expertise a professional infers (#36).

Terms of reference often stop at the work's name ("Plan de sécurité des barrages", "Sewer master
plan") and a background; a professional knows what such work comprises (a dam safety plan:
inspection and instrumentation, an emergency action plan). matcher/data/concept_parts.jsonl
records, for glossary concepts that name a kind of work or a subject, its usual parts in
en/fr/es/pt/ar, most essential first, with the references they come from. A study of whatever
subject it is about (``"kind": "method"``: a feasibility or baseline study, a KAP survey, an
impact evaluation) gives its parts after its subject's; a safeguard study (an ESIA, a
resettlement plan) is work of its own. A long description whose title (or a sentence about the
consultant) names such a concept gets those parts its own needs do not already name, after
them, each with that sentence as its source and the concept it is a part of
(matcher.need_expertise).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from matcher.glossary import Glossary, by_english_name

METHOD = "method"  # a study of whatever subject it is about: feasibility, baseline, KAP survey


@dataclass(frozen=True)
class Part:
    """One usual part of a concept's work, in each language."""

    texts: dict[str, str]

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["en"]


def usual_parts(glossary: Glossary) -> dict[int, list[Part]]:
    """Each glossary concept's usual parts (concepts the glossary lacks are left out)."""
    return _parts(tuple(glossary.english))[0]


def methods(glossary: Glossary) -> frozenset[int]:
    """The concepts that are a kind of study rather than a subject (``"kind": "method"``)."""
    return _parts(tuple(glossary.english))[1]


@lru_cache(maxsize=4)
def _parts(english: tuple[str, ...]) -> tuple[dict[int, list[Part]], frozenset[int]]:
    path = files("matcher").joinpath("data", "concept_parts.jsonl")
    by_name = by_english_name(english)
    out: dict[int, list[Part]] = {}
    kinds: set[int] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        concept = by_name.get(row["concept"])
        if concept is not None:
            out[concept] = [Part(dict(p)) for p in row["parts"]]
            if row.get("kind") == METHOD:
                kinds.add(concept)
    return out, frozenset(kinds)


def parts_of(title_concepts: Iterable[int], language: str, glossary: Glossary,
             named: Callable[[str], frozenset[int]], covered: frozenset[int],
             limit: int) -> list[tuple[str, int]]:
    """Up to ``limit`` parts (text in ``language``, the concept they are a part of) of the
    title's concepts, in the title's order, the work's subjects before its kinds of study (a
    faecal-sludge feasibility study is faecal-sludge work first), leaving out a part whose
    concepts (``named``) the derived needs already name (``covered``) and repeats."""
    table = usual_parts(glossary)
    study = methods(glossary)
    concepts_in_order = sorted(title_concepts, key=lambda c: c in study)
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for concept in concepts_in_order:
        for part in table.get(concept, []):
            if len(out) >= limit:
                return out
            text = part.text(language)
            if text.casefold() in seen:
                continue
            concepts = named(text)
            if concepts and concepts <= covered:  # the brief's own needs name it already
                continue
            seen.add(text.casefold())
            out.append((text, concept))
    return out
