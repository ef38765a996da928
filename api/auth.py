"""Who is calling: the X-API-Key header or the page's session cookie (``api/sessions.py``), its
role and spaces, and failed-attempt limiting.

No key and no session is the public: public contributions only, no contact details. A
``member`` key (or session) is bound to one member: the public's view plus that member's own
contributions and contact, and no role route. A ``reader`` key searches with its granted private
spaces and sees contacts, an ``editor`` also writes, an ``admin`` also manages keys, reindexes,
reads the audit log and sees every space. A signed-in person acts as a key of their role.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from api.clients import client_address
from api.limiter import FailureLimiter
from api.sessions import check_csrf, session_key, session_token
from api.state import ServiceState
from indexing.errors import WellspringError
from indexing.store.keys import ApiKey, KeyStore, Role
from indexing.store.sessions import Session
from matcher.filters import Access
from matcher.requests import Asker

log = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False, scheme_name="ApiKey",
    description="`ws_<keyid>_<secret>`, created with `wellspring keys create`. Optional for "
                "reads (the public sees public contributions only), required for writes.",
)


class Unauthorized(WellspringError):
    """No key, or a key that is unknown, malformed or revoked; ``code`` and ``params`` say
    which for a client to translate (``key_refused``, ``key_needed {role}``, ``members_only``;
    None where no client but an operator's asks)."""

    field = "X-API-Key"
    headers = {"WWW-Authenticate": "ApiKey"}  # noqa: RUF012


class Forbidden(WellspringError):
    """A valid key whose role (or spaces) does not allow this (``code``: ``role_needed {role,
    has}``, ``space_not_held {space}``, ``members_only``)."""

    def __init__(self, message: str, field: str = "X-API-Key", code: str | None = None,
                 params: dict[str, object] | None = None) -> None:
        self.field = field
        super().__init__(message, code, params)


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: a key (or None for the public) and what it may see; a
    signed-in person acts as a key of their role (``session`` says it is one)."""

    key: ApiKey | None
    access: Access
    session: Session | None = None

    @property
    def key_id(self) -> str:
        return self.key.key_id if self.key else "public"

    @property
    def asker(self) -> Asker:
        """Who asks, as the core's requests see it (a member asks as the public does)."""
        return Asker.of_key(self.key)


def access_for(key: ApiKey | None) -> Access:
    return Asker.of_key(key).access


async def get_state(request: Request) -> ServiceState:
    """The service's state (async: a plain lookup, no worker-thread hop per request)."""
    state: ServiceState = request.app.state.wellspring
    return state


def get_keys(state: Annotated[ServiceState, Depends(get_state)]) -> KeyStore:
    """The key store the service built at start-up (``api/app.py``'s lifespan)."""
    if state.keys is None:
        raise state.not_ready()
    return state.keys


def get_limiter(state: Annotated[ServiceState, Depends(get_state)]) -> FailureLimiter:
    if state.limiter is None:
        raise state.not_ready()
    return state.limiter


async def authenticate(
    request: Request,
    state: Annotated[ServiceState, Depends(get_state)],
    presented: Annotated[str | None, Security(api_key_header)] = None,
) -> Caller:
    """Resolve the caller once per request.

    No header is the public; a header with a bad key is refused with 401 (never downgraded to
    public, so a typo is noticed), and repeated wrong secrets for one key id from one client
    with 429. On the event loop when that is a lookup (no key and no cookie; on SQLite, a key
    whose secret this process has verified: one indexed read, so a revoked key is refused at
    once), in the thread pool otherwise (a key's KDF, a PostgreSQL round trip, a session):
    a thread hop per request was ~3 % of a worker's time under load (issue #33).
    """
    if not presented and session_token(request) is None:
        return _caller(request, None, None)
    if presented and not state.settings.storage.uses_postgres:
        check = get_keys(state).check(presented)
        key = check.remembered() if check is not None else None
        if key is not None:
            return _caller(request, key, None)
    return await run_in_threadpool(_authenticate, request, state, presented)


def _authenticate(request: Request, state: ServiceState, presented: str | None) -> Caller:
    session = None if presented else _session(request, state)
    if session is not None:
        key: ApiKey | None = session_key(session)
    else:
        key = _verified_key(request, state, presented) if presented else None
    return _caller(request, key, session)


def _caller(request: Request, key: ApiKey | None, session: Session | None) -> Caller:
    caller = Caller(key, access_for(key), session)
    request.state.access = caller.access
    request.state.caller = caller
    return caller


# where a session cookie is not read: the link form posts without a CSRF token (the link's
# token is the credential) and a new sign-in replaces whatever session the browser had
NO_SESSION_PATHS = frozenset({"/signin/link", "/signin/callback"})


def _session(request: Request, state: ServiceState) -> Session | None:
    """The live session of the request's cookie (None: no cookie, or an ended or expired
    session: the public); a write with it must carry its CSRF token (403 otherwise)."""
    token = session_token(request)
    if token is None or state.sessions is None or request.url.path in NO_SESSION_PATHS:
        return None
    session = state.sessions.find(token)
    if session is not None:
        check_csrf(request, token)
    return session


def _verified_key(request: Request, state: ServiceState, presented: str) -> ApiKey:
    """The key presented, verified before any refusal (docs/SECURITY.md): a malformed key or
    an unknown key id is refused without the KDF; a remembered secret passes without it; any
    other secret is hashed unless this client is over the failure limit for this key id."""
    check = get_keys(state).check(presented)
    key = check.remembered() if check is not None else None
    if key is not None:
        return key
    client = client_address(request, state.settings.http.trusted_proxies)
    if check is not None:
        limiter = get_limiter(state)
        limiter.check(client, check.key_id)
        key = check.verify()
        if key is not None:
            return key
        limiter.failed(client, check.key_id)
    log.warning("refused an invalid API key from %s", client)  # never the key itself
    raise Unauthorized("invalid or revoked API key", "key_refused")


CallerDep = Annotated[Caller, Depends(authenticate)]


def require(role: Role) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency that lets through keys of ``role`` or above (401 without a key)."""

    async def dependency(caller: CallerDep) -> Caller:  # a check: no thread hop
        if caller.key is None:
            raise Unauthorized(f"this route needs an API key with role '{role}' "
                               f"(header {API_KEY_HEADER})", "key_needed", {"role": role})
        if not caller.key.has_role(role):
            raise Forbidden(f"this route needs role '{role}'; the caller (key or session) has role "
                            f"'{caller.key.role}'", code="role_needed",
                            params={"role": role, "has": caller.key.role})
        return caller

    dependency.__name__ = f"require_{role}"
    return dependency


ReaderDep = Annotated[Caller, Depends(require("reader"))]
EditorDep = Annotated[Caller, Depends(require("editor"))]
AdminDep = Annotated[Caller, Depends(require("admin"))]
KeysDep = Annotated[KeyStore, Depends(get_keys)]
