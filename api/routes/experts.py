"""GET /experts: who knows X."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth import CallerDep
from api.deps import FeedbackDep, SearchesDep, SettingsDep
from api.schemas import ExpertsResponse, GlossTermOut, HintOut, PlaceHintOut, expert_out
from indexing.schema import Level, WrittenDate
from matcher.feedback import ExpertsAnswer
from matcher.requests import ExpertsForm, ExpertsRequest
from matcher.text_checks import WORDS_TEXT

router = APIRouter(tags=["search"])


class ExpertsQuery(BaseModel):
    """The query parameters of GET /experts (``top`` and ``q``'s length are bounded by the
    settings ``max_top`` and ``max_query_chars``, checked by the core; the OpenAPI description
    states the values this service runs with)."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1, description="The need, free text (printable, with a letter "
                   "or digit)", json_schema_extra=WORDS_TEXT)
    top: int = Field(10, ge=1)
    country: list[str] = Field([], description="ISO 3166-1 alpha-2; repeatable")
    organisation: list[str] = Field([], description="Organisation id; repeatable")
    level: list[Level] = []
    type: list[str] = Field([], description="A type of the vocabulary; repeatable")
    language: list[str] = Field([], description="ISO 639-1; repeatable")
    since: WrittenDate | None = Field(None, description="Contributions from this date")
    places: Literal["boost", "off"] = Field(
        "boost", description="boost: prefer members working in the places the need names; "
        "off: ignore them (a country filter still filters)")
    project_id: str | None = Field(
        None, min_length=1, max_length=128, description="The caller's project (needs a key): "
        "members declined or judged not relevant for it (POST /feedback) are not suggested again")
    shown: bool = Field(False, description="This answer is shown to a person: count it as "
                        "exposure (with the fair_exposure setting on, and a key)")
    exposure: Literal["off", "cap"] = Field(
        "off", description="cap: members over the exposure cap (or busy) come last; off "
        "(default): no re-ranking by exposure")

    def form(self) -> ExpertsForm:
        return ExpertsForm(
            q=self.q, top=self.top, country=tuple(self.country),
            organisation=tuple(self.organisation), level=tuple(x.value for x in self.level),
            type=tuple(self.type), language=tuple(self.language), since=self.since,
            places=self.places, project_id=self.project_id, shown=self.shown,
            exposure=self.exposure)


@router.get("/experts", response_model=ExpertsResponse)
async def experts(query: Annotated[ExpertsQuery, Query()], caller: CallerDep,
                  settings: SettingsDep, feedback: FeedbackDep, searches: SearchesDep
                  ) -> ExpertsResponse:
    """Members ranked for a need, each with the contributions that matched.

    Filters act before truncation. Without a key only public contributions count. The answer's
    `suggestion_id` is what `POST /feedback` names; with a model fitted by `wellspring learn`
    the order is learned (`learned_ranking`).
    """
    request = ExpertsRequest.of(query.form(), caller.asker, settings)

    def search() -> ExpertsAnswer:  # CPU-bound: in a worker thread, never on the event loop
        return feedback.experts(request)

    answer = await searches.run(search)
    return experts_response(query.q, answer, request)


def experts_response(need: str, answer: ExpertsAnswer, request: ExpertsRequest
                     ) -> ExpertsResponse:
    """The answer as the API's response model (the CLI's --json prints the same)."""
    found = answer.result
    results = [expert_out(m, request.access) for m in found.matches]
    lang = found.language
    reading = [GlossTermOut(source=t.source, english=t.english)
               for t in (lang.gloss.terms if lang.gloss else ())]
    hints = [PlaceHintOut(text=m.text, place=m.place.name, kind=m.place.kind,
                          countries=list(m.place.countries)) for m in found.places.mentions]
    return ExpertsResponse(need=need, detected_language=lang.code, language_route=lang.route,
                           glossary_reading=reading, place_hints=hints, count=len(results),
                           results=results, suggestion_id=answer.suggestion_id,
                           project_id=request.tracking.project_id,
                           learned_ranking=answer.learned,
                           hint=found.hint.text if found.hint else None,
                           hint_facts=HintOut(**found.hint.__dict__) if found.hint else None)
