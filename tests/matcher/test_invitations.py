"""Invitations: who outside the core fills what the core covers poorly; opt-outs never."""

from __future__ import annotations

import pytest

from indexing.vectors.catalog import MemberInfo
from matcher.errors import InvalidRequest
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.invitations import may_invite, rank_candidates, suggest_invitations
from matcher.needs import ProjectRequest

T = 0.45


def member(mid: str, level: str, open_: bool = True, hidden: bool = False) -> MemberInfo:
    return MemberInfo(mid, mid, "org", "Org", "KE", level, ("en",), (), open_, hidden, None)


MEMBERS = {m.id: m for m in [
    member("occ", "occasional"), member("per", "peripheral"), member("tra", "transactional"),
    member("out", "occasional", open_=False), member("hid", "transactional", hidden=True),
    member("cor", "core"), member("act", "active"),
]}


def test_only_open_visible_members_outside_the_core_may_be_invited() -> None:
    assert {m for m, info in MEMBERS.items() if may_invite(info)} == {"occ", "per", "tra"}


def test_candidates_fill_poorly_covered_needs_only() -> None:
    core_best = [0.7, 0.2]  # need 0 is covered by the core, need 1 is not
    rel = {"occ": {0: 0.8, 1: 0.5}, "per": {0: 0.9}, "tra": {1: 0.6}, "out": {1: 0.9},
           "hid": {1: 0.95}, "cor": {1: 0.99}}
    ranked = rank_candidates(core_best, rel, MEMBERS, T, 10)
    assert [(c.member_id, c.needs) for c in ranked] == [("tra", (1,)), ("occ", (1,))]


def test_weak_candidates_are_not_invited_and_top_truncates() -> None:
    rel = {"occ": {0: 0.44}, "per": {0: 0.5}, "tra": {0: 0.6}}
    assert [c.member_id for c in rank_candidates([0.1], rel, MEMBERS, T, 1)] == ["tra"]
    assert [c.member_id for c in rank_candidates([0.1], rel, MEMBERS, T, 5)] == ["tra", "per"]


# -- with the real model over tests/data ----------------------------------------------------
FULL = Access(all_spaces=True, see_contacts=True)


def test_occasional_experts_for_what_the_core_lacks(matcher: Matcher) -> None:
    needs = ("leak detection", "faecal sludge management", "flood early warning",
             "arsenic in drinking water wells")
    result = suggest_invitations(matcher, ProjectRequest("Peri-urban WASH", needs=needs), FULL)
    by_id = {i.member.id: i for i in result.invitations}
    assert set(by_id) == {"m-0004", "m-0005", "m-0011"}
    assert by_id["m-0004"].covers == ("faecal sludge management",)
    assert "faecal sludge management" in by_id["m-0004"].reason
    assert by_id["m-0004"].evidence and all(e.need == "faecal sludge management"
                                            for e in by_id["m-0004"].evidence)
    # m-0011 has no contributions: invited on their profile, and the reason says so
    assert by_id["m-0011"].evidence == () and "profile" in by_id["m-0011"].reason
    assert result.core_best[0] >= matcher.settings.team_coverage_threshold  # leaks: core has it


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


def test_bad_top(matcher: Matcher) -> None:
    with pytest.raises(InvalidRequest) as err:
        suggest_invitations(matcher, ProjectRequest("p", needs=("x",)), FULL, 0)
    assert err.value.field == "top"
