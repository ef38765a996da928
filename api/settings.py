"""The HTTP service's settings: the core's (indexing/settings.py) plus what only HTTP has.

Body and query-string size limits, CORS origins and the failed-key rate limit concern requests,
not matching, so they live here; the environment variable names are the same as ever
(``WELLSPRING_MAX_BODY_BYTES``, ...).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator

from api.clients import valid_networks
from indexing.settings import Settings

# loopback: clients on this host (or any client with an admin key); admin: an admin key,
# wherever the client is; open: anyone (a private network whose scraper has no key)
MetricsAccess = Literal["loopback", "admin", "open"]
LogFormat = Literal["text", "json"]


class ServiceSettings(Settings):
    """Settings of ``wellspring serve``: the core's and the HTTP limits."""

    max_body_bytes: int = Field(5_000_000, ge=1000, description="Largest request body (413 "
                                "beyond, checked while it streams)")
    max_import_bytes: int = Field(5_000_000, ge=1000, description="POST /imports: file size")
    max_query_bytes: int = Field(16_384, ge=1024, description="Longest query string (413)")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to "
                                    "call the API from a browser (CORS is off when empty)")
    auth_failure_limit: int = Field(
        10, ge=1, description="Failed checks of one key id from one client ...")
    auth_failure_window_s: float = Field(60.0, gt=0, description="... in this many seconds; "
                                         "then that client's secrets for that key id are refused "
                                         "(429) without the KDF until the window slides past")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Proxies (addresses or networks, e.g. 127.0.0.1) "
        "whose X-Forwarded-For names the client; anyone else's is ignored (docs/SECURITY.md)")
    metrics_access: MetricsAccess = Field(
        "loopback", description="Who may read /metrics: loopback (this host, or an admin key), "
        "admin (an admin key only) or open (anyone)")
    search_concurrency: int = Field(
        0, ge=0, le=256, description="Searches (/experts) computed at once (0: one per CPU "
        "core); more wait, holding no worker thread, so writes and other requests find one at "
        "once (docs/BENCHMARKS.md: on 2 cores, 2 kept writes 2.5-6x faster than 8 or 40, for 8 % "
        "fewer requests/s)")
    suggestion_flush_ms: float = Field(
        100.0, ge=0, le=10_000, description="Answers' suggestions (POST /feedback names them) "
        "are committed in groups, one transaction every this many ms (0: one per answer)")
    log_format: LogFormat = Field(
        "text", description="`wellspring serve` logs: text lines, or json (one object per line, "
        "access lines with request id, route, status and duration)")

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, v: list[str]) -> list[str]:
        return valid_networks(v)

    @classmethod
    def of(cls, settings: Settings) -> ServiceSettings:
        """These core settings with the HTTP limits from the environment (or defaults)."""
        if isinstance(settings, ServiceSettings):
            return settings
        return cls(**settings.model_dump())


@lru_cache
def get_service_settings() -> ServiceSettings:
    """The process-wide service settings, read once from the environment."""
    return ServiceSettings()
