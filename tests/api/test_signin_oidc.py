"""#28: sign-in through a real OpenID Connect provider (node's oidc-provider, started here), and
ID tokens that must be refused: forged, expired, for another audience or issuer, replayed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.jose import JsonWebKey, jwt
from fastapi.testclient import TestClient

from api.app import create_app
from api.sessions import SESSION_COOKIE
from api.settings import SignInSettings
from api.signin import SignIn, SignInFailed
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from tests.api.oidc_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    EDITORS,
    MEMBER_EMAIL,
    oidc_provider,
    sign_in_at_provider,
)
from tests.conftest import TEST_DATA, make_settings

CALLBACK = "http://testserver/signin/callback"
ORG = {"id": "org-oidc", "name": "OIDC Org", "kind": "ngo"}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with oidc_provider(CALLBACK) as url:
        yield url


@dataclass
class Service:
    client: TestClient
    admin: dict[str, str]

    def sign_in(self, login: str) -> httpx.Response:
        """The whole flow: /signin, the provider's login form, back to /signin/callback."""
        start = self.client.get("/signin", follow_redirects=False)
        assert start.status_code == 303, start.text
        assert "ws_signin=" in start.headers["set-cookie"]
        back = sign_in_at_provider(start.headers["location"], login, CALLBACK)
        return self.client.get(back.removeprefix("http://testserver"), follow_redirects=False)

    def audit_actions(self) -> list[str]:
        results = self.client.get("/admin/audit", headers=self.admin).json()["results"]
        return [e["action"] for e in results]


@pytest.fixture
def service(issuer: str, tmp_path: Path) -> Iterator[Service]:
    settings = make_settings(tmp_path / "home", signin={
        "oidc_issuer": issuer, "oidc_client_id": CLIENT_ID, "oidc_client_secret": CLIENT_SECRET,
        "oidc_editor_groups": [EDITORS]})
    store = SqliteStore(settings.storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    keys = KeyStore(store)
    editor = {"X-API-Key": keys.create("editor")[1]}
    admin = {"X-API-Key": keys.create("admin")[1]}
    with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
        # the API sets a member's sign-in e-mail (imports can too: it is a member field)
        member = client.get("/members/m-0001", headers=editor).json()
        record = store.get_member("m-0001").model_dump() | {"sign_in_email": MEMBER_EMAIL.upper()}
        r = client.put("/members/m-0001", json=record, headers=editor)
        assert r.status_code == 200, r.text
        assert member["member_id"] == "m-0001"
        assert "sign_in_email" not in client.get("/members/m-0001").json()  # never shown
        yield Service(client, admin)
    store.close()


def test_a_member_signs_in_with_the_provider(service: Service) -> None:
    done = service.sign_in("amina")
    assert done.status_code == 303 and done.headers["location"] == "/", done.text
    cookie = done.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie
    me = service.client.get("/session").json()
    assert me["signed_in"] and me["provider"] and me["via"] == "oidc"
    assert me["role"] == "member" and me["member_id"] == "m-0001"
    assert me["name"] == "Grace Wanjiru"  # the member record's name
    assert service.client.get("/contributions/c-00007").status_code == 200  # their own
    assert service.client.get("/contributions/c-00028").status_code == 404
    assert "sign-in" in service.audit_actions()


def test_a_coordinator_signs_in_by_group_and_writes_with_the_csrf_token(
        service: Service) -> None:
    first = service.sign_in("carla")
    assert first.status_code == 303
    old = service.client.cookies.get(SESSION_COOKIE)
    assert service.sign_in("carla").status_code == 303
    assert service.client.cookies.get(SESSION_COOKIE) != old  # rotated at every sign-in
    me = service.client.get("/session").json()
    assert me["role"] == "editor" and me["member_id"] is None
    assert me["name"] == "Carla Coordinator"
    assert service.client.post("/organisations", json=ORG).status_code == 403
    r = service.client.post("/organisations", json=ORG,
                            headers={"X-CSRF-Token": me["csrf_token"]})
    assert r.status_code == 201, r.text
    service.client.cookies.clear()
    service.client.cookies.set(SESSION_COOKIE, old or "")
    assert service.client.get("/session").json()["signed_in"] is False  # the old one ended


@pytest.mark.parametrize("login", ["nobody", "unverified"])
def test_an_identity_bound_to_nobody_gets_a_clear_page(service: Service, login: str) -> None:
    r = service.sign_in(login)
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    assert "neither a member" in r.text and "Back to Wellspring" in r.text
    assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
    assert service.client.get("/session").json()["signed_in"] is False
    assert "sign-in-failed" in service.audit_actions()


def test_a_callback_from_another_browser_is_refused(service: Service, issuer: str) -> None:
    start = service.client.get("/signin", follow_redirects=False)
    back = sign_in_at_provider(start.headers["location"], "carla", CALLBACK)
    service.client.cookies.delete("ws_signin")  # a browser that did not start this sign-in
    r = service.client.get(back.removeprefix("http://testserver"), follow_redirects=False)
    assert r.status_code == 400 and "state" in r.text
    r = service.client.get("/signin/callback?error=access_denied&state=x")
    assert r.status_code == 400 and "access_denied" in r.text
    start = service.client.get("/signin", follow_redirects=False)
    back = sign_in_at_provider(start.headers["location"], "carla", CALLBACK)
    mixed = back.replace("iss=http", "iss=https%3A%2F%2Fevil.example.org%2Fx")
    r = service.client.get(mixed.removeprefix("http://testserver"), follow_redirects=False)
    assert r.status_code == 400 and "another provider" in r.text


# -- ID tokens that must be refused -----------------------------------------------------------
THROWAWAY = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
OTHER = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
ISSUER = "https://id.example.org"


def _verifier() -> SignIn:
    """A client whose provider publishes THROWAWAY's public key (served by a mock transport)."""
    documents: dict[str, Any] = {
        "/.well-known/openid-configuration": {
            "issuer": ISSUER, "jwks_uri": f"{ISSUER}/jwks",
            "authorization_endpoint": f"{ISSUER}/auth", "token_endpoint": f"{ISSUER}/token"},
        "/jwks": {"keys": [THROWAWAY.as_dict(is_private=False)]},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=documents[request.url.path])

    settings = SignInSettings(oidc_issuer=ISSUER, oidc_client_id=CLIENT_ID)
    return SignIn(settings, transport=httpx.MockTransport(handler))


def _token(key: Any = THROWAWAY, alg: str = "RS256", **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "s-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
              "nonce": "n-1", "email": MEMBER_EMAIL, "email_verified": True} | changes
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": alg, "kid": "k1"}, claims, key).decode("ascii")


def test_a_good_token_passes() -> None:
    claims = _verifier().verify(_token(), "n-1")
    assert claims.subject == "s-1" and claims.email == MEMBER_EMAIL


@pytest.mark.parametrize("token", [
    pytest.param(lambda: _token(key=OTHER), id="forged"),
    pytest.param(lambda: _token(exp=int(time.time()) - 3600), id="expired"),
    pytest.param(lambda: _token(aud="another-client"), id="wrong-audience"),
    pytest.param(lambda: _token(iss="https://evil.example.org"), id="wrong-issuer"),
    pytest.param(lambda: _token(nonce="n-other"), id="wrong-nonce"),
    pytest.param(lambda: _token(nonce=None), id="no-nonce"),
    pytest.param(lambda: _token(exp=None), id="no-expiry"),
    pytest.param(lambda: _token(key=b"a-shared-secret-of-enough-bytes!", alg="HS256"),
                 id="symmetric"),
    pytest.param(lambda: _token().rsplit(".", 1)[0] + ".", id="unsigned"),
    pytest.param(lambda: "not.a.token", id="garbage"),
])
def test_bad_tokens_are_refused(token: Any) -> None:
    with pytest.raises(SignInFailed):
        _verifier().verify(token(), "n-1")


def test_a_token_forged_for_the_real_provider_is_refused(issuer: str) -> None:
    verifier = SignIn(SignInSettings(oidc_issuer=issuer, oidc_client_id=CLIENT_ID))
    with pytest.raises(SignInFailed):
        verifier.verify(_token(iss=issuer), "n-1")
    assert json.dumps(verifier.metadata()).count(issuer) > 1  # it did read the real provider
