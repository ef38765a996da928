"""The FastAPI application: model and index loaded once, in lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api import errors
from api.routes import experts, health
from api.state import ServiceState
from indexing.community import Community
from indexing.encoder import Encoder
from indexing.errors import WellspringError
from indexing.settings import Settings, get_settings
from matcher.experts import Matcher

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, encoder: Encoder | None = None) -> FastAPI:
    """Build the app; ``encoder`` lets tests share one loaded model."""
    settings = settings or get_settings()
    state = ServiceState(settings=settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            community, _ = await run_in_threadpool(Community.open, settings, encoder)
        except WellspringError as exc:
            state.not_ready_reason = str(exc)
            log.error("not ready: %s", exc)
        else:
            state.community = community
            state.matcher = Matcher(community)
            state.not_ready_reason = None
        yield
        if state.community is not None:
            await run_in_threadpool(state.community.save_if_dirty)

    app = FastAPI(
        title="Wellspring",
        version="0.1.0",
        description="Who knows X, collaborators for a project, and occasional experts to invite,"
                    " for a water-sector community of practice.",
        lifespan=lifespan,
    )
    app.state.wellspring = state
    errors.install(app)
    app.include_router(health.router)
    app.include_router(experts.router)
    return app
