"""Why a project's person is missing from its new suggestion (matcher/project_missing.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from indexing.store.projects import ProjectPerson
from indexing.vectors.catalog import MemberInfo
from matcher.project_missing import MISSING_REASONS, Holds, missing_people

TODAY = dt.date(2026, 12, 7)


def member(mid: str, **changes: object) -> MemberInfo:
    base = MemberInfo(mid, f"Name {mid}", "org", "Org", "SN", "occasional", ("fr",), (), True,
                      False, None)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def person(mid: str, status: str = "suggested", role: str = "team") -> ProjectPerson:
    return ProjectPerson(mid, status, "", role, (), None, "2026-12-01T10:00:00+00:00")  # type: ignore[arg-type]


def test_each_reason_first_that_applies() -> None:
    members = {
        "declined": member("declined"), "not-relevant": member("not-relevant"),
        "busy-here": member("busy-here", busy_until=TODAY + dt.timedelta(days=3)),
        "withdrawn": member("withdrawn"), "cooldown": member("cooldown"),
        "busy": member("busy", busy_until=TODAY), "limit": member("limit"),
        "closed": member("closed", open_to_invitations=False), "plain": member("plain"),
        "past-busy": member("past-busy", busy_until=TODAY - dt.timedelta(days=1)),
        "accepted": member("accepted"), "again": member("again"),
        "hidden": member("hidden", hidden=True),
    }
    people = [person("declined", "declined_not_my_field"), person("not-relevant", "not_relevant"),
              person("busy-here", "declined_busy"), person("withdrawn", "withdrawn"),
              person("cooldown", "contacted"), person("busy", "shortlisted"),
              person("limit", "contacted", "invitation"), person("closed", role="invitation"),
              person("plain"), person("past-busy"), person("accepted", "accepted"),
              person("again"), person("hidden"), person("gone")]
    holds = Holds(cooldown={"cooldown", "busy"}, monthly_limit={"limit", "cooldown"})
    out = missing_people(people, {"again"}, members, holds, TODAY)
    got = {m.member.id: (m.reason, m.until, m.status, m.role) for m in out}
    assert got == {
        "declined": ("declined", None, "declined_not_my_field", "team"),
        "not-relevant": ("declined", None, "not_relevant", "team"),
        "busy-here": ("declined", None, "declined_busy", "team"),
        "withdrawn": ("withdrawn", None, "withdrawn", "team"),
        "cooldown": ("cooldown", None, "contacted", "team"),
        "busy": ("cooldown", None, "shortlisted", "team"),  # the cool-down comes first
        "limit": ("monthly_limit", None, "contacted", "invitation"),
        "closed": ("closed_to_invitations", None, "suggested", "invitation"),
        "plain": ("not_chosen", None, "suggested", "team"),
        "past-busy": ("not_chosen", None, "suggested", "team"),
    }
    # accepted people stay, suggested ones are there, hidden or deleted ones are not named
    assert [m.member.id for m in out] == list(got)
    assert {m.reason for m in out} <= set(MISSING_REASONS)


def test_busy_until_gives_the_day() -> None:
    members = {"b": member("b", busy_until=TODAY + dt.timedelta(days=30))}
    out = missing_people([person("b")], set(), members, Holds(set(), set()), TODAY)
    assert [(m.reason, m.until) for m in out] == [("busy_until", TODAY + dt.timedelta(days=30))]
