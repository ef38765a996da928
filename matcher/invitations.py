"""Occasional experts to invite: people outside the core who fill what the core cannot.

For each need of a project, the core reference is the best relevance among ``core`` and
``active`` members (after the project's exclusions). A need is *poorly covered* when that best
score is under ``team_coverage_threshold``. Candidates are members at the ``occasional`` and
``peripheral`` levels and ``transactional`` outsiders who are open to invitations; hidden
members and members who opted out (``open_to_invitations = false``) are never candidates.

A candidate is suggested when their relevance for a poorly covered need reaches the threshold;
they are ranked by their best such relevance, and each comes with the reason: the need, how
well the core covers it, how well they match it (what they would add), and the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexing.vectors.catalog import MemberInfo
from matcher.errors import InvalidRequest
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.needs import (
    Need,
    NeedScores,
    ProjectRequest,
    encode_needs,
    need_evidence,
    project_needs,
    rank_needs,
)
from matcher.teams import NeedEvidence, relevance_table

CORE_LEVELS = ("core", "active")
INVITEE_LEVELS = ("occasional", "peripheral", "transactional")


@dataclass(frozen=True)
class Invitation:
    member: MemberInfo
    score: float  # best relevance over the poorly covered needs they fit
    covers: tuple[str, ...]
    reason: str
    evidence: tuple[NeedEvidence, ...]


@dataclass(frozen=True)
class InvitationResult:
    title: str
    needs: tuple[Need, ...]
    core_best: tuple[float, ...]  # per need: best relevance among core and active members
    invitations: tuple[Invitation, ...]


@dataclass(frozen=True)
class Candidate:
    member_id: str
    score: float
    needs: tuple[int, ...]


def may_invite(member: MemberInfo) -> bool:
    """Outside the core, visible, and open to invitations."""
    return (member.level in INVITEE_LEVELS and member.open_to_invitations
            and not member.hidden)


def rank_candidates(core_best: Sequence[float], relevance: Mapping[str, Mapping[int, float]],
                    members: Mapping[str, MemberInfo], threshold: float, top: int
                    ) -> list[Candidate]:
    """Invitable members that reach ``threshold`` on a need the core covers below it."""
    poor = {i for i, best in enumerate(core_best) if best < threshold}
    out = []
    for mid, scores in relevance.items():
        member = members.get(mid)
        if member is None or not may_invite(member):
            continue
        fits = sorted((i for i, s in scores.items() if i in poor and s >= threshold),
                      key=lambda i: -scores[i])
        if fits:
            out.append(Candidate(mid, scores[fits[0]], tuple(fits)))
    out.sort(key=lambda c: (-c.score, c.member_id))
    return out[:top]


def suggest_invitations(matcher: Matcher, request: ProjectRequest, access: Access,
                        top: int = 10) -> InvitationResult:
    """Members to invite for the needs that the core and active members cover poorly."""
    s = matcher.settings
    if not 1 <= top <= s.max_top:
        raise InvalidRequest("top", f"must be between 1 and {s.max_top}")
    with matcher.snapshot() as snap:
        catalog = snap.catalog
        request = request.validated(s, catalog)
        needs = project_needs(request.description, request.needs, s.team_max_needs,
                              s.max_query_chars)
        vectors = encode_needs(matcher, needs)
        core = rank_needs(matcher, snap, needs, vectors, request.filters(CORE_LEVELS), access)
        outer = rank_needs(matcher, snap, needs, vectors, request.filters(INVITEE_LEVELS),
                           access)
        core_best = [b.score if (b := core.best(i)) else 0.0 for i in range(len(needs))]
        threshold = s.team_coverage_threshold
        candidates = rank_candidates(core_best, relevance_table(outer), catalog.members,
                                     threshold, top)
        evidence = need_evidence(matcher, snap, outer, ((c.member_id, i) for c in candidates
                                                        for i in c.needs))
    invitations = []
    for c in candidates:
        info = catalog.members[c.member_id]
        items = tuple(NeedEvidence(needs[i].text, e) for i in c.needs
                      for e in evidence.get((c.member_id, i), ()))
        invitations.append(Invitation(
            member=info, score=round(c.score, 4), covers=tuple(needs[i].text for i in c.needs),
            reason=_reason(info, c, needs, core_best, outer, items, threshold),
            evidence=items,
        ))
    return InvitationResult(request.title, tuple(needs), tuple(round(b, 4) for b in core_best),
                            tuple(invitations))


def _reason(member: MemberInfo, candidate: Candidate, needs: Sequence[Need],
            core_best: Sequence[float], scores: NeedScores, evidence: tuple[NeedEvidence, ...],
            threshold: float) -> str:
    parts = []
    for i in candidate.needs:
        need = needs[i].text
        mine = scores.score(member.id, i)
        line = (f"'{need}' is covered poorly by core and active members (best "
                f"{core_best[i]:.2f}, threshold {threshold:.2f}); {member.name} "
                f"({member.level}) matches it at {mine:.2f}, adding {mine - core_best[i]:+.2f}")
        example = next((e.evidence for e in evidence if e.need == need), None)
        if example is not None:
            kind = example.type.replace("_", " ")
            line += f", e.g. {kind} '{example.title}' ({example.date[:4]})"
        else:
            line += ", from their profile"
        parts.append(line + ".")
    return " ".join(parts)
