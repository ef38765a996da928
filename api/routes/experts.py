"""GET /experts: who knows X."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import AccessDep, MatcherDep
from api.schemas import ExpertsResponse, GlossTermOut, PlaceHintOut, expert_out
from indexing.schema import Level
from matcher.directory import check_types
from matcher.filters import SearchFilters

router = APIRouter(tags=["search"])


@router.get("/experts", response_model=ExpertsResponse)
async def experts(
    matcher: MatcherDep,
    access: AccessDep,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="The need, free text")],
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    country: Annotated[list[str], Query(description="ISO 3166-1 alpha-2; repeatable")] = [],  # noqa: B006
    organisation: Annotated[list[str], Query(description="Organisation id; repeatable")] = [],  # noqa: B006
    level: Annotated[list[Level], Query()] = [],  # noqa: B006
    type: Annotated[list[str], Query(description="A type of the vocabulary; repeatable")] = [],  # noqa: B006
    language: Annotated[list[str], Query(description="ISO 639-1; repeatable")] = [],  # noqa: B006
    since: Annotated[dt.date | None, Query(description="Contributions from this date")] = None,
    places: Annotated[Literal["boost", "off"], Query(
        description="boost: prefer members working in the places the need names; off: ignore "
                    "them (a country filter still filters)")] = "boost",
) -> ExpertsResponse:
    """Members ranked for a need, each with the contributions that matched.

    Filters act before truncation. Without a key only public contributions count.
    """
    await run_in_threadpool(check_types, matcher.community, type)  # the store's vocabulary
    filters = SearchFilters(
        countries=tuple(c.upper() for c in country), organisations=tuple(organisation),
        levels=tuple(x.value for x in level), types=tuple(type),
        languages=tuple(x.lower() for x in language), since=since,
    )
    # encode() is CPU-bound: run it in the thread pool, never on the event loop
    found = await run_in_threadpool(matcher.find_experts, q, filters, access, top,
                                    places == "boost")
    results = [expert_out(m, access) for m in found.matches]
    lang = found.language
    reading = [GlossTermOut(source=t.source, english=t.english)
               for t in (lang.gloss.terms if lang.gloss else ())]
    hints = [PlaceHintOut(text=m.text, place=m.place.name, kind=m.place.kind,
                          countries=list(m.place.countries)) for m in found.places.mentions]
    return ExpertsResponse(need=q, detected_language=lang.code, language_route=lang.route,
                           glossary_reading=reading, place_hints=hints, count=len(results),
                           results=results)
