"""Linking the people a source names to members: the member the caller named, ORCID iD, forum
user name, then name.

A name links only with agreement beyond the string (``names.names_agree``: same surname,
consistent given names), or, when the names are alike but that check fails, a co-author of
the same work already linked who has written with that member before. Every decision is kept
as a ``PersonMatch`` so the report shows each match with its score, the near misses
(candidates for a coordinator, never linked) and the people with no member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from indexing.imports.model import Person
from indexing.imports.names import name_score, name_tokens, names_agree
from indexing.schema import Member

Method = Literal["member", "orcid", "username", "name", "coauthor", "created"]
Outcome = Literal["linked", "candidate", "ambiguous", "unmatched", "created"]
AMBIGUITY_MARGIN = 1.0  # two members this close to the best score: not linked
CANDIDATE_MARGIN = 25.0  # below the threshold by more: nobody worth showing


@dataclass(frozen=True)
class PersonMatch:
    """What became of one person: linked to a member, or why not."""

    person: Person
    member_id: str | None  # the linked (or created) member; None when not linked
    candidate_id: str | None  # the best existing member found (linked or not)
    candidate_name: str | None
    score: float  # 100 for an ORCID iD, a named member or a mapped user name
    method: Method | None
    outcome: Outcome

    def describe(self) -> str:
        who = f"'{self.person.label}'"
        cand = f"{self.candidate_name} ({self.candidate_id})"
        if self.outcome == "linked":
            return f"{who} -> {cand} by {self.method}, score {self.score:.1f}"
        if self.outcome == "candidate":
            return (f"{who}: candidate {cand}, score {self.score:.1f}; not linked (the names "
                    "do not agree beyond their spelling, or score below the threshold)")
        if self.outcome == "ambiguous":
            return f"{who}: several members score {self.score:.1f} (e.g. {cand}); not linked"
        if self.outcome == "created":
            near = f"; nearest member {cand}, score {self.score:.1f}, to review" \
                if self.candidate_id else ""
            return f"{who} -> new member {self.member_id}{near}"
        return f"{who}: no member"


class MemberMatcher:
    """Members by id, ORCID iD, forum user name and name; ``match`` decides for one person,
    ``confirm_by_coauthors`` revisits a work's candidates once its other people are known."""

    def __init__(self, members: Iterable[Member], threshold: float,
                 usernames: dict[str, str] | None = None,
                 coauthors: dict[str, set[str]] | None = None) -> None:
        self.threshold = threshold
        self.members: dict[str, Member] = {}
        self.by_orcid: dict[str, str] = {}
        self.usernames = {k.lower(): v for k, v in (usernames or {}).items()}
        self.coauthors = coauthors or {}  # member -> members they share a contribution with
        self._by_token: dict[str, set[str]] = {}  # name token -> members whose name has it
        self._cache: dict[Person, PersonMatch] = {}
        for m in members:
            self.add(m)

    def add(self, member: Member) -> None:
        """Make a member known (e.g. one the import creates)."""
        self.members[member.id] = member
        if member.orcid:
            self.by_orcid[member.orcid] = member.id
        for token in name_tokens(member.name):
            if len(token) > 1:
                self._by_token.setdefault(token, set()).add(member.id)
        self._cache.clear()

    def _sharing_a_name(self, name: str) -> set[str]:
        """Members whose name shares a word with this one: the only ones a name can match
        (scoring every member for every author would grow with the square of an import)."""
        return {mid for t in name_tokens(name) if len(t) > 1 for mid in self._by_token.get(t, ())}

    def match(self, person: Person) -> PersonMatch:
        if person not in self._cache:
            self._cache[person] = self._decide(person)
        return self._cache[person]

    def confirm_by_coauthors(self, decisions: list[PersonMatch]) -> list[PersonMatch]:
        """A candidate whose names are alike enough (at or above the threshold) is linked when
        another person of the same work is linked to a member it has written with."""
        linked = {d.member_id for d in decisions if d.outcome == "linked" and d.member_id}
        out = []
        for d in decisions:
            if d.outcome == "candidate" and d.candidate_id and d.score >= self.threshold and \
                    self.coauthors.get(d.candidate_id, set()) & (linked - {d.candidate_id}):
                d = replace(d, member_id=d.candidate_id, method="coauthor", outcome="linked")
            out.append(d)
        return out

    def _decide(self, person: Person) -> PersonMatch:
        if person.member_id is not None and person.member_id in self.members:
            return self._linked(person, person.member_id, 100.0, "member")
        if person.orcid and person.orcid in self.by_orcid:
            return self._linked(person, self.by_orcid[person.orcid], 100.0, "orcid")
        if person.username is not None:
            mapped = self.usernames.get(person.username.lower())
            if mapped in self.members:
                return self._linked(person, mapped, 100.0, "username")
            return PersonMatch(person, None, None, None, 0.0, None, "unmatched")
        if not person.name:
            return PersonMatch(person, None, None, None, 0.0, None, "unmatched")
        scored = sorted(((name_score(person.name, self.members[mid].name), mid)
                         for mid in self._sharing_a_name(person.name)), reverse=True)
        if not scored or scored[0][0] < self.threshold - CANDIDATE_MARGIN:
            return PersonMatch(person, None, None, None, 0.0, None, "unmatched")
        best, best_id = scored[0]
        name = self.members[best_id].name
        if best < self.threshold or not names_agree(person.name, name):
            return PersonMatch(person, None, best_id, name, best, "name", "candidate")
        if len(scored) > 1 and best - scored[1][0] < AMBIGUITY_MARGIN:
            return PersonMatch(person, None, best_id, name, best, "name", "ambiguous")
        return self._linked(person, best_id, best, "name")

    def _linked(self, person: Person, member_id: str, score: float, method: Method
                ) -> PersonMatch:
        return PersonMatch(person, member_id, member_id, self.members[member_id].name, score,
                           method, "linked")
