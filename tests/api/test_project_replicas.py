"""Projects over HTTP on SQLite and on PostgreSQL (issue #30): two apps over one PostgreSQL
database stand for two replicas; a signed-in coordinator acts as a key of their role; members'
own choices hold in a project's suggestions."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.sessions import SESSION_COOKIE, csrf_token
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from indexing.store.sessions import Identity, SessionStore
from tests.conftest import TEST_DATA, make_settings

ME = "m-0001"
BRIEF = {"title": "NRW", "needs": ["acoustic leak detection in district metered areas",
                                   "pressure management", "faecal sludge management",
                                   "desalination"], "size": 5,
         "spaces": ["nrw-taskforce"]}


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the other replica never applied the change"
        time.sleep(0.1)


@pytest.fixture(params=["sqlite", "postgres"])
def replicas(request: pytest.FixtureRequest, tmp_path: Path
             ) -> Iterator[tuple[Any, dict[str, str], list[TestClient]]]:
    extra: dict[str, Any] = {"http": {"suggestion_flush_ms": 0}}
    if request.param == "postgres":
        from indexing.store.postgres import PostgresStore

        url = request.getfixturevalue("pg_url")
        store: Any = PostgresStore(url)
        settings = [make_settings(tmp_path / name, storage={"database_url": url},
                                  index={"feed_poll_seconds": 0.2}, **extra)
                    for name in ("home", "home2")]
    else:
        settings = [make_settings(tmp_path / "home", **extra)]
        store = SqliteStore(settings[0].storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    keys = KeyStore(store)
    made = {"admin": keys.create("admin", name="admin")[1],
            "coordinator": keys.create("editor", ("nrw-taskforce",), "coordinator")[1],
            "elsewhere": keys.create("editor", ("elsewhere",), "other editor")[1],
            "me": keys.create("member", name="m-0001's", member_id=ME)[1]}
    clients = [TestClient(create_app(s, encoder=HashingEncoder())) for s in settings]
    for c in clients:
        c.__enter__()
    try:
        yield store, made, clients
    finally:
        for c in clients:
            c.__exit__(None, None, None)
        store.close()


def _team(client: TestClient, pid: str, headers: dict[str, str]) -> list[str]:
    r = client.post(f"/projects/{pid}/suggest", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    return [p["member_id"] for p in body["team"] + body["invitations"]]


def test_a_signed_in_coordinators_project_on_every_replica(
        replicas: tuple[Any, dict[str, str], list[TestClient]]) -> None:
    store, keys, clients = replicas
    first, other = clients[0], clients[-1]
    identity = Identity("oidc:ada", "Ada", "editor", None, ("nrw-taskforce",), "oidc")
    _, token = SessionStore(store).open(identity, 600)
    first.cookies.set(SESSION_COOKIE, token)
    csrf = {"X-CSRF-Token": csrf_token(token)}
    try:
        r = first.post("/projects", json=BRIEF, headers=csrf)
        assert r.status_code == 201, r.text
        pid = r.json()["project_id"]
        assert r.json()["owner"] == "oidc:ada"
        team = _team(first, pid, csrf)
        assert ME in team and len(team) > 1, team
        declined = next(m for m in team if m != ME)
        r = first.put(f"/projects/{pid}/people/{declined}",
                      json={"status": "declined_not_my_field"}, headers=csrf)
        assert r.status_code == 200, r.text
    finally:
        first.cookies.clear()
    coordinator = {"X-API-Key": keys["coordinator"]}  # another editor of the same space
    r = other.get(f"/projects/{pid}", headers=coordinator)
    assert r.status_code == 200 and {p["member_id"] for p in r.json()["people"]} >= set(team)
    assert other.get(f"/projects/{pid}",
                     headers={"X-API-Key": keys["elsewhere"]}).status_code == 404
    assert declined not in _team(other, pid, coordinator)
    # the member's own choice holds in the project's suggestions, on every replica
    r = first.patch("/me", json={"consent": "out"}, headers={"X-API-Key": keys["me"]})
    assert r.status_code == 200, r.text
    eventually(lambda: ME not in _team(other, pid, coordinator))
    assert ME not in _team(first, pid, coordinator)
