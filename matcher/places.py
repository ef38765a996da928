"""The place in a need: which countries it names, and a soft preference for members there.

``read_places`` finds the countries, regions and major cities a need names (indexing/places.py)
and the countries they imply. ``prefer_places`` adds ``place_boost`` (cosine units) to the score
of each ranked member who works in one of them (the member's country or their organisation's)
and re-sorts; it is a preference, not a filter: nobody is removed, and a member far better on
the topic stays above one who is merely in the place. When the place separates nobody (every
ranked member is in it, or none is) the ranking is returned unchanged, so a uniform shift never
changes how one member's scores compare across needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from indexing.places import PlaceMention, find_places
from indexing.vectors.reader import CatalogView
from matcher.aggregation import RankedMember
from matcher.rankings import ArrayRanking, member_ids, member_scores


@dataclass(frozen=True)
class PlaceReading:
    """The places a need names, in order, and the countries they imply (sorted)."""

    mentions: tuple[PlaceMention, ...]
    countries: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.countries


NO_PLACE = PlaceReading((), ())


def read_places(need: str) -> PlaceReading:
    """The places named in a need and the countries they imply (NO_PLACE when none)."""
    mentions = tuple(find_places(need))
    countries = sorted({c for m in mentions for c in m.place.countries})
    return PlaceReading(mentions, tuple(countries)) if countries else NO_PLACE


def works_in(catalog: CatalogView, member_id: str, countries: frozenset[str]) -> bool:
    """The member's country, or their organisation's, is one of these."""
    member = catalog.members.get(member_id)
    if member is None:
        return False
    if member.country in countries:
        return True
    org = catalog.organisations.get(member.organisation_id)
    return org is not None and org.country in countries


def prefer_places(ranked: Sequence[RankedMember], catalog: CatalogView, reading: PlaceReading,
                  boost: float) -> Sequence[RankedMember]:
    """The ranking with ``boost`` added for members working in the need's places (module doc),
    re-sorted by score, then id; over the ranking's arrays (a member is built when read)."""
    if reading.empty or boost == 0 or not len(ranked):
        return ranked
    wanted = frozenset(reading.countries)
    ids = member_ids(ranked)
    inside = np.fromiter((works_in(catalog, m, wanted) for m in ids.tolist()), bool, len(ids))
    if not inside.any() or inside.all():
        return ranked
    scores = np.where(inside, member_scores(ranked) + boost, member_scores(ranked))
    _, id_order = np.unique(ids, return_inverse=True)
    order = np.lexsort((id_order.reshape(-1), -scores))

    def build(i: int) -> RankedMember:
        r = ranked[int(order[i])]
        return RankedMember(r.member_id, float(scores[order[i]]), r.documents)

    return ArrayRanking(ids[order], scores[order], build)
