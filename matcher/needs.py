"""A project's needs: the caller's explicit list, or phrases derived from the description.

Explicit needs are cleaned (white space, duplicates) and checked (count, length). Without them,
the needs are derived from the description by matcher.need_derivation (rules per language in
matcher.need_rules) and flagged ``derived=True``. The module also holds the request type for
teams and invitations and the per-need rankings they are computed from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from indexing.settings import TeamSettings
from indexing.vectors.catalog import MemberInfo
from indexing.vectors.reader import CatalogView
from matcher.errors import InvalidRequest, between
from matcher.experts import Evidence, ExpertMatch, Matcher, RankedMember, Snapshot
from matcher.filters import Access, SearchFilters
from matcher.glossary import Glossary
from matcher.languages import NeedLanguage
from matcher.need_derivation import dedupe, derive_needs  # noqa: F401 (re-exported)
from matcher.need_expertise import derive_brief_needs
from matcher.query_vectors import QueryVectors
from matcher.reach import Reach
from matcher.text_checks import check_countries, check_printable


@dataclass(frozen=True)
class Need:
    """One thing the project needs; ``derived`` when it was taken from the description, then
    with the sentence it came from (``source``); ``part_of`` when it was not read there but is
    a usual part of the work that sentence names (matcher.need_parts; the work's English name)."""

    text: str
    derived: bool
    source: str | None = None
    part_of: str | None = None


@dataclass(frozen=True)
class ProjectRequest:
    """A project looking for people: what teams and invitations are computed from."""

    title: str
    description: str = ""
    needs: tuple[str, ...] | None = None
    size: int | None = None  # None: the ``team_size`` setting
    exclude_members: frozenset[str] = field(default_factory=frozenset)
    exclude_organisations: frozenset[str] = field(default_factory=frozenset)
    exclude_countries: frozenset[str] = field(default_factory=frozenset)
    max_per_organisation: int | None = None  # None: the ``team_max_per_organisation`` setting
    max_per_country: int | None = None  # None: the ``team_max_per_country`` setting
    # members the service itself leaves out (declined for the project, at their monthly limit,
    # already answered for): never checked, since one may have left or opted out meanwhile and
    # is then simply not there to suggest (``exclude_members`` is the caller's, checked)
    left_out: frozenset[str] = field(default_factory=frozenset)

    def validated(self, settings: TeamSettings, catalog: CatalogView) -> ProjectRequest:
        """This request with defaults filled in; InvalidRequest names the first bad field."""
        self.check_title()
        size = settings.team_size if self.size is None else self.size
        if not 1 <= size <= settings.max_team_size:
            raise between("size", 1, settings.max_team_size)
        for name, cap in (("max_per_organisation", self.max_per_organisation),
                          ("max_per_country", self.max_per_country)):
            if cap is not None and not 1 <= cap <= settings.max_team_size:
                raise between(name, 1, settings.max_team_size)
        for mid in sorted(self.exclude_members):  # a hidden member is as unknown as any
            if (member := catalog.members.get(mid)) is None or member.hidden:
                raise InvalidRequest("exclude_members", f"unknown member '{mid}'", "unknown",
                                     {"value": mid})
        for oid in sorted(self.exclude_organisations):
            if oid not in catalog.organisations:
                raise InvalidRequest("exclude_organisations", f"unknown organisation '{oid}'",
                                     "unknown", {"value": oid})
        countries = frozenset(c.strip().upper() for c in self.exclude_countries)
        check_countries("exclude_countries", sorted(countries))
        return ProjectRequest(
            title=self.title.strip(), description=self.description, needs=self.needs,
            size=size, exclude_members=self.exclude_members,
            exclude_organisations=self.exclude_organisations, exclude_countries=countries,
            max_per_organisation=self.max_per_organisation or settings.team_max_per_organisation,
            max_per_country=self.max_per_country or settings.team_max_per_country,
            left_out=self.left_out,
        )

    def check_title(self) -> None:
        """InvalidRequest naming ``title`` when it is empty, or the first of title,
        description and needs that is not printable text (checked before needs are derived)."""
        if not self.title or not check_printable("title", self.title).strip():
            raise InvalidRequest("title", "is empty", "empty")
        check_printable("description", self.description, words=False)
        for text in self.needs or ():
            check_printable("needs", text)

    def filters(self, levels: tuple[str, ...] = ()) -> SearchFilters:
        return SearchFilters(levels=levels, exclude_members=self.exclude_members | self.left_out,
                             exclude_organisations=self.exclude_organisations,
                             exclude_countries=self.exclude_countries)


@dataclass(frozen=True)
class NeedScores:
    """How members score on each need: one ranking (member id -> RankedMember) per need."""

    needs: tuple[Need, ...]
    ranked: tuple[dict[str, RankedMember], ...]

    def score(self, member_id: str, need: int) -> float:
        r = self.ranked[need].get(member_id)
        return r.score if r is not None else 0.0

    def best(self, need: int) -> RankedMember | None:
        return max(self.ranked[need].values(), key=lambda r: (r.score, r.member_id), default=None)

    def member_ids(self) -> set[str]:
        return {mid for ranking in self.ranked for mid in ranking}


CANDIDATES_PER_NEED = 50


def encode_needs(matcher: Matcher, needs: list[Need]) -> npt.NDArray[np.float32]:
    """All needs in one ``encode_queries`` call (one batch through the model)."""
    return matcher.community.encoder.encode_queries([n.text for n in needs])


def rank_needs(matcher: Matcher, snap: Snapshot, needs: list[Need],
               vectors: npt.NDArray[np.float32], filters: SearchFilters, access: Access
               ) -> NeedScores:
    """The ``CANDIDATES_PER_NEED`` best members for every need with Matcher.rank (filters act
    before truncation)."""
    reach = Reach(filters, access, CANDIDATES_PER_NEED)
    ranked = tuple(
        {r.member_id: r for r in matcher.rank(snap, n.text, vectors[i], reach)}
        for i, n in enumerate(needs)
    )
    return NeedScores(tuple(needs), ranked)


def need_evidence(matcher: Matcher, snap: Snapshot, scores: NeedScores,
                  pairs: Iterable[tuple[str, int]]
                  ) -> dict[tuple[str, int], tuple[Evidence, ...]]:
    """Evidence (best contributions) of members for needs: one Matcher.explain per need."""
    by_need: dict[int, list[str]] = {}
    for mid, i in pairs:
        by_need.setdefault(i, []).append(mid)
    out: dict[tuple[str, int], tuple[Evidence, ...]] = {}
    for i, mids in by_need.items():
        ranked = [scores.ranked[i][m] for m in mids if m in scores.ranked[i]]
        for match in matcher.explain(snap, ranked):
            out[(match.member.id, i)] = match.evidence
    return out


def profile_lines(matcher: Matcher, pairs: Iterable[tuple[MemberInfo, int]],
                  needs: Sequence[Need], languages: Sequence[NeedLanguage],
                  vectors: QueryVectors) -> dict[tuple[str, int], tuple[Evidence, ...]]:
    """For members covering a need with no contribution to show for it (their coverage comes
    from their profile), the sentence of their bio closest to the need, as who knows X shows
    it. Call it after the read locks are released: it may encode bio sentences."""
    by_need: dict[int, list[MemberInfo]] = {}
    for info, i in pairs:
        by_need.setdefault(i, []).append(info)
    out: dict[tuple[str, int], tuple[Evidence, ...]] = {}
    for i, members in by_need.items():
        bare = [ExpertMatch(info, 0.0, (), None) for info in members]
        for match in matcher.profile_evidence(needs[i].text, languages[i], bare, vectors):
            if match.evidence:
                out[(match.member.id, i)] = match.evidence
    return out


def project_needs(description: str, needs: list[str] | tuple[str, ...] | None,
                  max_needs: int, max_chars: int, language: str | None = None,
                  glossary: Glossary | None = None, title: str = "") -> list[Need]:
    """The needs of a project: the explicit list when given, else derived from the description.

    ``language`` is the brief's language (detected by the caller on title and description),
    which chooses the derivation rules; None tries the rules of every language. ``glossary``
    is the community's vocabulary, which tells expertise from context in long descriptions
    (matcher.need_expertise; None: the rules alone). ``title``, the project's, names its work
    (a long description also gets that work's usual parts, matcher.need_parts).

    Raises InvalidRequest naming ``needs`` or ``description`` when neither yields a need (a
    long description that names no expertise yields none).
    """
    if needs:
        cleaned = dedupe(" ".join(n.split()) for n in needs)
        if not cleaned:
            raise InvalidRequest("needs", "every need is empty", "empty")
        if len(cleaned) > max_needs:
            raise InvalidRequest("needs", f"at most {max_needs} needs", "too_many",
                                 {"limit": max_needs})
        for text in cleaned:
            if len(text) > max_chars:
                raise InvalidRequest("needs", f"a need is longer than {max_chars} characters",
                                     "longer_than", {"limit": max_chars})
        return [Need(text, derived=False) for text in cleaned]
    if not description or not description.strip():
        raise InvalidRequest("description", "is empty and no needs are given", "no_needs")
    derived = derive_brief_needs(description, max_needs, language, glossary, title)
    if not derived:  # a long text naming no expertise: never offer context as a need
        raise InvalidRequest("description", "names no expertise the community's vocabulary "
                             "knows; list the needs", "no_expertise")
    return [Need(d.text[:max_chars], derived=True, source=d.source, part_of=d.part_of)
            for d in derived]
