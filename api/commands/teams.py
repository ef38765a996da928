"""team, invite, similar: collaborators for a project, experts to invite, and peers."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from api.commands.common import (
    CliError,
    add_key_argument,
    asker_of,
    load_settings,
    open_answers,
    print_json,
)

if TYPE_CHECKING:
    from indexing.vectors.catalog import MemberInfo
    from matcher.languages import NeedLanguage
    from matcher.needs import Need, ProjectRequest
    from matcher.teams import NeedEvidence


def register(sub: Any) -> None:
    p = sub.add_parser("team", help="suggest a team of collaborators for a project")
    _project_arguments(p)
    p.add_argument("--size", type=int, default=None, help="team size (default: setting team_size)")
    p.add_argument("--max-per-organisation", type=int, default=None)
    p.add_argument("--max-per-country", type=int, default=None)
    p.set_defaults(func=cmd_team)

    p = sub.add_parser("invite", help="occasional experts to invite for a project's needs")
    _project_arguments(p)
    p.add_argument("--top", type=int, default=10)
    p.set_defaults(func=cmd_invite)

    p = sub.add_parser("similar", help="members who work on the same things as a member")
    p.add_argument("member_id")
    p.add_argument("--top", type=int, default=10)
    add_key_argument(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)


def _project_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("title")
    p.add_argument("--description", default="", help="free text; needs are derived from it "
                                                     "when no --needs is given")
    p.add_argument("--needs", action="append", default=[], metavar="NEED",
                   help="one need (repeatable)")
    p.add_argument("--exclude-member", action="append", default=[], metavar="ID")
    p.add_argument("--exclude-organisation", action="append", default=[], metavar="ID")
    p.add_argument("--exclude-country", action="append", default=[], metavar="ISO")
    p.add_argument("--project", default=None, metavar="ID",
                   help="the caller's project: members declined for it are left out (needs a "
                        "key)")
    add_key_argument(p)
    p.add_argument("--json", action="store_true")


def _request(args: argparse.Namespace) -> ProjectRequest:
    from matcher.needs import ProjectRequest

    if not args.title.strip():
        raise CliError("title: is empty")
    if not args.needs and not args.description.strip():
        raise CliError("description: is empty and no --needs are given")
    return ProjectRequest(
        title=args.title, description=args.description,
        needs=tuple(args.needs) if args.needs else None, size=getattr(args, "size", None),
        exclude_members=frozenset(getattr(args, "exclude_member", ())),
        exclude_organisations=frozenset(getattr(args, "exclude_organisation", ())),
        exclude_countries=frozenset(getattr(args, "exclude_country", ())),
        max_per_organisation=getattr(args, "max_per_organisation", None),
        max_per_country=getattr(args, "max_per_country", None),
    )


def member_fields(m: MemberInfo) -> dict[str, Any]:
    return {"member_id": m.id, "name": m.name, "organisation": m.organisation_name,
            "organisation_id": m.organisation_id, "country": m.country, "level": m.level}


def evidence_list(items: tuple[NeedEvidence, ...]) -> list[dict[str, Any]]:
    return [{"need": x.need, "contribution_id": x.evidence.contribution_id,
             "title": x.evidence.title, "type": x.evidence.type, "date": x.evidence.date,
             "language": x.evidence.language, "score": x.evidence.score,
             "snippet": x.evidence.snippet, "kind": x.evidence.kind} for x in items]


def cmd_team(args: argparse.Namespace) -> int:
    from matcher.requests import TeamRequest
    from matcher.teams import covered_needs

    project = _request(args)
    settings = load_settings()
    _check_size(args.size, settings.teams.max_team_size)
    answers = open_answers(settings)
    asker = asker_of(args, answers.community_store())
    result = answers.team(TeamRequest.of(project, asker, settings, args.project)).result
    if args.json:
        print_json({
            "title": result.title,
            "needs": needs_list(result.needs, result.languages),
            "team": [{**member_fields(t.member), "score": t.score, "covers": list(t.covers),
                      "evidence": evidence_list(t.evidence)} for t in result.team],
            "coverage": [{"need": c.need, "covered_by": list(c.covered_by),
                          "best_score": c.best_score} for c in result.coverage],
            "gaps": [{"need": g.need, "best_score": g.best_score,
                      "best_member_id": g.best_member_id} for g in result.gaps],
            "spread": {"organisations": result.organisations, "countries": result.countries},
            "shortfall": result.shortfall.as_dict() if result.shortfall else None,
            "alternates": [{**member_fields(a.member), "score": a.score,
                            "covers": list(covered_needs(a, result.needs)), "cost": a.cost,
                            "widens": list(a.widens)} for a in result.alternates],
            "count": len(result.team),
        })
        return 0
    print_needs(result.needs, result.languages)
    for rank, t in enumerate(result.team, start=1):
        m = t.member
        print(f"{rank:2}. {t.score:.3f}  {m.name} — {m.organisation_name}, {m.country} "
              f"[{m.level}]  ({m.id})\n      covers: {'; '.join(t.covers)}")
        for e in t.evidence[:3]:
            shown = (f"“{e.evidence.snippet}”" if e.evidence.kind == "profile"
                     else e.evidence.title)
            print(f"      {e.evidence.score:.3f} {e.evidence.type:<18} {shown}")
    for g in result.gaps:
        print(f"gap: '{g.need}' (best in the community {g.best_score:.3f}"
              f"{', ' + g.best_member_id if g.best_member_id else ''})")
    if result.shortfall is not None:
        print(f"smaller than asked: {result.shortfall.reason}")
    for a in result.alternates:
        m = a.member
        print(f"alternate: {m.name} — {m.organisation_name}, {m.country} ({m.id}), "
              f"{a.score:.3f}: another {' and '.join(a.widens)}, covers "
              f"{'; '.join(covered_needs(a, result.needs))}, {weakest(a.cost)}")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from matcher.requests import InvitationsRequest

    project = _request(args)
    settings = load_settings()
    answers = open_answers(settings)
    asker = asker_of(args, answers.community_store())
    result = answers.invitations(InvitationsRequest.of(project, asker, settings, args.top,
                                                       args.project)).result
    if args.json:
        print_json({
            "title": result.title,
            "needs": needs_list(result.needs, result.languages),
            "team": list(result.team),
            "count": len(result.invitations),
            "invitations": [{**member_fields(i.member), "score": i.score,
                             "covers": list(i.covers),
                             "reasons": [r.as_dict() for r in i.reasons], "reason": i.reason,
                             "evidence": evidence_list(i.evidence)}
                            for i in result.invitations],
            "explanation": result.explanation,
            "nobody": result.nobody.__dict__ if result.nobody else None,
        })
        return 0
    print_needs(result.needs, result.languages)
    if not result.invitations:
        print(f"nobody to invite: {result.explanation}")
    for rank, i in enumerate(result.invitations, start=1):
        m = i.member
        print(f"{rank:2}. {i.score:.3f}  {m.name} — {m.organisation_name}, {m.country} "
              f"[{m.level}]  ({m.id})")
        for r in i.reasons:
            print(f"      [{r.type}] {r.detail}")
    return 0


def weakest(cost: float) -> str:
    """An alternate's relevance against the team's weakest member, as the page says it."""
    return (f"{cost:.3f} below the team's weakest" if cost > 0
            else f"{abs(cost):.3f} above the team's weakest")


def needs_list(needs: tuple[Need, ...], languages: tuple[NeedLanguage, ...]
               ) -> list[dict[str, Any]]:
    return [{"need": n.text, "derived": n.derived, "part_of": n.part_of,
             "detected_language": lang.code, "language_route": lang.route}
            for n, lang in zip(needs, languages, strict=True)]


def print_needs(needs: tuple[Need, ...], languages: tuple[NeedLanguage, ...]) -> None:
    print("needs:" + "".join(
        f"\n  - {n.text}{_how(n)} [{lang.code or 'unknown'}]"
        for n, lang in zip(needs, languages, strict=True)))


def _how(need: Need) -> str:
    if need.part_of:
        return f" (usual part of {need.part_of})"
    return " (derived)" if need.derived else ""


def cmd_similar(args: argparse.Namespace) -> int:
    from matcher.requests import SimilarRequest

    settings = load_settings()
    answers = open_answers(settings)
    asker = asker_of(args, answers.community_store())
    peers = answers.similar(SimilarRequest(args.member_id, asker, args.top))
    if args.json:
        print_json({"member_id": args.member_id, "count": len(peers),
                    "results": [{**member_fields(p.member), "score": p.score} for p in peers]})
        return 0
    for rank, p in enumerate(peers, start=1):
        m = p.member
        print(f"{rank:2}. {p.score:.3f}  {m.name} — {m.organisation_name}, {m.country} "
              f"[{m.level}]  ({m.id})")
    print(f"({len(peers)} members)", file=sys.stderr)
    return 0


def _check_size(size: int | None, maximum: int) -> None:
    """Fail before loading the model on a size that can never be valid."""
    if size is not None and not 1 <= size <= maximum:
        raise CliError(f"size: must be between 1 and {maximum}")
