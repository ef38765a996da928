"""#28: member keys, one-time sign-in links, session cookies with CSRF tokens and sign-out, on
SQLite and on PostgreSQL (two apps over one database stand for two replicas)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.sessions import SESSION_COOKIE, csrf_token
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore, Store
from indexing.store.keys import KeyStore
from indexing.store.sessions import Identity, SessionStore
from tests.conftest import TEST_DATA, make_settings

ORG = {"id": "org-signin", "name": "Sign-in Org", "kind": "ngo"}
OWN_PRIVATE = "c-00007"  # m-0001's, in the private space nrw-taskforce
OTHERS_PRIVATE = "c-00028"  # m-0006's, in the private space board


@dataclass
class Service:
    client: TestClient
    settings: Settings
    store: Store
    keys: dict[str, str]
    replicas: list[TestClient] = field(default_factory=list)

    def h(self, role: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}

    def sessions(self) -> SessionStore:
        return SessionStore(self.store)  # type: ignore[arg-type]


def _fill(store: Store) -> dict[str, str]:
    assert not ingest_paths(store, [TEST_DATA]).errors
    keys = KeyStore(store)  # type: ignore[arg-type]
    return {"editor": keys.create("editor", name="editor")[1],
            "reader": keys.create("reader", name="reader")[1],
            "admin": keys.create("admin", name="admin")[1],
            "member": keys.create("member", name="m-0001's", member_id="m-0001")[1]}


@pytest.fixture(params=["sqlite", "postgres"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    if request.param == "postgres":
        from indexing.store.postgres import PostgresStore

        url = request.getfixturevalue("pg_url")
        settings = make_settings(tmp_path / "home", storage={"database_url": url})
        store: Store = PostgresStore(url)
        keys = _fill(store)
        other = create_app(make_settings(tmp_path / "home2", storage={"database_url": url}),
                           encoder=HashingEncoder())
        with TestClient(create_app(settings, encoder=HashingEncoder())) as client, \
                TestClient(other) as replica:
            yield Service(client, settings, store, keys, [client, replica])
    else:
        settings = make_settings(tmp_path / "home")
        store = SqliteStore(settings.storage.database_path)
        keys = _fill(store)
        with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
            yield Service(client, settings, store, keys, [client])
    store.close()


def _signed_in(service: Service, role: str = "editor", member_id: str | None = None,
               client: TestClient | None = None) -> tuple[TestClient, str]:
    """A session opened in the store and its cookie set on the client; the token."""
    identity = Identity(f"oidc:test-{role}", f"Test {role}", role, member_id)
    _, token = service.sessions().open(identity, 600)
    client = client or service.client
    client.cookies.set(SESSION_COOKIE, token)
    return client, token


# -- member keys ------------------------------------------------------------------------------
def test_a_member_key_sees_the_public_and_its_own(service: Service) -> None:
    c, member = service.client, service.h("member")
    assert c.get(f"/contributions/{OWN_PRIVATE}", headers=member).status_code == 200
    assert c.get(f"/contributions/{OWN_PRIVATE}").status_code == 404  # the public does not
    assert c.get(f"/contributions/{OTHERS_PRIVATE}", headers=member).status_code == 404
    own = c.get("/members/m-0001", headers=member).json()
    public_own = c.get("/members/m-0001").json()
    assert own["contact"] and public_own["contact"] is None
    assert own["contributions"] > public_own["contributions"]
    other = c.get("/members/m-0006", headers=member).json()
    assert other["contact"] is None
    assert other == c.get("/members/m-0006").json()  # another member: as the public sees them


def test_a_member_key_searches_as_the_public(service: Service) -> None:
    c, member = service.client, service.h("member")
    params = {"q": "acoustic leak detection", "top": 20}
    mine = c.get("/experts", params=params, headers=member)
    public = c.get("/experts", params=params)
    assert mine.status_code == 200, mine.text
    assert [m["member_id"] for m in mine.json()["results"]] == [
        m["member_id"] for m in public.json()["results"]]
    r = c.get("/experts", params=params | {"project_id": "p-1"}, headers=member)
    assert r.status_code == 401 and r.json()["field"] == "project_id"  # a project's outcomes


@pytest.mark.parametrize("method,path,body", [
    ("post", "/organisations", ORG), ("delete", "/members/m-0002", None),
    ("get", "/admin/keys", None), ("post", "/members/m-0002/sign-in-link", None)])
def test_a_member_key_gets_403_on_editor_and_admin_routes(service: Service, method: str,
                                                          path: str, body: Any) -> None:
    r = service.client.request(method.upper(), path, json=body, headers=service.h("member"))
    assert r.status_code == 403, r.text
    assert r.json()["field"] == "X-API-Key"


def test_member_keys_over_http(service: Service) -> None:
    c, admin = service.client, service.h("admin")
    r = c.post("/admin/keys", json={"role": "member", "member_id": "m-0006"}, headers=admin)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["member_id"] == "m-0006" and made["role"] == "member" and made["spaces"] == []
    key = {"X-API-Key": made["key"]}
    assert c.get(f"/contributions/{OTHERS_PRIVATE}", headers=key).status_code == 200
    listed = {k["key_id"]: k for k in c.get("/admin/keys", headers=admin).json()["results"]}
    assert listed[made["key_id"]]["member_id"] == "m-0006"
    bad = [({"role": "member"}, 422, "member_id"),
           ({"role": "reader", "member_id": "m-0001"}, 422, "member_id"),
           ({"role": "member", "member_id": "m-0001", "spaces": ["board"]}, 422, "spaces"),
           ({"role": "member", "member_id": "m-9999"}, 404, None),
           ({"role": "member", "member_id": "m 1"}, 422, "member_id")]
    for body, status, fieldname in bad:
        r = c.post("/admin/keys", json=body, headers=admin)
        assert r.status_code == status, (body, r.text)
        if fieldname:
            assert r.json()["field"].endswith(fieldname), r.json()


# -- sign-in links ----------------------------------------------------------------------------
def test_a_sign_in_link_works_once(service: Service) -> None:
    c = service.client
    assert c.post("/members/m-0001/sign-in-link", headers=service.h("reader")).status_code == 403
    r = c.post("/members/m-0001/sign-in-link", headers=service.h("editor"))
    assert r.status_code == 201, r.text
    url = r.json()["url"]
    assert "/signin/link?token=" in url and r.json()["expires_at"] > time.time()
    token = url.split("token=")[1]
    page = c.get(f"/signin/link?token={token}")  # fetching the link spends nothing
    assert page.status_code == 200 and 'action="/signin/link"' in page.text
    used = c.post("/signin/link", data={"token": token}, follow_redirects=False)
    assert used.status_code == 303 and used.headers["location"] == "/"
    cookie = used.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower() and "Max-Age=" in cookie
    me = c.get("/session").json()
    assert me["signed_in"] and me["role"] == "member" and me["member_id"] == "m-0001"
    assert me["via"] == "link" and me["name"] == "Grace Wanjiru"
    assert c.get(f"/contributions/{OWN_PRIVATE}").status_code == 200  # through the cookie
    assert c.get(f"/contributions/{OTHERS_PRIVATE}").status_code == 404
    again = c.post("/signin/link", data={"token": token})
    assert again.status_code == 403 and "unknown, used or expired" in again.text
    audit = c.get("/admin/audit", headers=service.h("admin")).json()["results"]
    actions = [e["action"] for e in audit]
    assert {"sign-in-link-issued", "sign-in-link-used", "sign-in", "sign-in-failed"} <= set(
        actions)


def test_an_expired_or_unknown_link_is_refused(service: Service) -> None:
    token, _ = service.sessions().issue_link("m-0001", "test", 60, now=time.time() - 120)
    for presented in (token, "x" * 43):
        r = service.client.post("/signin/link", data={"token": presented})
        assert r.status_code == 403 and "unknown, used or expired" in r.text
        assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
    r = service.client.post("/members/m-9999/sign-in-link", headers=service.h("editor"))
    assert r.status_code == 404


def test_the_cli_prints_a_sign_in_link(service: Service, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    monkeypatch.setenv("WELLSPRING_HOME", str(service.settings.storage.home))
    if service.settings.storage.database_url:
        monkeypatch.setenv("WELLSPRING_DATABASE_URL", service.settings.storage.database_url)
    monkeypatch.setenv("WELLSPRING_PUBLIC_URL", "https://experts.example.org")
    assert main(["members", "sign-in-link", "m-0001"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://experts.example.org/signin/link?token=")
    r = service.client.post("/signin/link", data={"token": url.split("token=")[1]},
                            follow_redirects=False)
    assert r.status_code == 303
    assert main(["keys", "create", "--role", "member", "--member", "m-0001"]) == 0
    plain = capsys.readouterr().out.strip()
    headers = {"X-API-Key": plain}
    assert service.client.get(f"/contributions/{OWN_PRIVATE}", headers=headers).status_code == 200
    assert main(["keys", "create", "--role", "member", "--member", "m-9999"]) == 2
    assert "m-9999" in capsys.readouterr().err


# -- sessions: CSRF, sign-out, every replica ----------------------------------------------------
def test_a_cookie_write_needs_the_csrf_token(service: Service) -> None:
    client, token = _signed_in(service, "editor")
    r = client.post("/organisations", json=ORG)
    assert r.status_code == 403 and r.json()["field"] == "X-CSRF-Token", r.text
    r = client.post("/organisations", json=ORG, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    me = client.get("/session").json()
    assert me["csrf_token"] == csrf_token(token) and me["role"] == "editor"
    r = client.post("/organisations", json=ORG, headers={"X-CSRF-Token": me["csrf_token"]})
    assert r.status_code == 201, r.text
    audit = client.get("/admin/audit", headers=service.h("admin")).json()["results"]
    assert audit[0]["key_id"] == "oidc:test-editor"  # the person, in the audit log


def test_api_keys_need_no_csrf_token_even_beside_a_cookie(service: Service) -> None:
    client, _ = _signed_in(service, "reader")
    r = client.post("/organisations", json=ORG, headers=service.h("editor"))
    assert r.status_code == 201, r.text


def test_a_member_session_is_refused_on_editor_routes(service: Service) -> None:
    client, token = _signed_in(service, "member", "m-0001")
    r = client.post("/organisations", json=ORG, headers={"X-CSRF-Token": csrf_token(token)})
    assert r.status_code == 403 and r.json()["field"] == "X-API-Key"


def test_sign_out_ends_the_session_on_every_replica(service: Service) -> None:
    _, token = _signed_in(service, "editor")
    for replica in service.replicas:
        replica.cookies.set(SESSION_COOKIE, token)
        assert replica.get("/session").json()["signed_in"]
    first = service.replicas[0]
    r = first.post("/signout", headers={"X-CSRF-Token": csrf_token(token)})
    assert r.status_code == 200 and r.json() == {"signed_out": True}
    assert f'{SESSION_COOKIE}=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers[
        "set-cookie"]
    for replica in service.replicas:
        replica.cookies.set(SESSION_COOKIE, token)  # a browser that kept the cookie
        assert replica.get("/session").json()["signed_in"] is False
        r = replica.post("/organisations", json=ORG, headers={"X-CSRF-Token": csrf_token(token)})
        assert r.status_code == 401
    actions = [e["action"] for e in first.get("/admin/audit", headers=service.h("admin")
                                              ).json()["results"]]
    assert "sign-out" in actions


def test_sign_out_without_the_csrf_token_is_refused(service: Service) -> None:
    client, _ = _signed_in(service, "editor")
    assert client.post("/signout").status_code == 403
    assert client.get("/session").json()["signed_in"]


def test_an_expired_session_is_the_public(service: Service) -> None:
    identity = Identity("oidc:old", "Old", "editor")
    _, token = service.sessions().open(identity, 60, now=time.time() - 120)
    service.client.cookies.set(SESSION_COOKIE, token)
    assert service.client.get("/session").json()["signed_in"] is False
    assert service.client.get(f"/contributions/{OWN_PRIVATE}").status_code == 404


def test_without_a_provider_sign_in_leads_to_the_key_field(service: Service) -> None:
    r = service.client.get("/signin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/#key-form"
    assert service.client.get("/session").json() == {
        "signed_in": False, "provider": False, "name": None, "role": None, "member_id": None,
        "via": None, "expires_at": None, "csrf_token": None}


@pytest.mark.parametrize("scheme,peer,forwarded,trusted,rule,secure", [
    ("https", "10.0.0.9", "", [], "auto", True),
    ("http", "10.0.0.9", "", [], "auto", False),
    ("http", "127.0.0.1", "https", ["127.0.0.1"], "auto", True),  # TLS ends at a trusted proxy
    ("http", "10.0.0.9", "https", ["127.0.0.1"], "auto", False),  # anyone else's header
    ("http", "10.0.0.9", "", [], "always", True),
    ("https", "10.0.0.9", "", [], "never", False),
])
def test_the_session_cookie_is_secure_over_tls(scheme: str, peer: str, forwarded: str,
                                               trusted: list[str], rule: str,
                                               secure: bool) -> None:
    from starlette.requests import Request

    from api.sessions import secure_cookie

    headers = [(b"x-forwarded-proto", forwarded.encode())] if forwarded else []
    request = Request({"type": "http", "scheme": scheme, "method": "GET", "path": "/",
                       "headers": headers, "client": (peer, 1234), "server": ("h", 80),
                       "query_string": b""})
    assert secure_cookie(request, rule, trusted) is secure  # type: ignore[arg-type]
