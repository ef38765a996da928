"""People sign in (issue #28): the provider's flow, one-time links, the session, sign-out.

``GET /signin`` sends the browser to the community's OpenID Connect provider (or, with none
configured, back to the page's API key field); the provider sends it back to
``/signin/callback``. ``GET /session`` says who is signed in and gives the page its CSRF token.
The work is in ``api/signin.py`` (the provider) and ``api/sessions.py`` (sessions, links).
"""

from __future__ import annotations

import logging
from typing import Annotated

import httpx
from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from api.auth import CallerDep, EditorDep, KeysDep
from api.deps import StateDep, get_community_now
from api.sessions import (
    csrf_token,
    end_session,
    failed_sign_in,
    issue_link,
    open_session,
    secure_cookie,
    session_token,
    use_link,
)
from api.signin import NotBound, Pending, SignInFailed, member_finder
from api.signin_pages import link_page, message_page, page_language
from api.state import ServiceState
from indexing.errors import WellspringError
from indexing.store.sessions import LinkRefused, SessionStore

log = logging.getLogger(__name__)
router = APIRouter(tags=["sign-in"])
PENDING_COOKIE = "ws_signin"
TokenQuery = Annotated[str, Query(min_length=1, max_length=128, description="The link's token")]


class SessionOut(BaseModel):
    """Who the page is signed in as (``signed_in`` false: the public, or an API key)."""

    signed_in: bool
    provider: bool = Field(description="Whether an OpenID Connect provider is configured")
    name: str | None = None
    role: str | None = None
    member_id: str | None = None
    via: str | None = Field(None, description="oidc (the provider) or link (a sign-in link)")
    expires_at: float | None = Field(None, description="Epoch seconds")
    csrf_token: str | None = Field(None, description="Send as X-CSRF-Token with every write")


class SignOutOut(BaseModel):
    signed_out: bool


class SignInLinkOut(BaseModel):
    member_id: str
    url: str = Field(description="Works once, until expires_at; give it to the member only")
    expires_at: float = Field(description="Epoch seconds")


def _sessions(state: ServiceState) -> SessionStore:
    if state.sessions is None:
        raise state.not_ready()
    return state.sessions


def _redirect_uri(request: Request, state: ServiceState) -> str:
    return state.settings.signin.oidc_redirect_url or str(request.url_for("signin_callback"))


@router.get("/session", response_model=SessionOut)
def current_session(request: Request, state: StateDep, caller: CallerDep) -> SessionOut:
    """The signed-in person (name, role, member) and the CSRF token their writes carry."""
    provider = state.signin is not None
    session, token = caller.session, session_token(request)
    if session is None or token is None:
        return SessionOut(signed_in=False, provider=provider)
    who = session.identity
    return SessionOut(signed_in=True, provider=provider, name=who.name, role=who.role,
                      member_id=who.member_id, via=who.via, expires_at=session.expires_at,
                      csrf_token=csrf_token(token))


def _language(request: Request) -> str:
    """The sign-in pages' language: the browser's, among the page's five."""
    return page_language(request.headers.get("accept-language"))


@router.get("/signin", response_class=RedirectResponse, status_code=303)
def sign_in(request: Request, state: StateDep) -> Response:
    """To the provider's sign-in (303), or to the page's key field when none is configured."""
    if state.signin is None:
        return RedirectResponse("/#key-form", status_code=303)
    try:
        url, pending = state.signin.start(_redirect_uri(request, state))
    except (httpx.HTTPError, WellspringError) as exc:
        log.error("the identity provider cannot be reached: %s", exc)
        return message_page("unreachable", _language(request), 503)
    response = RedirectResponse(url, status_code=303)
    secure = secure_cookie(request, state.settings.signin.session_cookie_secure,
                           state.settings.http.trusted_proxies)
    response.set_cookie(PENDING_COOKIE, pending.cookie(), max_age=600, path="/signin",
                        httponly=True, samesite="lax", secure=secure)
    return response


@router.get("/signin/callback", name="signin_callback", include_in_schema=False)
def sign_in_callback(
    request: Request, state: StateDep,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state_param: Annotated[str | None, Query(alias="state", max_length=256)] = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
    iss: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    """Where the provider sends the browser back: verify, bind to a person, open a session
    (an ``iss`` parameter, RFC 9207, must name the configured provider)."""
    if state.signin is None:
        return message_page("noProvider", _language(request), 404)
    pending = Pending.parse(request.cookies.get(PENDING_COOKIE))
    try:
        if error or not code or not state_param:
            raise SignInFailed(f"the provider did not sign you in ({error or 'no code'})")
        if iss is not None and iss.rstrip("/") != state.settings.signin.oidc_issuer:
            raise SignInFailed("the answer came from another provider than the configured one")
        claims = state.signin.finish(code, state_param, pending, _redirect_uri(request, state))
        identity = state.signin.bind(claims, member_finder(state.community))
    except NotBound:
        failed_sign_in(state, "oidc", "the identity binds to no member or coordinator")
        return message_page("notMember", _language(request), 403)
    except SignInFailed as exc:
        failed_sign_in(state, "oidc", str(exc))
        return message_page("failed", _language(request), 400, str(exc))
    except httpx.HTTPError as exc:
        log.error("the identity provider cannot be reached: %s", exc)
        return message_page("unreachable", _language(request), 503)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(PENDING_COOKIE, path="/signin")
    open_session(request, response, state, identity)
    return response


@router.post("/signout", response_model=SignOutOut)
def sign_out(request: Request, response: Response, state: StateDep, caller: CallerDep
             ) -> SignOutOut:
    """End this browser's session everywhere (every replica refuses it from now on)."""
    return SignOutOut(signed_out=end_session(request, response, state))


@router.get("/signin/link", include_in_schema=False)
def sign_in_link_page(request: Request, token: TokenQuery) -> Response:
    """The one-time link's page: a button that uses it (fetching the link spends nothing)."""
    return link_page(token, _language(request))


@router.post("/signin/link", include_in_schema=False)
def use_sign_in_link(request: Request, state: StateDep,
                     token: Annotated[str, Form(min_length=1, max_length=128)]) -> Response:
    """Spend a one-time link: a session for its member (403 page when used or expired)."""
    try:
        identity = use_link(state, token)
    except LinkRefused as exc:
        return message_page("linkRefused", _language(request), 403, str(exc))
    response = RedirectResponse("/", status_code=303)
    open_session(request, response, state, identity)
    return response


@router.post("/members/{member_id}/sign-in-link", response_model=SignInLinkOut,
             status_code=201, tags=["members"],
             responses={404: {"description": "No such member"}})
def create_sign_in_link(
    request: Request, state: StateDep, keys: KeysDep, caller: EditorDep,
    member_id: Annotated[str, Path(min_length=1, max_length=128)],
) -> SignInLinkOut:
    """A one-time sign-in link for a member (editor role): give it to them only."""
    base = state.settings.signin.public_url or str(request.base_url)
    get_community_now(state)  # 503 while not ready
    url, expires_at = issue_link(keys, _sessions(state), member_id, caller.key_id, base,
                                 state.settings.signin.sign_in_link_ttl_s)
    return SignInLinkOut(member_id=member_id, url=url, expires_at=expires_at)
