"""GET /stats: counts of the community."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AccessDep, CommunityDep
from api.schemas import StatsResponse
from matcher.directory import community_stats

router = APIRouter(tags=["community"])


@router.get("/stats", response_model=StatsResponse)
def stats(community: CommunityDep, access: AccessDep) -> StatsResponse:
    """Members, organisations and contributions by kind; private space names only to holders."""
    return StatsResponse.model_validate(community_stats(community, access))
