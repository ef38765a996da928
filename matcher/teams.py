"""Collaborators for a project: the team (``teams_core.select_team``: greedy submodular
coverage with an MMR spread penalty and caps), who covers what with evidence, the gaps, why a
team is smaller than asked and the alternates that would widen its spread (``team_spread.py``).

Each need is ranked through its language route (``brief.py``): a French brief is read as
French, with the glossary and the multilingual index, and its relevance stays a cosine of the
English model so that one coverage threshold holds in every language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import Field, dataclass, replace
from typing import Any, ClassVar, Protocol, TypeVar

from indexing.settings import TeamSettings
from indexing.vectors.catalog import MemberInfo
from matcher.brief import (
    CANDIDATES_PER_NEED,
    QueryVectors,
    brief_language,
    need_languages,
    query_vectors,
    rank_brief_needs,
)
from matcher.experts import Evidence, Matcher, Snapshot
from matcher.exposure import cap_team
from matcher.filters import Access
from matcher.languages import NeedLanguage
from matcher.needs import (
    Need,
    NeedScores,
    ProjectRequest,
    need_evidence,
    profile_lines,
    project_needs,
)
from matcher.reach import Reach
from matcher.team_spread import Alternate, Shortfall, explain_shortfall, find_alternates
from matcher.teams_core import Pick, TeamLimits, select_team


@dataclass(frozen=True)
class NeedEvidence:
    need: str
    evidence: Evidence


class _Covers(Protocol):
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # dataclasses.replace works on it

    @property
    def member(self) -> MemberInfo: ...
    @property
    def covers(self) -> tuple[str, ...]: ...
    @property
    def evidence(self) -> tuple[NeedEvidence, ...]: ...


Covering = TypeVar("Covering", bound=_Covers)  # a TeamMember or an Invitation


@dataclass(frozen=True)
class TeamMember:
    member: MemberInfo
    score: float  # the member's best relevance over the needs they cover
    gain: float  # coverage the member added when chosen
    covers: tuple[str, ...]
    evidence: tuple[NeedEvidence, ...]


@dataclass(frozen=True)
class NeedCoverage:
    need: str
    covered_by: tuple[str, ...]  # team members above the threshold, best first
    best_score: float  # best relevance within the team


@dataclass(frozen=True)
class Gap:
    need: str
    best_score: float  # best relevance in the whole (filtered) community
    best_member_id: str | None


@dataclass(frozen=True)
class TeamResult:
    title: str
    needs: tuple[Need, ...]
    languages: tuple[NeedLanguage, ...]  # per need: its language and route
    team: tuple[TeamMember, ...]
    coverage: tuple[NeedCoverage, ...]
    gaps: tuple[Gap, ...]
    organisations: dict[str, int]
    countries: dict[str, int]
    shortfall: Shortfall | None  # why the team is smaller than asked, when it is
    alternates: tuple[Alternate, ...]  # outside the team, widening its spread


@dataclass(frozen=True)
class PlannedTeam:
    """A request's needs, their languages and rankings, and the members picked: what a team
    answer and the invitations of the same request are built from."""

    request: ProjectRequest
    needs: tuple[Need, ...]
    languages: tuple[NeedLanguage, ...]
    scores: NeedScores
    picks: tuple[Pick, ...]
    vectors: QueryVectors  # the needs' query vectors, for further rankings of this request

    @property
    def team_ids(self) -> tuple[str, ...]:
        return tuple(p.member_id for p in self.picks)


def relevance_table(scores: NeedScores) -> dict[str, dict[int, float]]:
    """member id -> need index -> relevance, from per-need rankings."""
    table: dict[str, dict[int, float]] = {}
    for i, ranking in enumerate(scores.ranked):
        for mid, r in ranking.items():
            table.setdefault(mid, {})[i] = r.score
    return table


BriefNeeds = tuple[list[Need], list[NeedLanguage]]


def brief_needs(matcher: Matcher, request: ProjectRequest) -> BriefNeeds:
    """The needs of a request with their languages (detected on the whole brief).

    Text work only (no index, no lock): callers derive the needs before opening the snapshot,
    so a long description never holds the read locks that writes wait for (issue #26)."""
    s = matcher.settings
    request.check_title()
    brief = brief_language(request.title, request.description)
    needs = project_needs(request.description, request.needs, s.teams.team_max_needs,
                          s.matching.max_query_chars, brief.code, matcher.glossary, request.title)
    return needs, need_languages(matcher, needs, brief)


def plan_team(matcher: Matcher, snap: Snapshot, request: ProjectRequest, access: Access,
              brief: BriefNeeds, capped: frozenset[str] = frozenset()) -> PlannedTeam:
    """Validate the request, rank its needs (``brief_needs``, derived before the snapshot)
    through their routes and pick the team; members in ``capped`` (fair exposure, busy
    cool-down) are replaced last where coverage allows (``exposure.cap_team``)."""
    s = matcher.settings
    request = request.validated(s.teams, snap.catalog)
    needs, languages = brief
    vectors = query_vectors(matcher)
    scores = rank_brief_needs(matcher, snap, needs, languages,
                              Reach(request.filters(), access, CANDIDATES_PER_NEED), vectors)
    limits = team_limits(request, len(needs), s.teams)
    table = relevance_table(scores)
    picks = select_team(table, snap.catalog.members, limits)
    if capped:  # applied last: after filters, preferences and coverage with spread
        picks = cap_team(picks, table, snap.catalog.members, limits, capped)
    return PlannedTeam(request, tuple(needs), tuple(languages), scores, tuple(picks), vectors)


def team_limits(request: ProjectRequest, n_needs: int, s: TeamSettings) -> TeamLimits:
    """What the team is selected under: the request's size and caps, else the settings'."""
    return TeamLimits(n_needs, request.size or s.team_size, s.team_coverage_threshold,
                      s.team_diversity_weight,
                      request.max_per_organisation or s.team_max_per_organisation,
                      request.max_per_country or s.team_max_per_country)


def suggest_team(matcher: Matcher, request: ProjectRequest, access: Access,
                 capped: frozenset[str] = frozenset()) -> TeamResult:
    """A team for a project: needs, members with what they cover and evidence, gaps, and why
    it is smaller than asked or who would widen its spread."""
    brief = brief_needs(matcher, request)
    with matcher.snapshot() as snap:
        plan = plan_team(matcher, snap, request, access, brief, capped)
        result = assemble_team(matcher, snap, plan)
    return replace(result, team=tuple(with_profile_lines(matcher, result.team, plan)))


def with_profile_lines(matcher: Matcher, members: Sequence[Covering], plan: PlannedTeam
                       ) -> list[Covering]:
    """Team members or invitees, each with the line of their profile that covers a need they
    have no contribution to show for (``profile_lines``): nobody is offered without a why."""
    texts = [n.text for n in plan.needs]
    bare = [(m.member, texts.index(need)) for m in members for need in m.covers
            if need not in {e.need for e in m.evidence}]
    if not bare:
        return list(members)
    lines = profile_lines(matcher, bare, plan.needs, plan.languages, plan.vectors)
    return [replace(m, evidence=m.evidence + tuple(
        NeedEvidence(need, e) for need in m.covers
        for e in lines.get((m.member.id, texts.index(need)), ()))) for m in members]


def assemble_team(matcher: Matcher, snap: Snapshot, plan: PlannedTeam) -> TeamResult:
    """Members with the needs they cover and their evidence; coverage, gaps and spread."""
    s = matcher.settings
    threshold = s.teams.team_coverage_threshold
    catalog = snap.catalog
    needs, scores, picks = plan.needs, plan.scores, plan.picks
    covers = {p.member_id: [i for i in range(len(needs))
                            if scores.score(p.member_id, i) >= threshold] for p in picks}
    evidence = need_evidence(matcher, snap, scores,
                             ((m, i) for m, idx in covers.items() for i in idx))
    team = []
    for p in picks:
        info = catalog.members[p.member_id]
        idx = covers[p.member_id]
        team.append(TeamMember(
            member=info,
            score=round(max((scores.score(p.member_id, i) for i in idx), default=0.0), 4),
            gain=round(p.gain, 4),
            covers=tuple(needs[i].text for i in idx),
            evidence=tuple(NeedEvidence(needs[i].text, e) for i in idx
                           for e in evidence.get((p.member_id, i), ())),
        ))
    coverage, gaps = [], []
    for i, need in enumerate(needs):
        by = sorted((m for m, idx in covers.items() if i in idx),
                    key=lambda m: (-scores.score(m, i), m))
        in_team = max((scores.score(p.member_id, i) for p in picks), default=0.0)
        coverage.append(NeedCoverage(need.text, tuple(by), round(in_team, 4)))
        if not by:
            best = scores.best(i)
            gaps.append(Gap(need.text, round(best.score, 4) if best else 0.0,
                            best.member_id if best else None))
    request = plan.request
    table = relevance_table(scores)
    shortfall = explain_shortfall(table, catalog.members, picks,
                                  team_limits(request, len(needs), s.teams))
    alternates = find_alternates(table, catalog.members, picks, threshold,
                                 s.teams.team_alternate_max_cost, s.teams.team_max_alternates)
    return TeamResult(
        title=request.title, needs=needs, languages=plan.languages, team=tuple(team),
        coverage=tuple(coverage), gaps=tuple(gaps),
        organisations=dict(Counter(t.member.organisation_name for t in team)),
        countries=dict(Counter(t.member.country for t in team)),
        shortfall=shortfall, alternates=tuple(alternates),
    )


def covered_needs(alternate: Alternate, needs: Sequence[Need]) -> tuple[str, ...]:
    """The texts of the needs an alternate covers."""
    return tuple(needs[i].text for i in alternate.covers)
