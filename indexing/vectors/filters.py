"""Who may see what, and which items a query may match: one boolean mask over vector ids.

``Access`` and ``SearchFilters`` are plain values (the matcher builds them from a request); the
index evaluates them into a mask (``item_mask``), which ``IndexReader.mask`` caches per index
version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field, replace

import numpy as np

from indexing.schema import contribution_key, member_key
from indexing.vectors.catalog import Catalog, MemberInfo
from indexing.vectors.faiss_index import Mask
from indexing.vectors.item_table import ItemTable


@dataclass(frozen=True)
class Access:
    """What a caller may see: the public, or a key granted private spaces. A member caller
    (``member_id``, issue #28) sees what the public sees plus their own contributions in any
    space and their own contact, outside searches (these rank over the public's spaces)."""

    spaces: frozenset[str] = frozenset()
    see_contacts: bool = False
    all_spaces: bool = False
    member_id: str | None = None

    @classmethod
    def public(cls) -> Access:
        return cls()

    def may_see(self, space: str) -> bool:
        return space == "public" or self.all_spaces or space in self.spaces

    def may_see_contribution(self, space: str, authors: Collection[str]) -> bool:
        """A contribution in a space the caller holds, or one of the member caller's own."""
        return self.may_see(space) or (self.member_id is not None and self.member_id in authors)

    def search_view(self) -> Access:
        """What a search ranks over: the member caller's own are not searched (their mask is
        the public's, and shares its cache entry)."""
        return self if self.member_id is None else replace(self, member_id=None)

    def sees_contact_of(self, member_id: str) -> bool:
        return self.see_contacts or (self.member_id is not None and member_id == self.member_id)


@dataclass(frozen=True)
class SearchFilters:
    """Filters of "who knows X"; applied before truncation, never after."""

    countries: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    since: dt.date | None = None
    exclude_members: frozenset[str] = field(default_factory=frozenset)
    exclude_organisations: frozenset[str] = field(default_factory=frozenset)
    exclude_countries: frozenset[str] = field(default_factory=frozenset)

    @property
    def has_member_filter(self) -> bool:
        return bool(self.countries or self.organisations or self.levels or self.exclude_members
                    or self.exclude_organisations or self.exclude_countries)

    def member_passes(self, m: MemberInfo) -> bool:
        if m.hidden or m.id in self.exclude_members:
            return False
        if m.organisation_id in self.exclude_organisations or m.country in self.exclude_countries:
            return False
        if self.countries and m.country not in self.countries:
            return False
        if self.organisations and m.organisation_id not in self.organisations:
            return False
        return not (self.levels and m.level not in self.levels)


def item_mask(items: ItemTable, catalog: Catalog, filters: SearchFilters, access: Access
              ) -> Mask:
    """The vector ids a query may match, as a boolean mask of length ``items.next_id``."""
    n = items.next_id
    mask = items.alive[:n].copy()
    if not access.all_spaces and len(items.vocab["space"]) > 1:
        codes = [c for s, c in items.vocab["space"].items() if access.may_see(s)]
        mask &= np.isin(items.space_code[:n], codes)
    if filters.types:
        codes = [items.vocab["type"][t] for t in filters.types if t in items.vocab["type"]]
        mask &= np.isin(items.type_code[:n], codes)
    if filters.languages:
        codes = [items.vocab["lang"][x] for x in filters.languages if x in items.vocab["lang"]]
        mask &= np.isin(items.lang_code[:n], codes)
    if filters.since is not None:
        mask &= items.date_ord[:n] >= filters.since.toordinal()
    if filters.has_member_filter:
        mask &= _member_mask(items, catalog, filters)
    mask.flags.writeable = False
    return mask


def _member_mask(items: ItemTable, catalog: Catalog, filters: SearchFilters) -> Mask:
    """Items whose member passes the member filters (a contribution: any of its authors)."""
    ids: list[int] = []
    key_ids = items.key_ids
    for m in catalog.members.values():
        if filters.member_passes(m):
            ids.extend(key_ids.get(member_key(m.id), ()))
            for cid in catalog.member_contributions.get(m.id, ()):
                ids.extend(key_ids.get(contribution_key(cid), ()))
    by_member = np.zeros(items.next_id, dtype=bool)
    by_member[ids] = True
    return by_member
