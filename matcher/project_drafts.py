"""A project person's invitation draft (issue #31, item 2), from what the coordinator may see.

The reasons are the invitation's own (``invitations.py``: fills a gap, adds depth, a new
perspective, a newcomer to grow), found by asking the invitations again for the needs the person
was suggested for, without recording anything; a person who is not among them (a team member,
or one the rules no longer pick) is invited for the needs they cover. The titles behind each
reason are the person's contributions closest to that need among those the coordinator may see.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from indexing.errors import NotFound
from indexing.store.projects import Project, ProjectPerson
from matcher.drafts import Addressee, Draft, DraftReason, draft_language, invitation_draft
from matcher.feedback import Feedback
from matcher.me import own_work_closeness
from matcher.needs import ProjectRequest
from matcher.requests import Asker, InvitationsRequest, Tracking
from matcher.text_checks import check_printable

TITLES_PER_NEED = 2
UNTRACKED = Tracking(None, False, False)


@dataclasses.dataclass(frozen=True)
class DraftAsk:
    """What a draft is asked for: the person, the language (None: theirs) and the signature."""

    member_id: str
    language: str | None = None
    signature: str | None = None


def project_draft(answers: Feedback, project: Project, people: tuple[ProjectPerson, ...],
                  request: ProjectRequest, ask: DraftAsk, asker: Asker) -> Draft:
    """The draft for one person of the project (NotFound when they are not among its people,
    or may not be named to anyone)."""
    member_id = ask.member_id
    if ask.signature is not None:
        check_printable("signature", ask.signature, words=False)
    person = next((p for p in people if p.member_id == member_id), None)
    with answers.matcher.snapshot() as snap:
        member = snap.catalog.members.get(member_id)
    if person is None or member is None or member.hidden:
        raise NotFound("member", member_id, field="member_id")
    needs = person.covers or tuple(n.text for n in project.needs)
    asked = dataclasses.replace(request, needs=needs, exclude_members=frozenset(),
                                left_out=frozenset())
    found = answers.invitations(InvitationsRequest(asked, asker, UNTRACKED, 50))
    invitation = next((i for i in found.result.invitations if i.member.id == member_id), None)
    typed = ([(r.type, r.need) for r in invitation.reasons] if invitation is not None
             else [("fits", n) for n in needs])
    titles = _closest_titles(answers, member_id, [n for _, n in typed], asker)
    reasons = [DraftReason(t, n, titles.get(n, ())) for t, n in typed]
    contact = member.contact if asker.access.sees_contact_of(member_id) else None
    return invitation_draft(draft_language(ask.language, member.languages),
                            Addressee(member.name, contact), project.title,
                            [n.text for n in project.needs], reasons, ask.signature)


def _closest_titles(answers: Feedback, member_id: str, needs: list[str], asker: Asker
                    ) -> dict[str, tuple[str, ...]]:
    """For each need, the titles of the member's contributions closest to it (English model),
    among the contributions the asker may see."""
    matcher = answers.matcher
    wanted = list(dict.fromkeys(needs))
    if not wanted:
        return {}
    ids, sims = own_work_closeness(matcher, member_id, wanted, asker.access.may_see)
    if not ids:
        return {}
    found = matcher.community.store.get_contributions(ids)
    out = {}
    for i, need in enumerate(wanted):
        best = np.argsort(-sims[i])[:TITLES_PER_NEED]
        out[need] = tuple(found[ids[j]].title for j in best.tolist() if ids[j] in found)
    return out
