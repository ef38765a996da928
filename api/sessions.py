"""The page's sessions on the wire: the cookie, its CSRF token, and the caller a session is.

The cookie (``ws_session``) holds the session's token: HttpOnly, SameSite=Lax, Secure over TLS
(setting ``session_cookie_secure``), ``Max-Age`` the session's lifetime. The store keeps only the
token's hash (``indexing/store/sessions.py``), so every replica honours it and sign-out ends it
everywhere at once. A new token is made at every sign-in (the old session, if any, is ended).

Every write authenticated by the cookie must carry ``X-CSRF-Token``: an HMAC of the session's
token that the page reads from ``GET /session`` (same origin only; a cross-site page can neither
read it nor send a custom header without CORS, which is off by default). API keys in
``X-API-Key`` need no CSRF token: a browser never sends them on its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence

from fastapi import Request, Response

from api.clients import came_over_https
from api.settings import CookieSecure, ServiceSettings
from api.state import ServiceState
from indexing.errors import NotFound, WellspringError
from indexing.store.keys import ApiKey, KeyStore, Role
from indexing.store.sessions import Identity, LinkRefused, Session, SessionStore

SESSION_COOKIE = "ws_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(WellspringError):
    """A cookie-authenticated write without the session's CSRF token (403)."""

    field = CSRF_HEADER


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: derived from its secret token, never stored."""
    digest = hmac.new(session_token.encode("utf-8"), b"wellspring-csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def session_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    return token if token and len(token) <= 128 else None


def check_csrf(request: Request, token: str) -> None:
    """Refuse a cookie-authenticated write whose X-CSRF-Token is missing or wrong."""
    if request.method in SAFE_METHODS:
        return
    presented = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(presented.encode("utf-8"), csrf_token(token).encode("utf-8")):
        raise CsrfRefused(f"a write signed in by the session cookie needs the {CSRF_HEADER} "
                          "header (GET /session gives it)")


def session_key(session: Session) -> ApiKey:
    """What a session acts as: a key of its role, named by the person's subject (the audit
    log's key id for their writes)."""
    identity = session.identity
    role: Role = identity.role  # type: ignore[assignment]  # stored from Role values only
    created = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(session.created_at))
    return ApiKey(key_id=identity.subject, name=identity.name, role=role,
                  spaces=identity.spaces, created_at=created, revoked_at=None,
                  member_id=identity.member_id)


def secure_cookie(request: Request, rule: CookieSecure, trusted_proxies: Sequence[str]) -> bool:
    """The Secure flag: always, never, or (auto) when the client came over https (directly or
    through a trusted proxy's X-Forwarded-Proto)."""
    return rule == "always" or (rule == "auto" and came_over_https(request, trusted_proxies))


def set_session_cookie(response: Response, request: Request, token: str,
                       settings: ServiceSettings) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.signin.session_ttl_s, path="/",
                        httponly=True, samesite="lax", secure=secure_cookie(
                            request, settings.signin.session_cookie_secure,
                            settings.http.trusted_proxies))


def clear_session_cookie(response: Response, request: Request, settings: ServiceSettings
                         ) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=secure_cookie(request, settings.signin.session_cookie_secure,
                                                settings.http.trusted_proxies))


def open_session(request: Request, response: Response, state: ServiceState,
                 identity: Identity) -> Session:
    """Sign ``identity`` in: a new session and token (the browser's previous session, if any,
    ends: the token is rotated at every sign-in), its cookie, and an audit line."""
    sessions, keys = _stores(state)
    old = session_token(request)
    if old is not None:
        sessions.end(old)
    session, token = sessions.open(identity, state.settings.signin.session_ttl_s)
    set_session_cookie(response, request, token, state.settings)
    keys.audit(identity.subject, "sign-in", "session", [identity.member_id or identity.subject],
               {"via": identity.via, "role": identity.role, "session": session.session_id})
    return session


def end_session(request: Request, response: Response, state: ServiceState) -> bool:
    """Sign out: the session ends in the store (so on every replica at once) and its cookie
    is cleared; whether there was a live one."""
    sessions, keys = _stores(state)
    token = session_token(request)
    session = sessions.find(token) if token is not None else None
    ended = token is not None and sessions.end(token)
    clear_session_cookie(response, request, state.settings)
    if session is not None and ended:
        keys.audit(session.identity.subject, "sign-out", "session",
                   [session.identity.member_id or session.identity.subject],
                   {"session": session.session_id})
    return bool(ended)


def failed_sign_in(state: ServiceState, via: str, reason: str, subject: str = "unknown") -> None:
    """An audit line for a refused sign-in (why, in words without contact details)."""
    if state.keys is not None:
        state.keys.audit(subject, "sign-in-failed", "session", [], {"via": via,
                                                                    "reason": reason[:200]})


def issue_link(keys: KeyStore, sessions: SessionStore, member_id: str, issued_by: str,
               base_url: str, ttl: int) -> tuple[str, float]:
    """A one-time sign-in link for a member (the CLI and POST /members/{id}/sign-in-link):
    the member must exist in the store the keys live in; the link expires after ``ttl``
    seconds (setting ``sign_in_link_ttl_s``); audited."""
    member = keys.store.get_member(member_id)  # NotFound names the member
    token, expires_at = sessions.issue_link(member.id, issued_by, ttl)
    keys.audit(issued_by, "sign-in-link-issued", "member", [member.id], {"ttl_s": ttl})
    return f"{base_url.rstrip('/')}/signin/link?token={token}", expires_at


def use_link(state: ServiceState, token: str) -> Identity:
    """The member a one-time link signs in (``LinkRefused`` when unknown, used or expired, or
    when its member is gone); audited either way."""
    sessions, keys = _stores(state)
    if state.community is None:
        raise LinkRefused("the service is not ready; try the link again in a minute")
    try:
        member_id = sessions.use_link(token)
        member = state.community.store.get_member(member_id)
    except (LinkRefused, NotFound) as exc:
        failed_sign_in(state, "link", "a sign-in link that is unknown, used or expired")
        raise LinkRefused("this sign-in link is unknown, used or expired") from exc
    keys.audit(f"link:{member.id}", "sign-in-link-used", "member", [member.id], {})
    return Identity(subject=f"link:{member.id}", name=member.name, role="member",
                    member_id=member.id, via="link")


def _stores(state: ServiceState) -> tuple[SessionStore, KeyStore]:
    if state.sessions is None or state.keys is None:
        raise state.not_ready()
    return state.sessions, state.keys
