"""GET /experts: who knows X."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.auth import CallerDep
from api.deps import FeedbackDep, MatcherDep, SearchesDep, SettingsDep, tracking_for
from api.schemas import ExpertsResponse, GlossTermOut, PlaceHintOut, expert_out
from indexing.schema import Level
from matcher.directory import check_types
from matcher.feedback import ExpertsAnswer
from matcher.filters import SearchFilters

router = APIRouter(tags=["search"])


@router.get("/experts", response_model=ExpertsResponse)
async def experts(
    matcher: MatcherDep,
    caller: CallerDep,
    settings: SettingsDep,
    feedback: FeedbackDep,
    searches: SearchesDep,
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
    project_id: Annotated[str | None, Query(
        min_length=1, max_length=128, description="The caller's project (needs a key): members "
        "declined or judged not relevant for it (POST /feedback) are not suggested again")] = None,
    shown: Annotated[bool, Query(
        description="This answer is shown to a person: count it as exposure (with the "
        "fair_exposure setting on)")] = False,
    exposure: Annotated[Literal["off", "cap"], Query(
        description="cap: members over the exposure cap (or busy) come last; off (default): "
                    "no re-ranking by exposure")] = "off",
) -> ExpertsResponse:
    """Members ranked for a need, each with the contributions that matched.

    Filters act before truncation. Without a key only public contributions count. The answer's
    `suggestion_id` is what `POST /feedback` names; with a model fitted by `wellspring learn`
    the order is learned (`learned_ranking`).
    """
    access = caller.access
    tracking = tracking_for(caller, settings, project_id, shown)
    filters = SearchFilters(
        countries=tuple(c.upper() for c in country), organisations=tuple(organisation),
        levels=tuple(x.value for x in level), types=tuple(type),
        languages=tuple(x.lower() for x in language), since=since,
    )

    def search() -> ExpertsAnswer:  # CPU-bound: in a worker thread, never on the event loop
        check_types(matcher.community, type)  # the store's vocabulary
        return feedback.experts(q, filters, access, top, places == "boost", tracking,
                                exposure == "cap")

    answer = await searches.run(search)
    found = answer.result
    results = [expert_out(m, access) for m in found.matches]
    lang = found.language
    reading = [GlossTermOut(source=t.source, english=t.english)
               for t in (lang.gloss.terms if lang.gloss else ())]
    hints = [PlaceHintOut(text=m.text, place=m.place.name, kind=m.place.kind,
                          countries=list(m.place.countries)) for m in found.places.mentions]
    return ExpertsResponse(need=q, detected_language=lang.code, language_route=lang.route,
                           glossary_reading=reading, place_hints=hints, count=len(results),
                           results=results, suggestion_id=answer.suggestion_id,
                           project_id=project_id, learned_ranking=answer.learned)
