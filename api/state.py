"""What the service holds for its lifetime, every part built once in ``api/app.py``'s lifespan
(the composition root) and reached through typed dependencies (``api/deps.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import anyio

from api.limiter import FailureLimiter
from api.settings import ServiceSettings
from api.signin import SignIn
from api.workers import WorkerPlace
from indexing.community import Community
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


@dataclass
class ServiceState:
    settings: ServiceSettings
    community: Community | None = None
    matcher: Matcher | None = None
    mapper: KnowledgeMapper | None = None  # the knowledge map (its cache lives here)
    not_ready_reason: str | None = "starting"  # what anyone may read (no path, host or user)
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
