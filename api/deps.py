"""FastAPI dependencies: settings, the service state, the matcher and the caller's access.

The caller's identity (API key, role, spaces) is resolved in api/auth.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends

from api.auth import CallerDep, get_state
from api.state import ServiceState
from indexing.community import Community
from indexing.settings import Settings
from matcher.experts import Matcher
from matcher.feedback import Feedback
from matcher.filters import Access
from matcher.knowledge_map import KnowledgeMapper
from matcher.me import MemberSay
from matcher.projects import Projects

R = TypeVar("R")


# Dependencies that only look things up are async: FastAPI runs a plain ``def`` dependency in a
# worker thread, a hop per dependency per request (py-spy under 50 clients: these hand-offs
# were a visible share of the event loop's time, docs/BENCHMARKS.md).
async def get_app_settings(state: Annotated[ServiceState, Depends(get_state)]) -> Settings:
    return state.settings


async def get_matcher(state: Annotated[ServiceState, Depends(get_state)]) -> Matcher:
    return _matcher(state)


def _matcher(state: ServiceState) -> Matcher:
    if state.matcher is None:
        raise state.not_ready()
    return state.matcher


async def get_mapper(state: Annotated[ServiceState, Depends(get_state)]) -> KnowledgeMapper:
    if state.mapper is None:
        raise state.not_ready()
    return state.mapper


async def get_community(state: Annotated[ServiceState, Depends(get_state)]) -> Community:
    return get_community_now(state)


def get_community_now(state: ServiceState) -> Community:
    """The community, or 503 while the service is not ready (for routes that need it only
    for some requests)."""
    if state.community is None:
        raise state.not_ready()
    return state.community


async def get_feedback(state: Annotated[ServiceState, Depends(get_state)]) -> Feedback:
    """The answers service (suggestions, feedback, the learned ranking, exposure), built once
    at start-up over the service's matcher."""
    if state.answers is None:
        raise state.not_ready()
    return state.answers


async def get_say(state: Annotated[ServiceState, Depends(get_state)]) -> MemberSay:
    """Members' own view and corrections (issue #29), built once at start-up."""
    if state.say is None:
        raise state.not_ready()
    return state.say


async def get_projects(state: Annotated[ServiceState, Depends(get_state)]) -> Projects:
    """Projects as records (issue #30), built once at start-up over the answers service."""
    if state.projects is None:
        raise state.not_ready()
    return state.projects


class Searches:
    """Where searches run: worker threads, at most ``search_concurrency`` at once (setting).

    Every sync route and ``run_in_threadpool`` share one pool of 40 worker-thread slots; under
    50 concurrent searches a write queued for a slot behind them, and its encodes queued behind
    theirs. Searches beyond the limit wait here, holding no thread (measured, 2 cores, 50
    clients: writes p50 ~200 ms with 2 slots, 1.26 s with 40; requests/s 0.92x)."""

    def __init__(self, limiter: anyio.CapacityLimiter | None) -> None:
        self.limiter = limiter

    async def run(self, fn: Callable[[], R]) -> R:
        return await anyio.to_thread.run_sync(fn, limiter=self.limiter)


async def get_searches(state: Annotated[ServiceState, Depends(get_state)]) -> Searches:
    return Searches(state.searches)


async def get_access(caller: CallerDep) -> Access:
    """The caller's access; the public (no private spaces, no contacts) without a key."""
    return caller.access


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StateDep = Annotated[ServiceState, Depends(get_state)]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]
CommunityDep = Annotated[Community, Depends(get_community)]
MapperDep = Annotated[KnowledgeMapper, Depends(get_mapper)]
AccessDep = Annotated[Access, Depends(get_access)]
FeedbackDep = Annotated[Feedback, Depends(get_feedback)]
SearchesDep = Annotated[Searches, Depends(get_searches)]
SayDep = Annotated[MemberSay, Depends(get_say)]
ProjectsDep = Annotated[Projects, Depends(get_projects)]
