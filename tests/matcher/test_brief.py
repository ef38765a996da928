"""A brief in another language: its needs take the brief's language and route, and its team
comes through the glossary and the multilingual index (real models)."""

from __future__ import annotations

import pytest

from matcher.experts import Matcher
from matcher.filters import Access
from matcher.invitations import suggest_invitations
from matcher.needs import ProjectRequest
from matcher.teams import suggest_team

FULL = Access(all_spaces=True, see_contacts=True)
FRENCH = ProjectRequest("Assainissement à Dakar", description=(
    "Nous cherchons des experts en gestion des boues de vidange et en assainissement "
    "autonome pour Dakar."))


@pytest.mark.slow
def test_a_french_brief_gets_a_team_through_the_french_route(ml_matcher: Matcher) -> None:
    result = suggest_team(ml_matcher, FRENCH, FULL)
    texts = [n.text for n in result.needs]
    assert texts[0] == "gestion des boues de vidange"  # the lead-in is gone, the pair split
    assert texts[1].startswith("assainissement autonome") and len(texts) == 2
    assert all(n.derived for n in result.needs)
    assert [lang.code for lang in result.languages] == ["fr", "fr"]
    assert all(lang.route == "multilingual" for lang in result.languages)
    assert "m-0004" in {t.member.id for t in result.team}  # the faecal sludge expert


@pytest.mark.slow
def test_short_explicit_needs_take_the_brief_language(ml_matcher: Matcher) -> None:
    request = ProjectRequest("Gestion de l'eau potable et de l'assainissement au Sénégal",
                             description="Un projet pour les quartiers de Dakar.",
                             needs=("boues de vidange", "water"))
    result = suggest_team(ml_matcher, request, FULL)
    assert [lang.code for lang in result.languages] == ["fr", "fr"]  # "water" alone: not Dutch


@pytest.mark.slow
def test_a_long_explicit_need_is_detected_on_its_own(ml_matcher: Matcher) -> None:
    request = ProjectRequest("Water security", needs=(
        "desalinización por ósmosis inversa y gestión de la salmuera", "leak detection"))
    result = suggest_team(ml_matcher, request, FULL)
    assert [lang.code for lang in result.languages] == ["es", "en"]
    assert "m-0003" in {t.member.id for t in result.team}


@pytest.mark.slow
def test_a_french_brief_gets_invitations(ml_matcher: Matcher) -> None:
    result = suggest_invitations(ml_matcher, FRENCH, FULL)
    assert "m-0004" in {i.member.id for i in result.invitations}
