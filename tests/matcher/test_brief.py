"""A brief in another language: its needs take the brief's language and route, and its team
comes through the glossary and the multilingual index (real models)."""

from __future__ import annotations

import pytest

from matcher.brief import CANDIDATES_PER_NEED
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.invitations import suggest_invitations
from matcher.needs import ProjectRequest
from matcher.reach import Reach
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


class _Counting:
    """An encoder that counts its encode_queries calls."""

    def __init__(self, inner: object) -> None:
        self.inner, self.calls = inner, 0

    def encode_queries(self, texts: list[str]) -> object:
        self.calls += 1
        return self.inner.encode_queries(texts)  # type: ignore[attr-defined]


def test_a_brief_encodes_its_needs_in_one_pass_per_encoder(ml_matcher: Matcher,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """Every need and glossary reading of a brief: one USE-m3 pass and one MiniLM pass; the
    rankings are those of one encode per text (same order, scores to float rounding)."""
    from matcher.brief import QueryVectors, rank_brief_needs
    from matcher.filters import SearchFilters
    from matcher.teams import brief_needs

    m = ml_matcher
    request = ProjectRequest("Water security", needs=(
        "desalinización por ósmosis inversa y gestión de la salmuera", "leak detection",
        "gestion des boues de vidange et assainissement autonome à Dakar"))
    with m.snapshot() as snap:
        needs, languages = brief_needs(m, request.validated(m.settings.teams, snap.catalog))
    assert {lang.route for lang in languages} == {"english", "multilingual"}
    ml_index = m.community.multilingual_index
    assert ml_index is not None

    def ranked(prefetch: bool) -> tuple[list[list[tuple[str, float]]], int, int]:
        en, ml = _Counting(m.community.encoder), _Counting(ml_index.encoder)
        vectors = QueryVectors(en, ml)  # type: ignore[arg-type]
        if not prefetch:
            monkeypatch.setattr(vectors, "prefetch", lambda english, multilingual: None)
        with m.snapshot() as snap:
            scores = rank_brief_needs(m, snap, needs, languages,
                                      Reach(SearchFilters(), FULL, CANDIDATES_PER_NEED), vectors)
        out = [[(mid, r.score) for mid, r in per_need.items()] for per_need in scores.ranked]
        return out, en.calls, ml.calls

    batched, en_calls, ml_calls = ranked(True)
    alone, en_alone, ml_alone = ranked(False)
    assert (en_calls, ml_calls) == (1, 1) and en_alone + ml_alone > 2
    for b, a in zip(batched, alone, strict=True):
        assert [mid for mid, _ in b] == [mid for mid, _ in a]
        assert max(abs(x - y) for (_, x), (_, y) in zip(b, a, strict=True)) < 1e-5
