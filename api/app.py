"""The FastAPI application: model and index loaded once, in lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from api import errors, openapi
from api.auth import API_KEY_HEADER, authenticate
from api.limiter import FailureLimiter
from api.limits import SizeLimit
from api.metrics import HttpMetrics
from api.observe import Observe
from api.routes import (
    admin,
    contributions,
    experts,
    feedback,
    health,
    imports,
    knowledge_map,
    me,
    members,
    metrics,
    organisations,
    page,
    project_records,
    projects,
    signin,
    stats,
)
from api.sessions import CSRF_HEADER
from api.settings import ServiceSettings, get_service_settings
from api.signin import SignIn
from api.state import ServiceState, not_ready_error
from api.workers import WorkerPlace, WorkerRequests
from indexing.backup import try_service_lock
from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.errors import (
    IndexCorrupt,
    IndexMismatch,
    StoreCorrupt,
    WellspringError,
)
from indexing.settings import Settings
from indexing.store import SqlStore, open_store
from indexing.store.keys import KeyStore
from indexing.store.sessions import SessionStore
from matcher.experts import Matcher
from matcher.feedback import Feedback
from matcher.filters import Access
from matcher.knowledge_map import KnowledgeMapper
from matcher.me import MemberSay
from matcher.projects import Projects

log = logging.getLogger(__name__)


async def _save_periodically(state: ServiceState) -> None:
    """Save a changed index every ``index_save_seconds``, so a crash costs at most that much
    re-encoding at the next start (the store already holds every acknowledged write)."""
    interval = state.settings.index.index_save_seconds
    while interval > 0 and state.community is not None:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(state.community.save_if_dirty)
        except OSError:
            log.exception("periodic index save failed; will retry")


def _open_keys(settings: ServiceSettings, community: Community | None) -> KeyStore | None:
    """Keys and the audit log live in the store's database beside the records; with no
    community (not ready), in the database alone; None when even that cannot be opened."""
    store = community.store if community is not None else None
    try:
        return KeyStore(store if isinstance(store, SqlStore) else open_store(settings.storage))
    except Exception as exc:  # a store that cannot open: routes needing keys answer 503
        log.error("keys unavailable: %s", exc)
        return None


def warm_up(answers: Feedback, mapper: KnowledgeMapper) -> float:
    """Run what the first requests would build on first use (``Feedback.warm_up``: encoders,
    learned model, masks, lexical features, suggestion log; the public knowledge map), so the
    first answer after ready is as fast as the tenth. Seconds taken; a failure is logged and
    the service still starts (it then builds on first use, as before)."""
    started = time.perf_counter()
    try:
        answers.warm_up()
        mapper.build(Access.public())
    except Exception:  # never keep a service down for its warm-up
        log.exception("warm-up incomplete; the first requests build what is missing")
    seconds = time.perf_counter() - started
    log.info("warmed up in %.1f s", seconds)
    return seconds


def public_reason(exc: WellspringError) -> str:
    """Why the service is not ready, as a code of ``NOT_READY`` (words anyone may read): the
    kind of failure, never the error's text (paths, database host and user); that goes to the
    log and to admin keys."""
    if exc.code == "not_ready":  # a reason said as such (another process holds the home)
        return str(exc.params["reason"])
    if isinstance(exc, IndexMismatch):
        return "index_mismatch"
    if isinstance(exc, IndexCorrupt | StoreCorrupt):
        return "damaged"
    return "failed"


def create_app(settings: Settings | None = None, encoder: Encoder | None = None,
               multilingual_encoder: Encoder | None = None, worker: WorkerPlace | None = None
               ) -> FastAPI:
    """Build the app; ``encoder`` and ``multilingual_encoder`` let tests share loaded models
    (an injected ``encoder`` alone serves without the multilingual index); ``worker``: this
    process is one of several ``serve`` workers on one home (``api/supervisor.py``)."""
    settings = ServiceSettings.of(settings) if settings is not None else get_service_settings()
    state = ServiceState(settings=settings, worker=worker)
    # the provider's documents are fetched at the first sign-in: a provider that is down does
    # not keep the service from starting (API keys and sign-in links still work)
    state.signin = SignIn(settings.signin) if settings.signin.oidc_configured else None
    measured = settings.observability.metrics == "on"
    http_metrics = HttpMetrics(state) if measured else None  # MONITORING.md
    state.metrics = http_metrics

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # one process owns an index folder (and, on SQLite, the store); replicas on one
        # PostgreSQL store each have their own home (docs/DEPLOYMENT.md); the workers of one
        # `serve` share the lock their supervisor took (api/supervisor.py)
        lock = try_service_lock(settings) if worker is None else None
        state.searches = anyio.CapacityLimiter(
            settings.http.search_concurrency or os.cpu_count() or 2)
        try:
            if lock is None and worker is None:
                log.error("another Wellspring process serves %s; run one service process per "
                          "home (replicas: one home each on a PostgreSQL store, "
                          "docs/DEPLOYMENT.md)", settings.storage.index_path)
                raise not_ready_error("another_process")
            community, _ = await run_in_threadpool(
                functools.partial(Community.open, settings, encoder,
                                  multilingual_encoder=multilingual_encoder))
            matcher = Matcher.configured(community)  # reads the glossary: a bad one is named here
            mapper = KnowledgeMapper.configured(matcher)  # and the map's charter and taxonomy
        except WellspringError as exc:
            state.not_ready_code = public_reason(exc)
            state.not_ready_detail = str(exc)
            log.error("not ready: %s", exc)
        else:
            if settings.storage.uses_postgres or worker is not None:
                community.start_following()  # other processes' writes arrive through the feed
            state.community = community
            state.matcher = matcher
            state.mapper = mapper
            state.answers = Feedback.service(matcher, settings.http.suggestion_flush_ms)
            if isinstance(community.store, SqlStore):  # both backends are
                state.say = MemberSay(matcher, mapper, community.store)
                state.projects = Projects(state.answers, community.store)
            # ready means warm: what the routes build on first use is built before the server
            # accepts its first connection (uvicorn serves once this lifespan has started)
            state.warm_up_seconds = await run_in_threadpool(warm_up, state.answers, mapper)
            state.not_ready_code = None
            if worker is not None:  # ready once every worker is (routes/health.py)
                worker.mark_ready()
        state.keys = await run_in_threadpool(_open_keys, settings, state.community)
        if state.keys is not None:
            state.limiter = FailureLimiter(state.keys, settings.http.auth_failure_limit,
                                           settings.http.auth_failure_window_s)
            state.sessions = SessionStore(state.keys.store)  # beside the keys (issue #28)
        saver = asyncio.create_task(_save_periodically(state)) if state.community else None
        try:
            yield
        finally:
            if worker is not None:
                worker.mark_gone()
            if saver is not None:
                saver.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await saver
            if state.answers is not None:  # the suggestions still queued
                await run_in_threadpool(state.answers.close)
            if state.community is not None:
                if state.community.follower is not None:
                    await run_in_threadpool(state.community.follower.stop)
                await run_in_threadpool(state.community.save_if_dirty)
            if lock is not None:
                lock.close()

    app = FastAPI(
        title="Wellspring",
        version="0.1.0",
        description="Who knows X, collaborators for a project, and occasional experts to invite,"
                    " for a water-sector community of practice.",
        lifespan=lifespan,
        dependencies=[Depends(authenticate)],  # every route knows its caller (api/auth.py)
    )
    app.state.wellspring = state
    errors.install(app)
    openapi.install(app, settings)  # errors, optional keys and limits as they are (#35)
    app.add_middleware(SizeLimit, max_body_bytes=settings.http.max_body_bytes,
                       max_query_bytes=settings.http.max_query_bytes)
    if settings.http.cors_origins:  # off by default
        app.add_middleware(CORSMiddleware, allow_origins=settings.http.cors_origins,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=[API_KEY_HEADER, CSRF_HEADER, "Content-Type"])
    if worker is not None:  # catch up with the feed before a request; name the worker
        app.add_middleware(WorkerRequests, state=state, place=worker)
    app.add_middleware(Observe, metrics=http_metrics)  # outermost: sees every answer, 413 too
    app.include_router(health.router)
    if state.metrics is not None:
        app.include_router(metrics.router)
    app.include_router(experts.router)
    app.include_router(projects.router)  # teams, invitations, similar members
    app.include_router(project_records.router)  # projects as records (#30)
    app.include_router(knowledge_map.router)  # the community's knowledge map
    app.include_router(page.router)  # the coordinators' page at / (api/static)
    app.include_router(signin.router)  # people sign in: provider, links, sessions (#28)
    app.include_router(me.router)  # members' own view and say (#29)
    for router in (members.router, contributions.router, organisations.router, stats.router,
                   admin.router, imports.router, feedback.router):
        app.include_router(router)
    return app
