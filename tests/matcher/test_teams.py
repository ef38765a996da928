"""Team suggestion: greedy coverage, caps, diversity, exclusions, gaps (unit + real model)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexing.vectors.catalog import MemberInfo
from matcher.errors import InvalidRequest
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.needs import ProjectRequest
from matcher.team_spread import explain_shortfall, find_alternates
from matcher.teams import select_team, suggest_team
from matcher.teams_core import Pick, TeamLimits

T = 0.45  # threshold used by the unit tests


def member(mid: str, org: str, country: str, level: str = "active") -> MemberInfo:
    return MemberInfo(mid, mid.upper(), org, org.upper(), country, level, ("en",), (), True,
                      False, None)


MEMBERS = {m.id: m for m in [
    member("a", "org1", "KE"), member("b", "org1", "KE"), member("c", "org2", "NL"),
    member("d", "org3", "JO"), member("e", "org4", "KE"), member("f", "org5", "PE"),
]}


def pick(relevance: dict[str, dict[int, float]], n_needs: int, size: int = 5, w: float = 0.1,
         max_org: int = 2, max_country: int = 2) -> list[str]:
    limits = TeamLimits(n_needs, size, T, w, max_org, max_country)
    return [p.member_id for p in select_team(relevance, MEMBERS, limits)]


def test_every_need_gets_its_expert_and_weak_matches_never_pad() -> None:
    rel = {"a": {0: 0.7}, "c": {1: 0.6}, "d": {2: 0.3}, "f": {0: 0.2, 1: 0.2, 2: 0.44}}
    assert pick(rel, 3) == ["a", "c"]  # need 2 only has weak matches: a gap, no padding


def test_generalist_covering_two_needs_beats_two_specialists_for_one_seat() -> None:
    rel = {"a": {0: 0.7}, "c": {1: 0.7}, "d": {0: 0.55, 1: 0.55}}
    assert pick(rel, 2, size=1) == ["d"]


def test_spare_seats_go_to_backup_experts_and_stop_when_nothing_adds() -> None:
    rel = {"a": {0: 0.7}, "c": {0: 0.6}, "d": {0: 0.5}}
    team = select_team(rel, MEMBERS, TeamLimits(1, 5, T, 0.1, 5, 5))
    # a covers the need, c is the backup (half weight); a third expert adds nothing: stop
    assert [p.member_id for p in team] == ["a", "c"]
    assert team[1].gain == pytest.approx(0.5 * 0.6)


def test_diversity_breaks_near_ties_but_does_not_buy_weak_matches() -> None:
    # b shares organisation and country with a; e is a near-tie from another organisation
    rel = {"a": {0: 0.8}, "b": {1: 0.62}, "e": {1: 0.6}}
    assert pick(rel, 2, size=2) == ["a", "e"]
    assert pick(rel, 2, size=2, w=0.0) == ["a", "b"]
    rel = {"a": {0: 0.8}, "b": {1: 0.8}, "e": {1: 0.5}}
    assert pick(rel, 2, size=2) == ["a", "b"]  # 0.3 better: spread gives way


def test_caps_per_organisation_and_country_are_hard() -> None:
    rel = {"a": {0: 0.9}, "b": {1: 0.9}, "e": {2: 0.9}, "c": {2: 0.5}}
    team = pick(rel, 3, max_org=1)
    assert team[:2] == ["a", "e"] and "b" not in team  # b: same organisation as a
    team = pick(rel, 3, max_country=1)
    assert team == ["a", "c"]  # b and e are in KE like a


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(MEMBERS)),
                       st.dictionaries(st.integers(0, 3), st.floats(0, 1), max_size=4),
                       max_size=6),
       st.integers(1, 6), st.integers(1, 3), st.integers(1, 3), st.floats(0, 1))
def test_invariants(rel: dict[str, dict[int, float]], size: int, max_org: int,
                    max_country: int, w: float) -> None:
    team = pick(rel, 4, size, w, max_org, max_country)
    assert len(team) == len(set(team)) <= size
    for key, cap in (("organisation_id", max_org), ("country", max_country)):
        values = [getattr(MEMBERS[m], key) for m in team]
        assert all(values.count(v) <= cap for v in values)
    assert all(any(s >= T for s in rel[m].values()) for m in team)
    best_possible = {n for scores in rel.values() for n, s in scores.items() if s >= T}
    covered = {n for m in team for n, s in rel[m].items() if s >= T}
    if size >= len(best_possible) and max_org >= 6 and max_country >= 6:
        assert covered == best_possible


# -- with the real model over tests/data ----------------------------------------------------
FULL = Access(all_spaces=True, see_contacts=True)
NEEDS = ("leak detection", "desalination", "water law", "space debris tracking")


def test_leaks_desalination_law_team_and_a_gap(matcher: Matcher) -> None:
    result = suggest_team(matcher, ProjectRequest("Coastal city water security", needs=NEEDS),
                          FULL)
    assert {t.member.id for t in result.team} == {"m-0001", "m-0003", "m-0006"}
    by_id = {t.member.id: t for t in result.team}
    assert by_id["m-0001"].covers == ("leak detection",)
    assert by_id["m-0003"].covers == ("desalination",)
    assert by_id["m-0006"].covers == ("water law",)
    assert all(t.evidence and {e.need for e in t.evidence} == set(t.covers)
               for t in result.team)
    assert [g.need for g in result.gaps] == ["space debris tracking"]
    assert result.gaps[0].best_score < matcher.settings.teams.team_coverage_threshold
    coverage = {c.need: c.covered_by for c in result.coverage}
    assert coverage["desalination"][0] == "m-0003" and coverage["space debris tracking"] == ()
    assert sum(result.countries.values()) == 3 and len(result.countries) == 3


def test_a_member_covering_a_need_by_their_profile_shows_its_line(matcher: Matcher) -> None:
    """Nobody is offered without a why: m-0011 has no contributions, and covers arsenic by
    their bio; the team shows the bio's sentence as the evidence, as who knows X does."""
    result = suggest_team(matcher, ProjectRequest(
        "Arsenic", needs=("arsenic and fluoride in tube wells",)), FULL)
    by_id = {t.member.id: t for t in result.team}
    assert "m-0011" in by_id, [t.member.id for t in result.team]
    lines = by_id["m-0011"].evidence
    assert [e.evidence.kind for e in lines] == ["profile"]
    assert "arsenic" in lines[0].evidence.snippet and lines[0].need in by_id["m-0011"].covers
    assert all(t.evidence for t in result.team)


def test_exclusions_are_respected(matcher: Matcher) -> None:
    result = suggest_team(matcher, ProjectRequest(
        "p", needs=NEEDS[:3], exclude_members=frozenset({"m-0003"}),
        exclude_organisations=frozenset({"org-shared-waters-institute"}),
        exclude_countries=frozenset({"ke"})), FULL)
    ids = {t.member.id for t in result.team}
    assert not ids & {"m-0001", "m-0003", "m-0006", "m-0009"}
    assert {g.need for g in result.gaps} >= {"leak detection", "water law"}
    assert all(t.member.country != "KE" for t in result.team)


def test_hidden_member_never_suggested(matcher: Matcher) -> None:
    result = suggest_team(matcher, ProjectRequest(
        "p", needs=("drip irrigation scheduling and efficiency",)), FULL)
    assert "m-0012" not in {t.member.id for t in result.team}
    assert all(g.best_member_id != "m-0012" for g in result.gaps)


def test_derived_needs_from_description(matcher: Matcher) -> None:
    result = suggest_team(matcher, ProjectRequest(
        "p", description="Sanitation and safe water in peri-urban settlements. We need expertise "
                         "in faecal sludge management, flood early warning and arsenic in "
                         "tube wells."), FULL)
    # the opening sentence is context, not a need (issue #36); each need says where it was read
    assert [(n.text, n.derived) for n in result.needs] == [
        ("faecal sludge management", True), ("flood early warning", True),
        ("arsenic in tube wells", True)]
    assert {n.source for n in result.needs} == {
        "We need expertise in faecal sludge management, flood early warning and arsenic in "
        "tube wells"}
    assert {t.member.id for t in result.team} >= {"m-0004", "m-0005", "m-0011"}


def test_size_limits_the_team(matcher: Matcher) -> None:
    result = suggest_team(matcher, ProjectRequest("p", needs=NEEDS, size=1), FULL)
    assert len(result.team) == 1 and len(result.gaps) == 3


@pytest.mark.parametrize(("request_", "field"), [
    (ProjectRequest("p", needs=NEEDS, size=0), "size"),
    (ProjectRequest("p", needs=NEEDS, size=16), "size"),
    (ProjectRequest("p", needs=NEEDS, exclude_members=frozenset({"m-9999"})), "exclude_members"),
    (ProjectRequest("p", description="  "), "description"),
])
def test_bad_requests(matcher: Matcher, request_: ProjectRequest, field: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        suggest_team(matcher, request_, FULL)
    assert err.value.field == field


# -- why a team is smaller than asked, and who would widen its spread ---------------------------
def test_a_short_team_says_why_and_what_the_next_candidate_would_add() -> None:
    rel = {"a": {0: 0.7}, "c": {1: 0.6}, "d": {1: 0.3}}
    picks = select_team(rel, MEMBERS, TeamLimits(2, 4, T, 0.1, 2, 2))
    short = explain_shortfall(rel, MEMBERS, picks, TeamLimits(2, 4, T, 0.1, 2, 2))
    assert short is not None and (short.asked, short.chosen) == (4, 2)
    assert "nobody else adds coverage" in short.reason and short.next_gain == 0.0
    assert short.kind == "nobody_adds" and short.cap is None and short.threshold == T
    assert explain_shortfall(rel, MEMBERS, picks, TeamLimits(2, 2, T, 0.1, 2, 2)) is None


def test_a_shortfall_held_back_by_a_cap_names_the_cap() -> None:
    rel = {"a": {0: 0.7}, "b": {1: 0.6}}  # same organisation and country
    picks = select_team(rel, MEMBERS, TeamLimits(2, 2, T, 0.1, 1, 5))
    short = explain_shortfall(rel, MEMBERS, picks, TeamLimits(2, 2, T, 0.1, 1, 5))
    assert short is not None and short.next_member_id == "b"
    assert "max_per_organisation" in short.reason
    assert short.kind == "held_back" and short.cap == "max_per_organisation"  # for the page


def test_alternates_widen_the_spread_within_the_cost_cap() -> None:
    # a and b (org1, KE) form the team; c (org2, NL) is a little weaker, d (org3, JO) far weaker
    rel = {"a": {0: 0.8}, "b": {1: 0.7}, "c": {1: 0.65}, "d": {1: 0.46}, "e": {1: 0.68}}
    picks = [Pick("a", 0.8), Pick("b", 0.7)]
    alts = find_alternates(rel, MEMBERS, picks, T, 0.1, 5)
    assert [(x.member.id, x.widens) for x in alts] == [
        ("e", ("organisation",)), ("c", ("organisation", "country"))]
    assert alts[0].cost == pytest.approx(0.02) and alts[1].cost == pytest.approx(0.05)
    assert find_alternates(rel, MEMBERS, picks, T, 0.1, 1) == alts[:1]


def test_spread_picks_a_member_elsewhere_within_the_margin() -> None:
    """The diversity weight is the margin: a member sharing organisation and country with the
    chosen one loses to a member elsewhere less than that much weaker, and wins beyond it."""
    for gap, spread in ((0.09, True), (0.11, False)):
        rel = {"a": {0: 0.8}, "b": {1: 0.7}, "c": {1: 0.7 - gap}}
        team = pick(rel, 2, size=2, w=0.1)
        assert (team == ["a", "c"]) is spread


def test_a_team_of_four_asked_with_two_able_members(matcher: Matcher) -> None:
    result = suggest_team(matcher, ProjectRequest(
        "p", needs=("leak detection", "desalination"), size=4), FULL)
    if len(result.team) < 4:
        assert result.shortfall is not None and result.shortfall.asked == 4
        assert result.shortfall.chosen == len(result.team)
    ids = {t.member.id for t in result.team}
    for alt in result.alternates:
        assert alt.member.id not in ids and alt.widens
        assert alt.cost <= matcher.settings.teams.team_alternate_max_cost + 1e-9
