"""The usual parts of the work a brief names (matcher.need_parts, issue #36): what a professional
infers from "Plano de Segurança da Água" or "Étude de faisabilité ... boues de vidange" when the
text stops in its background."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from matcher.glossary import Glossary
from matcher.need_expertise import PARTS_MAX, derive_brief_needs
from matcher.need_parts import METHOD, methods, usual_parts
from matcher.needs import project_needs
from tests.matcher.need_support import MAX_NEEDS, shipped_glossary

REAL = Path(__file__).resolve().parents[2] / "bench/briefs/real"
LANGUAGES = ("en", "fr", "es", "pt", "ar")
BACKGROUND = (
    "La commune compte environ 40 000 habitants répartis dans douze quartiers. Depuis 2015, "
    "la municipalité a engagé plusieurs réformes avec l'appui de partenaires techniques et "
    "financiers. Le conseil municipal a adopté en 2021 une délibération qui prévoit la "
    "mobilisation d'un consultant. Les rapports seront remis en français en trois exemplaires "
    "au plus tard trois mois après la signature du contrat. La mission durera six mois.")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return shipped_glossary()


def _parts(concept: str, language: str, glossary: Glossary) -> list[str]:
    index = glossary.english.index(concept)
    return [p.text(language) for p in usual_parts(glossary)[index]]


def test_every_entry_is_a_glossary_concept_with_parts_in_five_languages(
        glossary: Glossary) -> None:
    rows = [json.loads(x) for x in files("matcher").joinpath("data", "concept_parts.jsonl")
            .read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(rows) >= 100
    assert len(usual_parts(glossary)) == len(rows)  # every entry names a glossary concept
    for row in rows:
        assert row["sources"], row["concept"]
        assert row.get("kind", METHOD) == METHOD
        assert 3 <= len(row["parts"]) <= 6, row["concept"]
        for part in row["parts"]:
            assert all(part[lang].strip() for lang in LANGUAGES), part
    assert glossary.english.index("feasibility study") in methods(glossary)
    assert glossary.english.index("dam safety") not in methods(glossary)


def test_a_water_safety_plan_brief_gets_the_plans_usual_parts_after_its_own_needs(
        glossary: Glossary) -> None:
    """Jundiaí's call (pt) names the plan in a sentence about the consultant and stops in its
    background: the parts the needs read do not name follow them, in Portuguese, each with
    the sentence naming the plan as its source."""
    text = (REAL / "pt-jundiai-plano-seguranca-agua.txt").read_text(encoding="utf-8")
    needs = derive_brief_needs(text, MAX_NEEDS, "pt", glossary)
    inferred = [n for n in needs if n.part_of]
    assert inferred and needs[-len(inferred):] == inferred  # after the needs read
    assert len(inferred) <= PARTS_MAX
    assert {n.part_of for n in inferred} == {"water safety plan"}
    usual = _parts("water safety plan", "pt", glossary)
    assert [n.text for n in inferred] == [p for p in usual if p in {n.text for n in inferred}]
    assert "inspeção sanitária" in [n.text for n in inferred]
    flat = " ".join(text.split())
    assert all(n.source in flat and "segurança" in n.source.casefold() for n in inferred)


def test_the_subject_of_the_work_comes_before_the_kind_of_study(glossary: Glossary) -> None:
    title = "Étude de faisabilité d'une filière de gestion des boues de vidange"
    needs = derive_brief_needs(f"{title}\n{BACKGROUND}", MAX_NEEDS, "fr", glossary)
    inferred = [n for n in needs if n.part_of]
    assert [n.part_of for n in inferred] == ["faecal sludge management"] * PARTS_MAX
    assert all(n.source == title for n in inferred)
    assert inferred[0].text == _parts("faecal sludge management", "fr", glossary)[0]


def test_a_part_the_brief_already_names_is_not_added_again(glossary: Glossary) -> None:
    title = "Élaboration du plan de sécurité sanitaire de l'eau de la commune"
    bare = derive_brief_needs(f"{title}\n{BACKGROUND}", MAX_NEEDS, "fr", glossary)
    assert [n.text for n in bare if n.part_of][:2] == _parts("water safety plan", "fr",
                                                             glossary)[:2]
    named = f"{title}\n{BACKGROUND} Le réseau fera l'objet d'une inspection sanitaire."
    texts = [n.text.casefold() for n in derive_brief_needs(named, MAX_NEEDS, "fr", glossary)]
    assert texts.count("inspection sanitaire") == 1  # read in the text, not added as a part


def test_short_briefs_and_untitled_paragraphs_get_no_parts(glossary: Glossary) -> None:
    short = "Plan de sécurité des barrages\nNous cherchons un ingénieur pour trois barrages."
    assert not [n for n in derive_brief_needs(short, MAX_NEEDS, "fr", glossary) if n.part_of]
    paragraph = "Plan de sécurité des barrages. " + BACKGROUND  # one line: no title
    assert not [n for n in derive_brief_needs(paragraph, MAX_NEEDS, "fr", glossary)
                if n.part_of]


def test_the_projects_own_title_names_the_work(glossary: Glossary) -> None:
    """A coordinator types the title and pastes a background of one paragraph: the title
    names the work, and is the parts' source."""
    title = "Plan de sécurité des barrages de la vallée"
    needs = project_needs(BACKGROUND, None, MAX_NEEDS, 500, "fr", glossary, title)
    inferred = [n for n in needs if n.part_of]
    assert inferred and all(n.derived and n.source == title and n.part_of == "dam safety"
                            for n in inferred)
    assert [n.text for n in inferred] == _parts("dam safety", "fr", glossary)[:len(inferred)]
