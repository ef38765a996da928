"""Occasional experts to invite for a project: people outside the core whose work fits one of
its needs, each with the reasons to invite them.

Inviting is about participation, not only about gaps the core cannot fill. Candidates are the
``occasional`` and ``peripheral`` members and the ``transactional`` outsiders who are open to
invitations; hidden members and members who opted out are never candidates. A candidate is
considered for a need only when their relevance reaches the fit floor (``invite_fit_floor``),
and is invited when at least one reason holds (every threshold is a setting tied to the floor):

* ``fills_gap``: the best core or active member on the need is under the coverage threshold
  (``team_coverage_threshold``) — the core cannot cover it;
* ``adds_depth``: the core covers the need, and the candidate is within ``invite_depth_margin``
  of the core's best, or above it — a second strong voice from outside;
* ``new_perspective``: the candidate brings an organisation kind, a country or a language that
  the team suggested for the same request lacks;
* ``grow_newcomer``: a peripheral member with at most ``invite_newcomer_max_contributions``
  contributions whose work fits — inviting grows participation.

Invitees are ranked by their best fit among the needs a reason names. An empty answer says
why (nobody outside the core reaches the floor, with the best score).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from indexing.settings import TeamSettings
from indexing.vectors.catalog import MemberInfo
from indexing.vectors.reader import CatalogView
from matcher.brief import CANDIDATES_PER_NEED, rank_brief_needs
from matcher.errors import top_out_of_range
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.languages import NeedLanguage
from matcher.needs import Need, ProjectRequest, need_evidence
from matcher.reach import Reach
from matcher.teams import (
    NeedEvidence,
    brief_needs,
    plan_team,
    relevance_table,
    with_profile_lines,
)

CORE_LEVELS = ("core", "active")
INVITEE_LEVELS = ("occasional", "peripheral", "transactional")
ReasonType = Literal["fills_gap", "adds_depth", "new_perspective", "grow_newcomer"]
REASON_TYPES: tuple[ReasonType, ...] = ("fills_gap", "adds_depth", "new_perspective",
                                        "grow_newcomer")
BRINGS = {"organisation_kind": "an organisation kind", "country": "a country",
          "language": "a language"}


@dataclass(frozen=True)
class Reason:
    """Why a member is worth inviting for one need: ``detail`` in English (API, CLI) and the
    figures it states, so that the page says it in the reader's language."""

    need: str
    type: ReasonType
    detail: str
    score: float  # the member's relevance on the need
    core_best: float | None = None  # fills_gap, adds_depth: the core's best on the need
    limit: float | None = None  # fills_gap: the coverage threshold; adds_depth: the margin
    brings: tuple[tuple[str, str], ...] = ()  # new_perspective: (organisation_kind | country
    # | language, value) the team lacks
    contributions: int | None = None  # grow_newcomer: the member's contributions

    def as_dict(self) -> dict[str, object]:
        """The reason and its figures (the API's and the CLI's), ``brings`` by kind."""
        return {**asdict(self), "brings": dict(self.brings)}


@dataclass(frozen=True)
class Invitation:
    member: MemberInfo
    score: float  # best relevance over the needs a reason names
    covers: tuple[str, ...]
    reasons: tuple[Reason, ...]
    evidence: tuple[NeedEvidence, ...]
    fits: tuple[float, ...]  # relevance on each need of the request (0 when not ranked)

    @property
    def reason(self) -> str:
        """The reasons as one sentence each."""
        return " ".join(r.detail for r in self.reasons)


@dataclass(frozen=True)
class InvitationResult:
    title: str
    needs: tuple[Need, ...]
    languages: tuple[NeedLanguage, ...]
    core_best: tuple[float, ...]  # per need: best relevance among core and active members
    team: tuple[str, ...]  # the team suggested for the same request (member ids)
    invitations: tuple[Invitation, ...]
    explanation: str | None  # why nobody is invited, when nobody is (``nobody.text``)
    nobody: Nobody | None = None  # the same, with its figures


@dataclass(frozen=True)
class Nobody:
    """Why nobody is invited: ``none_open`` (nobody outside the core is open to invitations
    for the request), ``below_floor`` (the best fit is under the fit ``floor``) or
    ``core_better`` (fits reach the floor, but the core covers those needs better and the team
    already brings what they would); ``member_id``, ``name``, ``score`` and ``need``: the best
    fit outside the core."""

    kind: Literal["none_open", "below_floor", "core_better"]
    floor: float
    member_id: str | None = None
    name: str | None = None
    score: float | None = None
    need: str | None = None

    @property
    def text(self) -> str:
        if self.kind == "none_open":
            return "no member outside the core is open to invitations for this request"
        if self.kind == "below_floor":
            return (f"nobody outside the core reaches the fit floor {self.floor:.2f} on any "
                    f"need; the best is {self.name} ({self.member_id}) at {self.score:.2f} on "
                    f"'{self.need}'")
        return (f"members outside the core reach the fit floor (best: {self.name} at "
                f"{self.score:.2f} on '{self.need}'), but the core covers every such need "
                "better by more than the depth margin and the suggested team already has their "
                "organisation kinds, countries and languages")


@dataclass(frozen=True)
class InviteRules:
    """The thresholds and what the suggested team already holds."""

    floor: float
    coverage_threshold: float
    depth_margin: float
    newcomer_max: int
    team_kinds: frozenset[str]
    team_countries: frozenset[str]
    team_languages: frozenset[str]


def may_invite(member: MemberInfo, today: dt.date | None = None) -> bool:
    """Outside the core, visible, open to invitations and not busy (until a day they gave)."""
    return (member.level in INVITEE_LEVELS and member.open_to_invitations
            and not member.hidden and not member.busy_on(today or dt.date.today()))


@dataclass(frozen=True)
class Candidate:
    """A member who may be invited, with their fit per need (need index -> relevance), their
    organisation's kind and how many contributions they have."""

    member: MemberInfo
    fits: Mapping[int, float]
    org_kind: str | None
    n_contributions: int


def invitation_reasons(candidate: Candidate, needs: Sequence[str], core_best: Sequence[float],
                       rules: InviteRules) -> list[Reason]:
    """Every reason that holds for this member (``fits``: need index -> relevance)."""
    member, fits = candidate.member, candidate.fits
    org_kind, n_contributions = candidate.org_kind, candidate.n_contributions
    above = sorted((i for i, s in fits.items() if s >= rules.floor), key=lambda i: -fits[i])
    if not above:
        return []
    out: list[Reason] = []
    for i in above:
        need, mine, core = needs[i], fits[i], core_best[i]
        shown, shown_core = round(mine, 4), round(core, 4)  # the figures the answer states
        if core < rules.coverage_threshold:
            out.append(Reason(need, "fills_gap", (
                f"core and active members reach only {shown_core:.2f} on '{need}' (coverage "
                f"threshold {rules.coverage_threshold:.2f}); {member.name} reaches "
                f"{shown:.2f}."), shown, shown_core, rules.coverage_threshold))
        elif mine >= core - rules.depth_margin:
            where = (f"above the core's best ({shown_core:.2f})" if shown > shown_core else
                     f"within {rules.depth_margin:.2f} of the core's best ({shown_core:.2f})")
            out.append(Reason(need, "adds_depth", (
                f"{member.name} reaches {shown:.2f} on '{need}', {where}: a second strong "
                "voice from outside the core."), shown, shown_core, rules.depth_margin))
    best = above[0]
    fit = round(fits[best], 4)
    brings: list[tuple[str, str]] = []
    if org_kind is not None and org_kind not in rules.team_kinds:
        brings.append(("organisation_kind", org_kind))
    if member.country not in rules.team_countries:
        brings.append(("country", member.country))
    new_langs = [x for x in member.languages if x not in rules.team_languages]
    if new_langs:
        brings.append(("language", new_langs[0]))
    if brings:
        said = ", ".join(f"{BRINGS[kind]} ({value.replace('_', ' ')})" for kind, value in brings)
        out.append(Reason(needs[best], "new_perspective", (
            f"{member.name} fits '{needs[best]}' ({fit:.2f}) and brings {said} that "
            "the suggested team lacks."), fit, brings=tuple(brings)))
    if member.level == "peripheral" and n_contributions <= rules.newcomer_max:
        out.append(Reason(needs[best], "grow_newcomer", (
            f"{member.name} is a newcomer ({n_contributions} contribution(s)) whose work fits "
            f"'{needs[best]}' ({fit:.2f}): inviting them grows participation."),
            fit, contributions=n_contributions))
    return out


def suggest_invitations(matcher: Matcher, request: ProjectRequest, access: Access,
                        top: int = 10, capped: frozenset[str] = frozenset()
                        ) -> InvitationResult:
    """Members outside the core to invite for a project, each with the reasons; members in
    ``capped`` (fair exposure, busy cool-down) come after every other invitee."""
    s = matcher.settings
    if not 1 <= top <= s.matching.max_top:
        raise top_out_of_range(s.matching.max_top)
    brief = brief_needs(matcher, request)  # text work, before the snapshot's read locks
    with matcher.snapshot() as snap:
        plan = plan_team(matcher, snap, request, access, brief, capped)
        needs, catalog, req = plan.needs, snap.catalog, plan.request
        core = rank_brief_needs(matcher, snap, needs, plan.languages,
                                Reach(req.filters(CORE_LEVELS), access, CANDIDATES_PER_NEED),
                                plan.vectors)
        outer = rank_brief_needs(matcher, snap, needs, plan.languages,
                                 Reach(req.filters(INVITEE_LEVELS), access, CANDIDATES_PER_NEED),
                                 plan.vectors)
        core_best = [b.score if (b := core.best(i)) else 0.0 for i in range(len(needs))]
        rules = invite_rules(catalog, plan.team_ids, s.teams)
        texts = [n.text for n in needs]
        table = relevance_table(outer)
        found = []
        for mid, row in table.items():
            info = catalog.members.get(mid)
            if info is None or not may_invite(info):
                continue
            org = catalog.organisations.get(info.organisation_id)
            candidate = Candidate(info, row, org.kind if org else None,
                                  len(catalog.member_contributions.get(mid, ())))
            reasons = invitation_reasons(candidate, texts, core_best, rules)
            if reasons:
                named = sorted({texts.index(r.need) for r in reasons})
                found.append((max(row[i] for i in named), mid, reasons, named))
        found.sort(key=lambda f: (f[1] in capped, -f[0], -len(f[2]), f[1]))
        found = found[:top]
        evidence = need_evidence(matcher, snap, outer,
                                 ((mid, i) for _, mid, _, idx in found for i in idx))
        invitations = tuple(Invitation(
            member=catalog.members[mid], score=round(score, 4),
            covers=tuple(texts[i] for i in idx), reasons=tuple(reasons),
            evidence=tuple(NeedEvidence(texts[i], e) for i in idx
                           for e in evidence.get((mid, i), ())),
            fits=tuple(round(table[mid].get(i, 0.0), 4) for i in range(len(texts))),
        ) for score, mid, reasons, idx in found)
        nobody = None if invitations else _why_nobody(table, catalog, texts,
                                                      s.teams.invite_fit_floor)
    invitations = tuple(with_profile_lines(matcher, invitations, plan))
    return InvitationResult(req.title, needs, plan.languages,
                            tuple(round(b, 4) for b in core_best), plan.team_ids,
                            invitations, nobody.text if nobody else None, nobody)


def invite_rules(catalog: CatalogView, team: Sequence[str], s: TeamSettings) -> InviteRules:
    """The thresholds from the settings, and what the suggested team already holds."""
    members = [catalog.members[m] for m in team]
    kinds = {o.kind for m in members
             if (o := catalog.organisations.get(m.organisation_id)) is not None}
    return InviteRules(
        floor=s.invite_fit_floor, coverage_threshold=s.team_coverage_threshold,
        depth_margin=s.invite_depth_margin, newcomer_max=s.invite_newcomer_max_contributions,
        team_kinds=frozenset(kinds), team_countries=frozenset(m.country for m in members),
        team_languages=frozenset(x for m in members for x in m.languages),
    )


def _why_nobody(table: Mapping[str, Mapping[int, float]], catalog: CatalogView,
                needs: Sequence[str], floor: float) -> Nobody:
    outer = [(sc, mid, i) for mid, row in table.items()
             if (m := catalog.members.get(mid)) is not None and may_invite(m)
             for i, sc in row.items()]
    if not outer:
        return Nobody("none_open", floor)
    score, mid, i = max(outer)
    return Nobody("below_floor" if score < floor else "core_better", floor, mid,
                  catalog.members[mid].name, round(score, 4), needs[i])
