"""Who knows X with the real model over tests/data (see tests/data/README.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from indexing.errors import WellspringError
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        ("acoustic leak detection and non-revenue water in intermittent supply", "m-0001"),
        ("managed aquifer recharge with infiltration basins", "m-0002"),
        ("seawater reverse osmosis desalination and brine disposal", "m-0003"),
        ("emptying pit latrines and treating faecal sludge", "m-0004"),
        ("transboundary river treaties and international water law", "m-0006"),
        ("SCADA telemetry and cybersecurity for water utilities", "m-0007"),
        ("increasing block tariffs and cost recovery for utilities", "m-0009"),
        ("arsenic contamination of tube wells", "m-0011"),
    ],
)
def test_clear_need_ranks_the_right_member_first(matcher: Matcher, need: str, expected: str
                                                 ) -> None:
    results = matcher.find_experts(need, top=3)
    assert results[0].member.id == expected, [r.member.id for r in results]


def test_results_carry_evidence_about_the_need(matcher: Matcher) -> None:
    top = matcher.find_experts("leak detection with acoustic loggers", top=1)[0]
    assert top.evidence, "a ranked member must come with evidence"
    assert top.evidence[0].score >= top.evidence[-1].score
    assert any("leak" in (e.title + e.snippet).lower() for e in top.evidence)
    assert top.member.organisation_name and top.member.country == "KE"


def test_hidden_member_is_never_returned(matcher: Matcher) -> None:
    results = matcher.find_experts("drip irrigation scheduling", top=12)
    assert "m-0012" not in {r.member.id for r in results}


def test_country_filter_applies_before_truncation(matcher: Matcher) -> None:
    # only two members in Jordan: a filtered query must return both, whatever the need
    results = matcher.find_experts("leak detection", SearchFilters(countries=("JO",)), top=10)
    assert {r.member.id for r in results} == {"m-0003", "m-0008"}
    assert all(r.member.country == "JO" for r in results)


def test_level_type_language_since_filters(matcher: Matcher) -> None:
    core = matcher.find_experts("water", SearchFilters(levels=("core",)), top=10)
    assert {r.member.level for r in core} == {"core"}
    datasets = matcher.find_experts("water data", SearchFilters(types=("dataset",)), top=10)
    assert datasets and all(e.type == "dataset" for r in datasets for e in r.evidence)
    french = matcher.find_experts("boues de vidange", SearchFilters(languages=("fr",)), top=5)
    assert french[0].member.id == "m-0004"
    assert all(e.language == "fr" for r in french for e in r.evidence)
    recent = matcher.find_experts("water", SearchFilters(since=dt.date(2024, 1, 1)), top=10)
    assert all(e.date >= "2024-01-01" for r in recent for e in r.evidence)


def test_private_space_needs_access(matcher: Matcher) -> None:
    private = matcher.community.store.get_contribution("c-00031")
    assert private.space == "nrw-taskforce"
    need = private.title

    def evidence_ids(access: Access) -> set[str]:
        return {e.contribution_id for r in matcher.find_experts(need, access=access, top=12)
                for e in r.evidence}

    assert "c-00031" not in evidence_ids(Access.public())
    assert "c-00031" not in evidence_ids(Access(spaces=frozenset({"board"})))
    assert "c-00031" in evidence_ids(Access(spaces=frozenset({"nrw-taskforce"})))


def test_bad_requests_name_the_field(matcher: Matcher) -> None:
    with pytest.raises(WellspringError) as exc:
        matcher.find_experts("   ")
    assert getattr(exc.value, "field", None) == "q"
    with pytest.raises(WellspringError) as exc:
        matcher.find_experts("water", top=0)
    assert getattr(exc.value, "field", None) == "top"


def test_score_members_matches_search_ranking(matcher: Matcher) -> None:
    need = "desalination energy recovery"
    ranked = matcher.find_experts(need, access=Access(all_spaces=True), top=5)
    scores = matcher.score_members(need, [r.member.id for r in ranked])
    for r in ranked:
        assert scores[r.member.id] == pytest.approx(r.score, abs=1e-3)
