"""Response models of the member's own routes (``routes/me.py``, issue #29)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from indexing.schema import LanguageCode, WrittenDate
from matcher.me import MyProfile, MyTopic, OwnContribution


class MePatch(BaseModel):
    """The member's choices (``PATCH /me`` and ``wellspring me set``); a field sent as null
    goes back to the default (the record's value, or the community's policy for consent); a
    field left out is unchanged."""

    model_config = ConfigDict(extra="forbid")

    open_to_invitations: StrictBool | None = None
    busy_until: WrittenDate | None = Field(None, description="Invitations skip you until this day")
    languages: list[LanguageCode] | None = Field(None, min_length=1, max_length=20)
    max_invitations_per_month: int | None = Field(
        None, ge=0, le=100, description="Counted on invitations a coordinator marked contacted")
    consent: Literal["in", "out"] | None = Field(
        None, description="in: you may be suggested to others; out: never named to anyone "
        "else; null: the community's default (WELLSPRING_CONSENT)")

    def changes(self) -> dict[str, object]:
        """The fields given, as the store keeps them."""
        return self.model_dump(exclude_unset=True, mode="json")


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



class OwnContributionOut(BaseModel):
    contribution_id: str
    title: str
    type: str
    space: str
    date: str
    used_for_matching: bool


class MyTopicOut(BaseModel):
    topic_id: str | None = Field(description="The knowledge map's topic; null for a topic in "
                                 "your own words")
    label: str
    search_query: str = Field(description="A need that finds this topic's people")
    status: str = Field(description="inferred | confirmed | rejected | pending")
    evidence: list[OwnContributionOut] = Field(description="Your contributions in this topic")


class MeMemberOut(BaseModel):
    member_id: str
    name: str
    organisation_id: str
    country: str
    level: str
    languages: list[str]
    topics: list[str]
    bio: str
    contact: str | None
    spaces: list[str] = Field(description="The spaces your contributions are in")


class AvailabilityOut(BaseModel):
    open_to_invitations: bool
    busy_until: str | None
    max_invitations_per_month: int | None
    languages: list[str]


class ConsentOut(BaseModel):
    choice: str | None = Field(description="in, out, or null: the community's default")
    policy: str = Field(description="opt_out: suggested unless you say no; opt_in: only if "
                        "you say yes")
    suggested_to_others: bool


class ExposureOut(BaseModel):
    days: int
    suggested: int = Field(description="Answers that named you")
    shown: int = Field(description="Times such an answer was shown to a person")
    contacted: int = Field(description="Times a coordinator marked you contacted")
    by_kind: dict[str, int]
    by_topic: dict[str, int] = Field(description="Topic id -> answers naming you whose first "
                                     "evidence of yours lies in that topic")


class MeOut(BaseModel):
    member: MeMemberOut
    topics: list[MyTopicOut]
    contributions: list[OwnContributionOut]
    availability: AvailabilityOut
    consent: ConsentOut
    exposure: ExposureOut


def _contribution(c: OwnContribution) -> OwnContributionOut:
    return OwnContributionOut(contribution_id=c.id, title=c.title, type=c.type, space=c.space,
                              date=c.date, used_for_matching=c.used)


def topic_out(t: MyTopic) -> MyTopicOut:
    return MyTopicOut(topic_id=t.topic_id, label=t.label, search_query=t.search_query,
                      status=t.status, evidence=[_contribution(c) for c in t.evidence])


def me_out(p: MyProfile) -> MeOut:
    m, say = p.member, p.choices
    return MeOut(
        member=MeMemberOut(member_id=m.id, name=m.name, organisation_id=m.organisation_id,
                           country=m.country, level=m.level.value, languages=list(m.languages),
                           topics=list(m.topics), bio=m.bio, contact=m.contact,
                           spaces=list(p.spaces)),
        topics=[topic_out(t) for t in p.topics],
        contributions=[_contribution(c) for c in p.contributions],
        availability=AvailabilityOut(
            open_to_invitations=(m.open_to_invitations if say.open_to_invitations is None
                                 else say.open_to_invitations),
            busy_until=say.busy_until, max_invitations_per_month=say.max_invitations_per_month,
            languages=list(m.languages if say.languages is None else say.languages)),
        consent=ConsentOut(choice=say.consent, policy=p.consent_policy,
                           suggested_to_others=p.suggested_to_others),
        exposure=ExposureOut(days=p.exposure.days, suggested=p.exposure.suggested,
                             shown=p.exposure.shown, contacted=p.exposure.contacted,
                             by_kind=dict(p.exposure.by_kind),
                             by_topic=dict(p.exposure.by_topic)),
    )
