"""GET /map and GET /map/topics/{id}: the community's knowledge map, as the caller may see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AccessDep, MapperDep
from api.map_schemas import MapResponse, TopicDetailOut, map_out, topic_out
from indexing.errors import NotFound

router = APIRouter(tags=["map"])

FromYear = Annotated[int | None, Query(ge=1900, le=2100,
                                       description="Count contributions from this year")]
ToYear = Annotated[int | None, Query(
    ge=1900, le=2100, description="Count contributions up to this year (not before from_year: "
                                  "422)")]


# plain def routes: clustering and encoding are CPU-bound and run in the thread pool
@router.get("/map", response_model=MapResponse)
def knowledge_map(mapper: MapperDep, access: AccessDep, from_year: FromYear = None,
                  to_year: ToYear = None) -> MapResponse:
    """Topics from the community's texts: who holds each (by level, organisation, country),
    contributions per year, thin spots, bridges, rising and fading topics, periphery with
    expertise and the charter's scope areas. Without a key only public contributions count."""
    return map_out(mapper.build(access, from_year, to_year))


@router.get("/map/topics/{topic_id}", response_model=TopicDetailOut,
            responses={404: {"description": "No such topic among those the caller may see"}})
def map_topic(mapper: MapperDep, access: AccessDep,
              topic_id: Annotated[str, Path(pattern=r"^t[0-9]{1,9}$",
                                            description="A topic id from GET /map")],
              from_year: FromYear = None, to_year: ToYear = None) -> TopicDetailOut:
    """One topic with its strongest holders."""
    topic = mapper.build(access, from_year, to_year).topic(topic_id)
    if topic is None:
        raise NotFound("topic", topic_id, field="topic_id")
    return topic_out(topic)
