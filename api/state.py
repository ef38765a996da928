"""What the service holds for its lifetime: settings, the community and its matcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio

from api.settings import ServiceSettings
from indexing.community import Community
from matcher.experts import Matcher
from matcher.knowledge_map import KnowledgeMapper

if TYPE_CHECKING:
    from api.metrics import HttpMetrics  # api.metrics reads this state: no import cycle


@dataclass
class ServiceState:
    settings: ServiceSettings
    community: Community | None = None
    matcher: Matcher | None = None
    mapper: KnowledgeMapper | None = None  # the knowledge map (its cache lives here)
    not_ready_reason: str | None = "starting"  # what anyone may read (no path, host or user)
    not_ready_detail: str | None = None  # the start-up error itself: the log and admin keys
    metrics: HttpMetrics | None = None  # setting metrics=on (api/metrics.py)
    extras: dict[str, object] = field(default_factory=dict)
    # setting search_concurrency: searches share these worker-thread slots (made at start-up)
    searches: anyio.CapacityLimiter | None = None
