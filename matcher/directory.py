"""Looking members and contributions up, as a given caller may see them.

Hidden members never appear; a contribution in a space the caller does not hold is reported as
not found (its existence is not revealed); counts only include what the caller may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indexing.community import Community
from indexing.errors import NotFound
from indexing.schema import Contribution
from indexing.vectors.catalog import MemberInfo
from indexing.vocabulary import load_vocabulary, stats_with_vocabulary
from matcher.errors import InvalidRequest
from matcher.filters import Access, SearchFilters


@dataclass(frozen=True)
class MemberPage:
    total: int
    members: list[MemberInfo]


@dataclass(frozen=True)
class MemberDetail:
    info: MemberInfo
    bio: str
    contributions: int


def list_members(community: Community, filters: SearchFilters, offset: int, limit: int
                 ) -> MemberPage:
    """Visible members passing the filters, in id order: (total, one page)."""
    with community.index.reader() as reader:
        members = sorted((m for m in reader.catalog.members.values() if filters.member_passes(m)),
                         key=lambda m: m.id)
    return MemberPage(total=len(members), members=members[offset:offset + limit])


def member_detail(community: Community, member_id: str, access: Access) -> MemberDetail:
    """One visible member with bio and the number of contributions the caller may see."""
    with community.index.reader() as reader:
        catalog = reader.catalog
        info = catalog.members.get(member_id)
        if info is None or info.hidden:
            raise NotFound("member", member_id)
        cids = list(catalog.member_contributions.get(member_id, ()))
        metas = [catalog.contributions.get(c) for c in cids]
        own = access.member_id == member_id  # a member sees every one of their own
        visible = sum(1 for meta in metas
                      if meta is not None and (own or access.may_see(meta.space)))
    bio = community.store.get_member(member_id).bio
    return MemberDetail(info=info, bio=bio, contributions=visible)


def visible_contribution(community: Community, contribution_id: str, access: Access
                         ) -> Contribution:
    """A contribution if the caller may see its space (hidden authors left out), else NotFound."""
    contribution = community.store.get_contribution(contribution_id)
    if not access.may_see_contribution(contribution.space, contribution.authors):
        raise NotFound("contribution", contribution_id)
    with community.index.reader() as reader:
        members = reader.catalog.members
        authors = [a for a in contribution.authors if a in members and not members[a].hidden]
    return contribution.model_copy(update={"authors": authors})


def check_types(community: Community, types: Sequence[str]) -> None:
    """A type filter names only types of the community's vocabulary (InvalidRequest 'type')."""
    vocabulary = load_vocabulary(community.store)
    for t in types:
        problem = vocabulary.problem("contribution_types", t)
        if problem:
            raise InvalidRequest("type", problem, "unknown", {"value": t})


def community_stats(community: Community, access: Access) -> dict[str, object]:
    """The store's counts of what this caller may see (contributions in its spaces, members
    not hidden; everything for an admin); every type and kind of the vocabulary is counted (0
    when unused) and the vocabulary listed."""
    spaces = None if access.all_spaces else {"public", *access.spaces}
    return stats_with_vocabulary(community.store.stats(spaces), load_vocabulary(community.store))
