"""The HTTP service's settings: the core's sections (indexing/settings.py) plus what only HTTP has.

Signing in (``settings.signin``) and the body and query-string size limits, CORS origins and the
failed-key rate limit (``settings.http``) concern requests, not matching, so they live here; the
environment variable names are the same as ever (``WELLSPRING_MAX_BODY_BYTES``, ...).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.clients import valid_networks
from indexing.settings import Settings

# loopback: clients on this host (or any client with an admin key); admin: an admin key,
# wherever the client is; open: anyone (a private network whose scraper has no key)
MetricsAccess = Literal["loopback", "admin", "open"]
LogFormat = Literal["text", "json"]


CookieSecure = Literal["auto", "always", "never"]
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _https_or_loopback(value: str, field: str) -> str:
    """An absolute https URL (http only on this host, for trials and tests), or ''."""
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{field} must be an absolute https URL")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise ValueError(f"{field} must use https (http only for 127.0.0.1 or localhost)")
    return value.rstrip("/")


class SignInSettings(BaseSettings):
    """People signing in (issue #28, docs/SECURITY.md): the community's OpenID Connect provider,
    how its claims map to roles, and the page's sessions and one-time sign-in links. Without an
    issuer the page offers the API key field and sign-in links only."""

    model_config = SettingsConfigDict(env_prefix="WELLSPRING_", extra="forbid")

    oidc_issuer: str = Field("", description="The OpenID Connect provider's issuer URL "
                             "(discovery at <issuer>/.well-known/openid-configuration); empty: "
                             "no provider")
    oidc_client_id: str = Field("", description="The client id registered at the provider")
    oidc_client_secret: SecretStr | None = Field(None, description="The client's secret (a "
                                                 "public client with PKCE only: empty)")
    oidc_scopes: str = Field("openid email profile", description="Scopes asked for, space-"
                             "separated (openid is required)")
    oidc_redirect_url: str = Field("", description="The callback the provider sends people "
                                   "back to (registered at the provider); empty: "
                                   "<this service>/signin/callback as the request reached it")
    oidc_role_claim: str = Field("groups", description="The ID token claim listing a person's "
                                 "groups (or roles), matched against the three lists below")
    oidc_admin_groups: list[str] = Field(default_factory=list, description="Groups whose "
                                         "people sign in as admin")
    oidc_editor_groups: list[str] = Field(default_factory=list, description="Groups whose "
                                          "people sign in as editor (coordinators)")
    oidc_reader_groups: list[str] = Field(default_factory=list, description="Groups whose "
                                          "people sign in as reader")
    oidc_spaces_claim: str = Field("", description="A claim listing the private spaces a "
                                   "coordinator holds (empty: none)")
    oidc_timeout_s: float = Field(10.0, gt=0, le=120, description="Calls to the provider "
                                  "(discovery, keys, token) give up after this long")
    session_ttl_s: int = Field(8 * 3600, ge=60, le=30 * 86_400, description="A session ends "
                               "this many seconds after sign-in (sign-out ends it at once)")
    session_cookie_secure: CookieSecure = Field(
        "auto", description="The session cookie's Secure flag: auto (when the request came "
        "over https, e.g. through a trusted proxy), always, or never")
    sign_in_link_ttl_s: int = Field(24 * 3600, ge=60, le=30 * 86_400, description="A one-time "
                                    "sign-in link for a member expires after this long")
    public_url: str = Field("", description="The page's address as people reach it, for the "
                            "sign-in links the CLI prints (e.g. https://experts.example.org)")

    @field_validator("oidc_issuer", "oidc_redirect_url", "public_url")
    @classmethod
    def _check_sign_in_url(cls, v: str, info: object) -> str:
        return _https_or_loopback(v.strip(), str(getattr(info, "field_name", "url")))

    @model_validator(mode="after")
    def _check_provider(self) -> SignInSettings:
        if bool(self.oidc_issuer) != bool(self.oidc_client_id):
            raise ValueError("oidc_issuer and oidc_client_id are set together (or neither)")
        if self.oidc_issuer and "openid" not in self.oidc_scopes.split():
            raise ValueError("oidc_scopes must include openid")
        return self

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer)


class HTTPSettings(BaseSettings):
    """Requests: body and query-string limits, CORS, the failed-key rate limit, trusted proxies,
    /metrics access, search concurrency and the service's logs."""

    model_config = SettingsConfigDict(env_prefix="WELLSPRING_", extra="forbid")

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


class ServiceSettings(Settings):
    """Settings of ``wellspring serve``: the core's sections, sign-in and the HTTP limits."""

    signin: SignInSettings = Field(default_factory=SignInSettings)
    http: HTTPSettings = Field(default_factory=HTTPSettings)

    @classmethod
    def of(cls, settings: Settings) -> ServiceSettings:
        """These core settings (the same section objects) with the service's own sections from
        the environment (or defaults)."""
        if isinstance(settings, ServiceSettings):
            return settings
        return cls(**{name: getattr(settings, name) for name in Settings.model_fields})


@lru_cache
def get_service_settings() -> ServiceSettings:
    """The process-wide service settings, read once from the environment."""
    return ServiceSettings()
