"""Invitations: who outside the core to invite and why; each reason type, the empty answer,
opt-outs and hidden members never (unit + real model)."""

from __future__ import annotations

import pytest

from indexing.vectors.catalog import MemberInfo
from matcher.errors import InvalidRequest
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.invitations import (
    REASON_TYPES,
    Candidate,
    InviteRules,
    Reason,
    invitation_reasons,
    may_invite,
    suggest_invitations,
)
from matcher.needs import ProjectRequest

RULES = InviteRules(floor=0.40, coverage_threshold=0.45, depth_margin=0.05, newcomer_max=3,
                    team_kinds=frozenset({"utility"}), team_countries=frozenset({"KE"}),
                    team_languages=frozenset({"en"}))
NEEDS = ["leak detection", "faecal sludge"]


def reasons_of(m: MemberInfo, fits: dict[int, float], needs: list[str], core: list[float],
               rules: InviteRules, kind: str, n: int) -> list[Reason]:
    return invitation_reasons(Candidate(m, fits, kind, n), needs, core, rules)


def member(mid: str, level: str, open_: bool = True, hidden: bool = False,
           country: str = "KE", languages: tuple[str, ...] = ("en",)) -> MemberInfo:
    return MemberInfo(mid, mid, "org", "Org", country, level, languages, (), open_, hidden, None)


def types(reasons: list) -> list[str]:  # type: ignore[type-arg]
    return [r.type for r in reasons]


def test_only_open_visible_members_outside_the_core_may_be_invited() -> None:
    members = [member("occ", "occasional"), member("per", "peripheral"),
               member("tra", "transactional"), member("out", "occasional", open_=False),
               member("hid", "transactional", hidden=True), member("cor", "core"),
               member("act", "active")]
    assert {m.id for m in members if may_invite(m)} == {"occ", "per", "tra"}


def test_fills_gap_when_the_core_is_under_the_coverage_threshold() -> None:
    reasons = reasons_of(member("occ", "occasional"), {1: 0.5}, NEEDS, [0.7, 0.3],
                                 RULES, "utility", 10)
    assert types(reasons) == ["fills_gap"]
    assert reasons[0].need == "faecal sludge" and "0.30" in reasons[0].detail


def test_adds_depth_within_the_margin_of_a_core_that_covers_the_need() -> None:
    near = reasons_of(member("occ", "occasional"), {0: 0.66}, NEEDS, [0.7, 0.3], RULES,
                              "utility", 10)
    far = reasons_of(member("occ", "occasional"), {0: 0.60}, NEEDS, [0.7, 0.3], RULES,
                             "utility", 10)
    assert types(near) == ["adds_depth"]
    assert "within 0.05 of the core's best (0.70)" in near[0].detail
    assert far == []  # the core covers it better by more than the margin; nothing new
    above = reasons_of(member("occ", "occasional"), {0: 0.81}, NEEDS, [0.7, 0.3], RULES,
                       "utility", 10)
    assert types(above) == ["adds_depth"]  # it said "within 0.05" of a best it exceeds
    assert "reaches 0.81 on 'leak detection', above the core's best (0.70)" in above[0].detail


def test_new_perspective_names_what_the_team_lacks() -> None:
    reasons = reasons_of(member("occ", "occasional", country="SN",
                                        languages=("fr", "en")),
                                 {0: 0.5}, NEEDS, [0.7, 0.3], RULES, "ngo", 10)
    assert types(reasons) == ["new_perspective"]
    detail = reasons[0].detail
    assert "ngo" in detail and "SN" in detail and "fr" in detail


def test_grow_newcomer_only_for_peripheral_members_with_few_contributions() -> None:
    newcomer = reasons_of(member("per", "peripheral"), {0: 0.45}, NEEDS, [0.9, 0.9],
                                  RULES, "utility", 2)
    veteran = reasons_of(member("per", "peripheral"), {0: 0.45}, NEEDS, [0.9, 0.9],
                                 RULES, "utility", 4)
    occasional = reasons_of(member("occ", "occasional"), {0: 0.45}, NEEDS, [0.9, 0.9],
                                    RULES, "utility", 0)
    assert types(newcomer) == ["grow_newcomer"] and veteran == [] and occasional == []


def test_nothing_below_the_fit_floor() -> None:
    reasons = reasons_of(member("per", "peripheral", country="SN"), {0: 0.39, 1: 0.3},
                                 NEEDS, [0.1, 0.1], RULES, "ngo", 0)
    assert reasons == []


# -- with the real model over tests/data ----------------------------------------------------
FULL = Access(all_spaces=True, see_contacts=True)


def test_occasional_experts_for_the_project_with_reasons(matcher: Matcher) -> None:
    needs = ("leak detection", "faecal sludge management", "flood early warning",
             "arsenic in drinking water wells")
    result = suggest_invitations(matcher, ProjectRequest("Peri-urban WASH", needs=needs), FULL)
    by_id = {i.member.id: i for i in result.invitations}
    assert {"m-0004", "m-0005", "m-0011"} <= set(by_id)
    assert "faecal sludge management" in by_id["m-0004"].covers
    assert all(r.type in REASON_TYPES for i in result.invitations for r in i.reasons)
    assert all(i.reasons for i in result.invitations)
    assert by_id["m-0004"].evidence and all(e.need in by_id["m-0004"].covers
                                            for e in by_id["m-0004"].evidence)
    # m-0011 has no contributions: invited on their profile alone, whose line is the evidence
    lines = by_id["m-0011"].evidence
    assert lines and {e.evidence.kind for e in lines} == {"profile"}
    assert {e.need for e in lines} == set(by_id["m-0011"].covers)
    assert any("arsenic" in e.evidence.snippet for e in lines)
    # leaks: core has it
    assert result.core_best[0] >= matcher.settings.teams.team_coverage_threshold
    assert result.explanation is None and result.team


def test_every_claim_holds(matcher: Matcher) -> None:
    """Each reason's condition checked against the figures the answer itself reports."""
    s = matcher.settings
    needs = ("leak detection and district metered areas", "faecal sludge treatment",
             "flood forecasting")
    result = suggest_invitations(matcher, ProjectRequest("Checks", needs=needs), FULL, 20)
    scores = {m: matcher.score_members(n, [i.member.id for i in result.invitations], FULL)
              for m, n in enumerate(needs)}
    for inv in result.invitations:
        for r in inv.reasons:
            i = needs.index(r.need)
            assert scores[i][inv.member.id] >= s.teams.invite_fit_floor - 1e-6
            if r.type == "fills_gap":
                assert result.core_best[i] < s.teams.team_coverage_threshold
            if r.type == "adds_depth":
                assert scores[i][inv.member.id] >= result.core_best[i] - s.teams.invite_depth_margin


def test_an_empty_answer_says_why(matcher: Matcher) -> None:
    result = suggest_invitations(matcher, ProjectRequest(
        "Space", needs=("orbital mechanics of geostationary satellites",)), FULL)
    assert result.invitations == ()
    assert result.explanation is not None and "fit floor" in result.explanation
    nobody = result.nobody  # the same, with its figures, for the page's languages
    assert nobody is not None and nobody.text == result.explanation
    assert nobody.kind == "below_floor" and nobody.score is not None
    assert nobody.score < nobody.floor and nobody.member_id and nobody.need


def test_opted_out_and_hidden_never_invited(matcher: Matcher) -> None:
    # m-0010 (peripheral, drought) opted out; m-0012 (transactional, drip irrigation) is hidden
    needs = ("drought contingency planning and drought indices",
             "drip irrigation scheduling and efficiency")
    result = suggest_invitations(matcher, ProjectRequest("Dry season", needs=needs), FULL, 20)
    assert not {i.member.id for i in result.invitations} & {"m-0010", "m-0012"}
    assert all(i.member.level in ("occasional", "peripheral", "transactional")
               for i in result.invitations)


def test_exclusions_apply_to_invitations(matcher: Matcher) -> None:
    result = suggest_invitations(matcher, ProjectRequest(
        "p", needs=("faecal sludge management",), exclude_members=frozenset({"m-0004"})), FULL)
    assert "m-0004" not in {i.member.id for i in result.invitations}


def test_bad_top_and_unknown_exclusion(matcher: Matcher) -> None:
    with pytest.raises(InvalidRequest) as err:
        suggest_invitations(matcher, ProjectRequest("p", needs=("x",)), FULL, 0)
    assert err.value.field == "top"
    with pytest.raises(InvalidRequest) as err:
        suggest_invitations(matcher, ProjectRequest(
            "p", needs=("x",), exclude_members=frozenset({"m-9999"})), FULL)
    assert err.value.field == "exclude_members"
