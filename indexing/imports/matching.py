"""Linking the people a source names to members: ORCID iD, forum user name, then name.

Every decision is kept as a ``PersonMatch`` so the report can show each match with its score,
the near misses below the threshold (reported, never linked) and the people with no member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from indexing.imports.model import Person
from indexing.imports.names import name_score
from indexing.schema import Member

Method = Literal["orcid", "username", "name"]
AMBIGUITY_MARGIN = 1.0  # two members this close to the best score: not linked


@dataclass(frozen=True)
class PersonMatch:
    """What became of one person: linked to a member, or why not."""

    person: Person
    member_id: str | None  # the linked member; None when not linked
    candidate_id: str | None  # the best member found (linked or not)
    candidate_name: str | None
    score: float  # 100 for an ORCID iD or a mapped user name
    method: Method | None
    outcome: Literal["linked", "below_threshold", "ambiguous", "unmatched"]

    def describe(self) -> str:
        who = f"'{self.person.label}'"
        cand = f"{self.candidate_name} ({self.candidate_id})"
        if self.outcome == "linked":
            return f"{who} -> {cand} by {self.method}, score {self.score:.1f}"
        if self.outcome == "below_threshold":
            return f"{who}: best {cand} scores {self.score:.1f}, below the threshold; not linked"
        if self.outcome == "ambiguous":
            return f"{who}: several members score {self.score:.1f} (e.g. {cand}); not linked"
        return f"{who}: no member"


class MemberMatcher:
    """Members by ORCID iD, forum user name and name; ``match`` decides for one person."""

    def __init__(self, members: Iterable[Member], threshold: float,
                 usernames: dict[str, str] | None = None) -> None:
        self.threshold = threshold
        self.members: dict[str, Member] = {}
        self.by_orcid: dict[str, str] = {}
        self.usernames = {k.lower(): v for k, v in (usernames or {}).items()}
        self._cache: dict[Person, PersonMatch] = {}
        for m in members:
            self.add(m)

    def add(self, member: Member) -> None:
        """Make a member known (e.g. one the import creates)."""
        self.members[member.id] = member
        if member.orcid:
            self.by_orcid[member.orcid] = member.id
        self._cache.clear()

    def match(self, person: Person) -> PersonMatch:
        if person not in self._cache:
            self._cache[person] = self._decide(person)
        return self._cache[person]

    def _decide(self, person: Person) -> PersonMatch:
        if person.orcid and person.orcid in self.by_orcid:
            return self._linked(person, self.by_orcid[person.orcid], 100.0, "orcid")
        if person.username is not None:
            mapped = self.usernames.get(person.username.lower())
            if mapped in self.members:
                return self._linked(person, mapped, 100.0, "username")
            return PersonMatch(person, None, None, None, 0.0, None, "unmatched")
        if not person.name:
            return PersonMatch(person, None, None, None, 0.0, None, "unmatched")
        scored = sorted(((name_score(person.name, m.name), mid)
                         for mid, m in self.members.items()), reverse=True)
        if not scored or scored[0][0] <= 0:
            return PersonMatch(person, None, None, None, 0.0, None, "unmatched")
        best, best_id = scored[0]
        name = self.members[best_id].name
        if best < self.threshold:
            if best < self.threshold - 25:  # nobody close: no candidate worth showing
                return PersonMatch(person, None, best_id, name, best, "name", "unmatched")
            return PersonMatch(person, None, best_id, name, best, "name", "below_threshold")
        if len(scored) > 1 and best - scored[1][0] < AMBIGUITY_MARGIN:
            return PersonMatch(person, None, best_id, name, best, "name", "ambiguous")
        return self._linked(person, best_id, best, "name")

    def _linked(self, person: Person, member_id: str, score: float, method: Method
                ) -> PersonMatch:
        return PersonMatch(person, member_id, member_id, self.members[member_id].name, score,
                           method, "linked")
