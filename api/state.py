"""What the service holds for its lifetime, every part built once in ``api/app.py``'s lifespan
(the composition root) and reached through typed dependencies (``api/deps.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

import anyio

from api.limiter import FailureLimiter
from api.settings import ServiceSettings
from api.signin import SignIn
from api.workers import WorkerPlace
from indexing.community import Community
from indexing.errors import IndexNotReady
from indexing.store.keys import KeyStore
from indexing.store.sessions import SessionStore
from matcher.experts import Matcher
from matcher.feedback import Feedback
from matcher.knowledge_map import KnowledgeMapper
from matcher.me import MemberSay
from matcher.projects import Projects


class MetricsText(Protocol):
    """What GET /metrics reads of the service's metrics (``api/metrics.HttpMetrics``)."""

    def render(self) -> bytes: ...


# why the service is not ready, as a code (the page says it in its language: notReady.<code>)
# and in words anyone may read (no path, host or user: those go to the log and admin keys)
NOT_READY: Mapping[str, str] = MappingProxyType({
    "starting": "starting",
    "another_process": "another Wellspring process serves this home (one service process per "
                       "home)",
    "index_mismatch": "the index was built with other settings: rebuild it (`wellspring index`)",
    "damaged": "the store or the index is damaged: restore or rebuild it",
    "failed": "start-up failed; the service log (or /health/ready with an admin key) says why",
})


def not_ready_error(code: str) -> IndexNotReady:
    """The 503 of a service not ready for this reason (a key of ``NOT_READY``): in words, and as
    a code (``not_ready {reason}``) for a client to say in its own."""
    return IndexNotReady(f"the service is not ready: {NOT_READY[code]}", "not_ready",
                         {"reason": code})


@dataclass
class ServiceState:
    settings: ServiceSettings
    community: Community | None = None
    matcher: Matcher | None = None
    mapper: KnowledgeMapper | None = None  # the knowledge map (its cache lives here)
    not_ready_code: str | None = "starting"  # a key of NOT_READY; None once ready
    not_ready_detail: str | None = None  # the start-up error itself: the log and admin keys
    metrics: MetricsText | None = None  # setting metrics=on (api/metrics.py)
    keys: KeyStore | None = None  # keys and the audit log, beside the records
    limiter: FailureLimiter | None = None  # failed key checks (api/limiter.py)
    sessions: SessionStore | None = None  # the page's sessions and sign-in links (issue #28)
    signin: SignIn | None = None  # the OpenID Connect client (api/signin.py), when configured
    answers: Feedback | None = None  # the answers service (matcher/requests.py, feedback.py)
    say: MemberSay | None = None  # members' own view and corrections (issue #29)
    projects: Projects | None = None  # projects as records (issue #30)
    # setting search_concurrency: searches share these worker-thread slots (made at start-up)
    searches: anyio.CapacityLimiter | None = None
    warm_up_seconds: float | None = None  # the start-up's warm-up (api/app.py), before ready
    worker: WorkerPlace | None = None  # one of several `serve` workers (issue #33)

    @property
    def not_ready_reason(self) -> str | None:
        """Why the service is not ready, in words anyone may read (None once ready)."""
        return None if self.not_ready_code is None else NOT_READY[self.not_ready_code]

    def not_ready(self) -> IndexNotReady:
        """The 503 a route answers while the service is not ready (``not_ready_error``)."""
        return not_ready_error(self.not_ready_code or "starting")
