"""The member's own routes (issue #29): what Wellspring knows about them and their say over it.

Only a member may call them (a member key, or a member signed in: their session's writes carry
the CSRF token); each acts on the caller's own member and no other, so a member can neither read
nor change anyone else's corrections. Every change is audited (what changed, never values).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.auth import Caller, CallerDep, Forbidden, KeysDep, Unauthorized
from api.deps import SayDep
from api.me_schemas import MeOut, MyTopicOut, me_out, topic_out
from indexing.schema import LanguageCode

router = APIRouter(tags=["me"])
MEMBER_ONLY: dict[int | str, dict[str, Any]] = {
    401: {"description": "No member key and no member session"},
    403: {"description": "A key or session that is not a member's"}}


def member_caller(caller: CallerDep) -> Caller:
    """The caller, who must be a member (their key or their session)."""
    if caller.key is None:
        raise Unauthorized("these routes are a member's own: sign in, or send a member key "
                           "(header X-API-Key)")
    if caller.key.member_id is None:
        raise Forbidden("these routes are a member's own; this key or session is not a "
                        "member's (a coordinator sees members through /members)")
    return caller


MemberDep = Annotated[Caller, Depends(member_caller)]


def _mid(caller: Caller) -> str:
    assert caller.key is not None and caller.key.member_id is not None
    return caller.key.member_id


class MePatch(BaseModel):
    """The member's choices; a field sent as null goes back to the default (the record's value,
    or the community's policy for consent); a field left out is unchanged."""

    model_config = ConfigDict(extra="forbid")

    open_to_invitations: StrictBool | None = None
    busy_until: dt.date | None = Field(None, description="Invitations skip you until this day")
    languages: list[LanguageCode] | None = Field(None, min_length=1, max_length=20)
    max_invitations_per_month: int | None = Field(
        None, ge=0, le=100, description="Counted on invitations a coordinator marked contacted")
    consent: Literal["in", "out"] | None = Field(
        None, description="in: you may be suggested to others; out: never named to anyone "
        "else; null: the community's default (WELLSPRING_CONSENT)")


class MatchingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    used: StrictBool = Field(description="false: this contribution no longer counts as your "
                             "evidence or for your ranking (it stays in the store and its space)")


class MatchingOut(BaseModel):
    contribution_id: str
    used: bool
    changed: bool


class TopicMark(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["confirmed", "rejected"]


class OwnTopicIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=100, pattern=r"\S",
                       description="A topic in your own words: pending until a contribution of "
                       "yours supports it, then used for ranking")


class ErasedOut(BaseModel):
    erased: bool
    removed: dict[str, int]


IdPath = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("/me", response_model=MeOut, responses=MEMBER_ONLY)
def me(caller: MemberDep, say: SayDep) -> MeOut:
    """What Wellspring knows about you: your record, the topics it infers for you with the
    contributions behind each, how often you were suggested, your choices."""
    return me_out(say.profile(_mid(caller)))


@router.patch("/me", response_model=MeOut, responses=MEMBER_ONLY)
def choose(caller: MemberDep, say: SayDep, keys: KeysDep, body: MePatch) -> MeOut:
    """Set your availability, languages, invitations per month and consent."""
    changes = body.model_dump(exclude_unset=True, mode="json")
    profile = say.choose(_mid(caller), changes)
    keys.audit(caller.key_id, "choose", "member", [_mid(caller)], {"fields": sorted(changes)})
    return me_out(profile)


@router.put("/me/contributions/{contribution_id}/matching", response_model=MatchingOut,
            responses={**MEMBER_ONLY, 404: {"description": "Not one of your contributions"}})
def use_for_matching(caller: MemberDep, say: SayDep, keys: KeysDep, contribution_id: IdPath,
                     body: MatchingIn) -> MatchingOut:
    """Count one of your contributions for matching, or not."""
    changed = say.use_for_matching(_mid(caller), contribution_id, body.used)
    if changed:
        keys.audit(caller.key_id, "matching", "member", [_mid(caller)],
                   {"contribution_id": contribution_id, "used": body.used})
    return MatchingOut(contribution_id=contribution_id, used=body.used, changed=changed)


@router.put("/me/topics/{topic_id}", response_model=MyTopicOut,
            responses={**MEMBER_ONLY, 404: {"description": "Not one of your inferred topics"}})
def mark_topic(caller: MemberDep, say: SayDep, keys: KeysDep, topic_id: IdPath,
               body: TopicMark) -> MyTopicOut:
    """Confirm or reject a topic Wellspring infers for you; rejected, it stops you being
    suggested for needs that fall in it (docs/GUIDE.md)."""
    topic = say.mark_topic(_mid(caller), topic_id, body.status)
    keys.audit(caller.key_id, "topic", "member", [_mid(caller)],
               {"topic_id": topic_id, "status": body.status})
    return topic_out(topic)


@router.post("/me/topics", response_model=MyTopicOut, status_code=201, responses=MEMBER_ONLY)
def add_topic(caller: MemberDep, say: SayDep, keys: KeysDep, body: OwnTopicIn) -> MyTopicOut:
    """Add a topic in your own words (pending until your work supports it)."""
    topic = say.add_topic(_mid(caller), body.label)
    keys.audit(caller.key_id, "topic", "member", [_mid(caller)], {"status": topic.status})
    return topic_out(topic)


@router.get("/me/export", responses=MEMBER_ONLY)
def export(caller: MemberDep, say: SayDep, keys: KeysDep) -> dict[str, object]:
    """Everything stored about you, as JSON."""
    keys.audit(caller.key_id, "export", "member", [_mid(caller)])
    return say.export(_mid(caller))


@router.delete("/me", response_model=ErasedOut, responses=MEMBER_ONLY)
def erase(caller: MemberDep, say: SayDep, keys: KeysDep) -> ErasedOut:
    """Erase yourself: your record and every row about you; contributions you wrote alone go
    too, co-authored ones stay with your co-authors. The audit keeps that an erasure happened,
    not whose."""
    removed = say.erase(_mid(caller))
    keys.audit("erased", "erase", "member", [], {"rows": sum(removed.values())})
    return ErasedOut(erased=True, removed=removed)
