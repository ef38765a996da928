"""Feedback in the ranking, on the test community with the real model: a declined member is not
suggested again for the project, a busy one and the most shown ones are capped, and the learned
model re-orders who knows X once fitted."""

from __future__ import annotations

import pytest

from indexing.community import Community
from indexing.errors import NotFound
from indexing.store import SqlStore
from indexing.store.projects import Exclusions, Project, ProjectStore
from indexing.store.suggestion_log import SuggestionLog
from matcher.experts import Matcher
from matcher.feedback import Feedback
from matcher.filters import Access, SearchFilters
from matcher.needs import ProjectRequest
from matcher.requests import (
    TRACKED,
    Asker,
    ExpertsRequest,
    InvitationsRequest,
    TeamRequest,
    Tracking,
)
from matcher.reranker import FEATURES, NotEnoughOutcomes

ALL = Access(all_spaces=True)
ADMIN = Asker(ALL, "k-admin")


def ask(need: str, top: int, tracking: Tracking = TRACKED, exposure: bool = False
        ) -> ExpertsRequest:
    """Who knows X as an admin key asks it (every space)."""
    return ExpertsRequest(need, SearchFilters(), ADMIN, tracking, top, exposure=exposure)
NEEDS = ("leak detection", "desalination", "water law")


def feedback_over(community: Community, **sections: dict[str, object]) -> Feedback:
    s = community.settings.with_(**sections)
    return Feedback(Matcher(community, s, None))


def test_answers_carry_a_stable_suggestion_id_with_features(community: Community) -> None:
    fb = feedback_over(community)
    first = fb.experts(ask("leak detection", 5))
    again = fb.experts(ask("leak detection", 5))
    assert first.suggestion_id is not None and first.suggestion_id == again.suggestion_id
    stored = fb.store.suggestion(first.suggestion_id)
    assert stored is not None
    assert stored.member_ids == tuple(m.member.id for m in first.result.matches)
    assert all(len(m.features) == len(FEATURES) for m in stored.members)
    assert not first.learned
    off = feedback_over(community, feedback={"record_suggestions": False})
    assert off.experts(ask("leak detection", 5)).suggestion_id is None


def test_features_computed_by_the_group_commit_are_those_of_the_answer(
        community: Community) -> None:
    """In the service the suggestion log computes the features when it commits (off the
    answer's path): the same features as computed beside the answer."""
    s = community.settings
    matcher = Matcher(community, s, None)
    grouped = Feedback(matcher, SuggestionLog(community.store.feedback(), flush_ms=10_000))
    answer = grouped.experts(ask("desalination brine", 5))
    assert answer.suggestion_id is not None
    assert grouped.store.suggestion(answer.suggestion_id) is None  # still queued
    expected = grouped.features("desalination brine", list(answer.result.matches), ALL)
    grouped.close()
    stored = grouped.store.suggestion(answer.suggestion_id)
    assert stored is not None
    assert [m.features for m in stored.members] == [tuple(f) for f in expected]
    assert any(any(f) for f in expected)  # not all zeros: a real signal was kept


def test_a_declined_member_is_not_suggested_again_for_the_project(community: Community) -> None:
    fb = feedback_over(community)
    store = community.store
    assert isinstance(store, SqlStore)
    for pid in ("p-nrw", "p-other"):  # a project id names a project record (issue #30)
        ProjectStore(store).create(Project(pid, pid, "", (), None, Exclusions(), "k-admin", (),
                                           "open", "2026-01-01", "2026-01-01"))
    with pytest.raises(NotFound):
        fb.experts(ask("leak detection", 5, Tracking("p-missing")))
    answer = fb.experts(ask("leak detection", 5, Tracking("p-nrw")))
    assert answer.suggestion_id is not None
    top = answer.result.matches[0].member.id
    fb.give("k", top, "declined_not_my_field", answer.suggestion_id)
    again = fb.experts(ask("leak detection", 5, Tracking("p-nrw")))
    assert top not in [m.member.id for m in again.result.matches]
    other = fb.experts(ask("leak detection", 5, Tracking("p-other")))
    assert other.result.matches[0].member.id == top  # another project still gets them
    request = ProjectRequest(title="t", needs=NEEDS)
    team = fb.team(TeamRequest(request, ADMIN, Tracking("p-nrw")))
    assert top not in [t.member.id for t in team.result.team]
    invites = fb.invitations(InvitationsRequest(request, ADMIN, Tracking("p-nrw")))
    assert top not in [i.member.id for i in invites.result.invitations]


def test_a_busy_member_and_the_most_shown_are_capped_in_teams(community: Community) -> None:
    request = ProjectRequest(title="t", needs=("leak detection", "desalination"), size=4)
    low = {"teams": {"team_coverage_threshold": 0.3}}  # the small test community: two cover a need
    plain = feedback_over(community, **low).team(TeamRequest(request, ADMIN)).result
    leak = next(c for c in plain.coverage if c.need == "leak detection")
    assert len(leak.covered_by) >= 2  # two members cover it: one can be replaced
    star = leak.covered_by[0]
    capped = feedback_over(community, feedback={"fair_exposure": "cap", "exposure_cap": 1}, **low)
    capped.store.mark_shown("s-test", "experts", [star])  # shown once: at the cap
    assert capped.capped() == {star}
    result = capped.team(TeamRequest(request, ADMIN)).result
    assert star not in [t.member.id for t in result.team]  # the cap holds ...
    assert all(c.covered_by for c in result.coverage)  # ... and opens no gap
    sole = next(c for c in plain.coverage if c.need == "desalination").covered_by
    if len(sole) == 1:  # a member nobody else can replace stays, cap or not
        capped.store.mark_shown("s-test", "experts", [sole[0]])
        team = capped.team(TeamRequest(request, ADMIN)).result.team
        assert sole[0] in [t.member.id for t in team]
    # declined_busy caps whatever the fair_exposure setting, for the cool-down
    busy = feedback_over(community, **low)
    busy.give("k", star, "declined_busy", project_id="p-1")
    assert busy.capped() == {star}
    assert star not in [t.member.id for t in busy.team(TeamRequest(request, ADMIN)).result.team]
    assert feedback_over(community, feedback={"busy_cooldown_days": 0}).capped() == frozenset()


def test_experts_are_reordered_by_exposure_only_when_asked(community: Community) -> None:
    fb = feedback_over(community, feedback={"fair_exposure": "cap", "exposure_cap": 1})
    first = fb.experts(ask("leak detection", 5, Tracking(shown=True)))
    ids = [m.member.id for m in first.result.matches]
    same = fb.experts(ask("leak detection", 5))
    assert [m.member.id for m in same.result.matches] == ids
    capped = fb.experts(ask("desalination", 5, exposure=True))
    shown_ids = set(ids)
    order = [m.member.id in shown_ids for m in capped.result.matches]
    assert order == sorted(order)  # capped ones after the others
    report = fb.exposure("shown")
    assert report.total == len(ids) and report.members >= len(ids)
    assert 0 <= report.gini <= 1 and report.top10_share == pytest.approx(1.0)


def test_learn_is_off_until_enough_outcomes_then_reorders(community: Community) -> None:
    fb = feedback_over(community)
    with pytest.raises(NotEnoughOutcomes):
        fb.learn()
    # simulated coordinators who accept only core members, on several needs
    for need in ("leak detection", "desalination", "water law", "flood early warning",
                 "sanitation", "groundwater recharge", "climate adaptation", "irrigation"):
        answer = fb.experts(ask(need, 10))
        assert answer.suggestion_id is not None
        for m in answer.result.matches:
            outcome = "accepted" if m.member.level == "core" else "not_relevant"
            fb.give("k", m.member.id, outcome, answer.suggestion_id)
    with pytest.raises(NotEnoughOutcomes):
        fb.learn(min_outcomes=10_000)
    report = fb.learn(min_outcomes=20)
    assert report.pairs >= 20 and 0 < report.positive < report.pairs
    assert report.coefficients["level_core"] > 0
    answer = fb.experts(ask("pipe bursts and leaks", 5))
    assert answer.learned
    levels = [m.member.level for m in answer.result.matches]
    assert levels[0] == "core"
    off = feedback_over(community, feedback={"learned_ranking": "off"})
    assert not off.experts(ask("pipe bursts and leaks", 5)).learned
