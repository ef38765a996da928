"""The member's own routes (issue #29): what Wellspring knows about them and their say over it.

Only a member may call them (a member key, or a member signed in: their session's writes carry
the CSRF token); each acts on the caller's own member and no other, so a member can neither read
nor change anyone else's corrections. Every change is audited (what changed, never values).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from api.auth import Caller, CallerDep, Forbidden, Unauthorized
from api.deps import SayDep
from api.me_schemas import (
    MatchingIn,
    MatchingOut,
    MeOut,
    MePatch,
    MyTopicOut,
    OwnTopicIn,
    TopicMark,
    me_out,
    topic_out,
)
from matcher.me import Me

router = APIRouter(tags=["me"])
MEMBER_ONLY: dict[int | str, dict[str, Any]] = {
    401: {"description": "No member key and no member session"},
    403: {"description": "A key or session that is not a member's"}}


def member_caller(caller: CallerDep) -> Caller:
    """The caller, who must be a member (their key or their session)."""
    if caller.key is None:
        raise Unauthorized("these routes are a member's own: sign in, or send a member key "
                           "(header X-API-Key)", "members_only")
    if caller.key.member_id is None:
        raise Forbidden("these routes are a member's own; this key or session is not a "
                        "member's (a coordinator sees members through /members)",
                        code="members_only")
    return caller


MemberDep = Annotated[Caller, Depends(member_caller)]


def _me(caller: Caller) -> Me:
    assert caller.key is not None and caller.key.member_id is not None
    return Me(caller.key.member_id, caller.key_id)


class ErasedOut(BaseModel):
    erased: bool
    removed: dict[str, int]


IdPath = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("/me", response_model=MeOut, responses=MEMBER_ONLY)
def me(caller: MemberDep, say: SayDep) -> MeOut:
    """What Wellspring knows about you: your record, the topics it infers for you with the
    contributions behind each, how often you were suggested, your choices."""
    return me_out(say.profile(_me(caller).member_id))


@router.patch("/me", response_model=MeOut, responses=MEMBER_ONLY)
def choose(caller: MemberDep, say: SayDep, body: MePatch) -> MeOut:
    """Set your availability, languages, invitations per month and consent."""
    return me_out(say.choose(_me(caller), body.changes()))


@router.put("/me/contributions/{contribution_id}/matching", response_model=MatchingOut,
            responses={**MEMBER_ONLY, 404: {"description": "Not one of your contributions"}})
def use_for_matching(caller: MemberDep, say: SayDep, contribution_id: IdPath,
                     body: MatchingIn) -> MatchingOut:
    """Count one of your contributions for matching, or not."""
    changed = say.use_for_matching(_me(caller), contribution_id, body.used)
    return MatchingOut(contribution_id=contribution_id, used=body.used, changed=changed)


@router.put("/me/topics/{topic_id}", response_model=MyTopicOut,
            responses={**MEMBER_ONLY, 404: {"description": "Not one of your inferred topics"}})
def mark_topic(caller: MemberDep, say: SayDep, topic_id: IdPath,
               body: TopicMark) -> MyTopicOut:
    """Confirm or reject a topic Wellspring infers for you; rejected, it stops you being
    suggested for needs that fall in it (docs/GUIDE.md)."""
    return topic_out(say.mark_topic(_me(caller), topic_id, body.status))


@router.post("/me/topics", response_model=MyTopicOut, status_code=201, responses=MEMBER_ONLY)
def add_topic(caller: MemberDep, say: SayDep, body: OwnTopicIn) -> MyTopicOut:
    """Add a topic in your own words (pending until your work supports it)."""
    return topic_out(say.add_topic(_me(caller), body.label))


@router.get("/me/export", responses=MEMBER_ONLY)
def export(caller: MemberDep, say: SayDep) -> dict[str, object]:
    """Everything stored about you, as JSON."""
    return say.export(_me(caller))


@router.delete("/me", response_model=ErasedOut, responses=MEMBER_ONLY)
def erase(caller: MemberDep, say: SayDep) -> ErasedOut:
    """Erase yourself: your record and every row about you; contributions you wrote alone go
    too, co-authored ones stay with your co-authors. The audit keeps that an erasure happened,
    not whose."""
    removed = say.erase(_me(caller))
    return ErasedOut(erased=True, removed=removed)
