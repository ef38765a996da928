"""#29: a member's own view and say (GET/PATCH/DELETE /me, topics, matching switches, export),
through real HTTP with a member key and a member session, on SQLite and on PostgreSQL (two apps
over one database stand for two replicas: a change made through one holds on the other)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.sessions import SESSION_COOKIE, csrf_token
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.schema import contribution_key, member_key
from indexing.settings import Settings
from indexing.store import SqliteStore, Store
from indexing.store.keys import KeyStore
from indexing.store.sessions import Identity, SessionStore
from indexing.vectors.encoding import text_hashes
from tests.conftest import TEST_DATA, make_settings

ME = "m-0001"  # core, Nairobi leak detection; c-00007 is hers, in a private space
OCCASIONAL = "m-0004"  # occasional: faecal sludge in Dakar
OTHERS = "c-00028"  # m-0006's
LEAKS = "acoustic leak detection in district metered areas"


@dataclass
class Service:
    settings: Settings
    store: Store
    keys: dict[str, str]
    replicas: list[TestClient] = field(default_factory=list)

    @property
    def client(self) -> TestClient:
        return self.replicas[0]

    @property
    def other(self) -> TestClient:
        """The second replica on PostgreSQL; the same service on SQLite."""
        return self.replicas[-1]

    def h(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}


def _fill(store: Store) -> dict[str, str]:
    assert not ingest_paths(store, [TEST_DATA]).errors
    keys = KeyStore(store)  # type: ignore[arg-type]
    return {"admin": keys.create("admin", name="admin")[1],
            "reader": keys.create("reader", name="reader")[1],
            "editor": keys.create("editor", name="editor")[1],
            "me": keys.create("member", name="m-0001's", member_id=ME)[1],
            "occasional": keys.create("member", name="m-0004's", member_id=OCCASIONAL)[1]}


@pytest.fixture(params=["sqlite", "postgres"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    extra: dict[str, Any] = {"http": {"suggestion_flush_ms": 0},
                             "feedback": {"fair_exposure": "track"}}
    if request.param == "postgres":
        from indexing.store.postgres import PostgresStore

        url = request.getfixturevalue("pg_url")
        settings = make_settings(tmp_path / "home", storage={"database_url": url},
                                 index={"feed_poll_seconds": 0.2}, **extra)
        store: Store = PostgresStore(url)
        keys = _fill(store)
        other = create_app(make_settings(tmp_path / "home2", storage={"database_url": url},
                                         index={"feed_poll_seconds": 0.2}, **extra),
                           encoder=HashingEncoder())
        with TestClient(create_app(settings, encoder=HashingEncoder())) as client, \
                TestClient(other) as replica:
            yield Service(settings, store, keys, [client, replica])
    else:
        settings = make_settings(tmp_path / "home", **extra)
        store = SqliteStore(settings.storage.database_path)
        keys = _fill(store)
        with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
            yield Service(settings, store, keys, [client])
    store.close()


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Other replicas apply a change when they follow the feed (polled every 0.2 s here)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the other replica never applied the change"
        time.sleep(0.1)


def caught_up(service: Service) -> bool:
    """The other replica has applied every change committed to the store so far."""
    feed = service.other.get("/health/ready").json()["feed"]
    return feed is None or feed["applied_sequence"] >= service.store.change_sequence()


def names(client: TestClient, need: str, member_id: str, headers: dict[str, str] | None = None
          ) -> bool:
    r = client.get("/experts", params={"q": need, "top": 50}, headers=headers or {})
    assert r.status_code == 200, r.text
    return member_id in [m["member_id"] for m in r.json()["results"]]


def test_only_a_member_has_a_me(service: Service) -> None:
    c = service.client
    r = c.get("/me")
    assert r.status_code == 401 and r.json()["field"] == "X-API-Key"
    for who in ("admin", "reader"):
        r = c.get("/me", headers=service.h(who))
        assert r.status_code == 403, r.text
    me = c.get("/me", headers=service.h("me")).json()
    assert me["member"]["member_id"] == ME
    assert "nrw-taskforce" in me["member"]["spaces"]  # her private space: hers to see
    assert me["consent"] == {"choice": None, "policy": "opt_out", "suggested_to_others": True}
    assert me["topics"] and all(t["evidence"] and t["status"] == "inferred"
                                for t in me["topics"])
    evidence = {e["contribution_id"] for t in me["topics"] for e in t["evidence"]}
    assert "c-00007" in evidence  # her private contribution is her evidence, to her


def test_a_member_cannot_touch_anyone_elses(service: Service) -> None:
    c, me = service.client, service.h("me")
    r = c.put(f"/me/contributions/{OTHERS}/matching", json={"used": False}, headers=me)
    assert r.status_code == 404 and r.json()["field"] == "contribution_id"
    theirs = c.get("/me", headers=service.h("occasional")).json()["topics"]
    mine = {t["topic_id"] for t in c.get("/me", headers=me).json()["topics"]}
    foreign = next(t["topic_id"] for t in theirs if t["topic_id"] not in mine)
    r = c.put(f"/me/topics/{foreign}", json={"status": "rejected"}, headers=me)
    assert r.status_code == 404 and r.json()["field"] == "topic_id"
    r = c.put("/me/topics/t1", json={"status": "maybe"}, headers=me)
    assert r.status_code == 422 and "status" in r.json()["field"]
    r = c.patch("/me", json={"consent": "sometimes"}, headers=me)
    assert r.status_code == 422 and "consent" in r.json()["field"]
    r = c.patch("/me", json={"member_id": "m-0002"}, headers=me)  # no way to name another
    assert r.status_code == 422


def test_a_hidden_contribution_is_never_evidence_again(service: Service) -> None:
    c, me = service.client, service.h("me")
    need = "Halving night flows in Kayole DMA with ground microphones"
    before = c.get("/experts", params={"q": need, "top": 5}).json()["results"]
    grace = next(m for m in before if m["member_id"] == ME)
    assert "c-00005" in [e["contribution_id"] for e in grace["evidence"]]
    r = c.put("/me/contributions/c-00005/matching", json={"used": False}, headers=me)
    assert r.status_code == 200 and r.json()["changed"] is True, r.text

    def gone() -> bool:
        found = service.other.get("/experts", params={"q": need, "top": 20}).json()["results"]
        return all("c-00005" not in [e["contribution_id"] for e in m["evidence"]]
                   for m in found)

    eventually(gone)
    assert service.client.get("/contributions/c-00005").status_code == 200  # still there
    own = {x["contribution_id"]: x for x in c.get("/me", headers=me).json()["contributions"]}
    assert own["c-00005"]["used_for_matching"] is False
    r = c.put("/me/contributions/c-00005/matching", json={"used": True}, headers=me)
    assert r.json()["changed"] is True
    eventually(lambda: not gone())


def test_rejecting_a_topic_holds_on_every_replica(service: Service) -> None:
    c, me = service.client, service.h("me")
    topic = c.get("/me", headers=me).json()["topics"][0]
    assert names(c, topic["search_query"], ME)
    r = c.put(f"/me/topics/{topic['topic_id']}", json={"status": "rejected"}, headers=me)
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
    eventually(lambda: not names(service.other, topic["search_query"], ME))
    assert not names(c, topic["search_query"], ME, service.h("reader"))
    r = c.put(f"/me/topics/{topic['topic_id']}", json={"status": "confirmed"}, headers=me)
    assert r.json()["status"] == "confirmed"
    eventually(lambda: names(service.other, topic["search_query"], ME))


def test_opting_out_removes_a_member_from_every_answer_until_they_opt_back_in(
        service: Service) -> None:
    c, me, reader = service.client, service.h("me"), service.h("reader")
    brief = {"title": "NRW", "needs": [LEAKS, "pressure management"], "size": 5}

    def anywhere(client: TestClient) -> bool:
        team = client.post("/projects/match", json=brief, headers=reader).json()
        similar = client.get("/members/m-0007/similar", params={"top": 20}).json()
        listed = client.get("/members", params={"limit": 500}).json()["results"]
        mapped = client.get("/map", headers=reader).json()
        holders = {p["member_id"] for p in mapped["periphery"] + mapped["bridges"]}
        for t in mapped["topics"]:
            detail = client.get(f"/map/topics/{t['id']}", headers=reader).json()
            holders |= {h["member_id"] for h in detail["holders"]}
        return (names(client, LEAKS, ME) or names(client, LEAKS, ME, reader)
                or ME in [t["member_id"] for t in team["team"]]
                or ME in [s["member_id"] for s in similar["results"]]
                or ME in [m["member_id"] for m in listed] or ME in holders)

    assert anywhere(service.other)
    r = c.patch("/me", json={"consent": "out"}, headers=me)
    assert r.status_code == 200 and r.json()["consent"]["suggested_to_others"] is False
    eventually(lambda: not anywhere(service.other))
    assert not anywhere(c)
    assert c.get("/me", headers=me).status_code == 200  # she still sees herself
    r = c.patch("/me", json={"consent": None}, headers=me)  # back to the community's default
    assert r.json()["consent"] == {"choice": None, "policy": "opt_out",
                                   "suggested_to_others": True}
    eventually(lambda: anywhere(service.other))


def test_busy_and_monthly_limits_skip_invitations(service: Service) -> None:
    c, mine, reader = service.client, service.h("occasional"), service.h("reader")
    brief = {"title": "Sludge", "needs": ["faecal sludge treatment in Dakar"], "top": 10}

    def invited(client: TestClient) -> bool:
        r = client.post("/projects/invitations", json=brief, headers=reader)
        assert r.status_code == 200, r.text
        return OCCASIONAL in [i["member_id"] for i in r.json()["invitations"]]

    assert invited(c)
    r = c.patch("/me", json={"busy_until": "2999-01-01"}, headers=mine)
    assert r.json()["availability"]["busy_until"] == "2999-01-01"
    eventually(lambda: not invited(service.other))
    keyed = service.other.get(f"/members/{OCCASIONAL}", headers=reader).json()
    public = service.other.get(f"/members/{OCCASIONAL}").json()
    assert keyed["busy_until"] == "2999-01-01" and public["busy_until"] is None
    c.patch("/me", json={"busy_until": None, "max_invitations_per_month": 1}, headers=mine)
    eventually(lambda: invited(service.other))
    sludge = c.post("/projects", json={"title": "Sludge", "needs": ["faecal sludge"]},
                    headers=service.h("editor")).json()["project_id"]  # a record (#30)
    r = c.post("/feedback", json={"project_id": sludge, "member_id": OCCASIONAL,
                                  "outcome": "contacted"}, headers=service.h("editor"))
    assert r.status_code == 201, r.text
    assert not invited(c) and not invited(service.other)


def test_opt_in_policy_suggests_only_those_who_said_yes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", matching={"consent": "opt_in"})
    store = SqliteStore(settings.storage.database_path)
    keys = _fill(store)
    with TestClient(create_app(settings, encoder=HashingEncoder())) as c:
        assert c.get("/experts", params={"q": LEAKS}).json()["results"] == []
        me = c.get("/me", headers={"X-API-Key": keys["me"]}).json()
        assert me["consent"]["suggested_to_others"] is False
        c.patch("/me", json={"consent": "in"}, headers={"X-API-Key": keys["me"]})
        assert [m["member_id"] for m in c.get("/experts", params={"q": LEAKS}).json()[
            "results"]] == [ME]
    store.close()


def test_a_member_session_has_the_same_say(service: Service) -> None:
    identity = Identity(f"link:{ME}", "Grace", "member", ME, (), "link")
    _, token = SessionStore(service.store).open(identity, 600)  # type: ignore[arg-type]
    c = service.client
    c.cookies.set(SESSION_COOKIE, token)
    try:
        assert c.get("/me").json()["member"]["member_id"] == ME
        r = c.patch("/me", json={"open_to_invitations": False})
        assert r.status_code == 403  # a session's write carries its CSRF token
        r = c.patch("/me", json={"open_to_invitations": False},
                    headers={"X-CSRF-Token": csrf_token(token)})
        assert r.status_code == 200 and r.json()["availability"]["open_to_invitations"] is False
    finally:
        c.cookies.clear()


def test_export_holds_every_row_and_erasure_leaves_none(service: Service) -> None:
    c, me, reader = service.client, service.h("me"), service.h("reader")
    shown = c.get("/experts", params={"q": LEAKS, "top": 3, "shown": "true"}, headers=reader)
    assert ME in [m["member_id"] for m in shown.json()["results"]]
    c.post("/feedback", json={"suggestion_id": shown.json()["suggestion_id"], "member_id": ME,
                              "outcome": "contacted"}, headers=service.h("editor"))
    c.patch("/me", json={"languages": ["en", "fr"]}, headers=me)
    c.put("/me/contributions/c-00007/matching", json={"used": False}, headers=me)
    c.post("/me/topics", json={"label": "pipe bursts in cold climates"}, headers=me)
    mine = c.get("/me", headers=me).json()
    assert mine["exposure"]["suggested"] >= 1 and mine["exposure"]["shown"] >= 1
    assert mine["exposure"]["contacted"] == 1
    by_topic = mine["exposure"]["by_topic"]  # for which of her topics, never the need itself
    assert sum(by_topic.values()) >= 1
    assert set(by_topic) <= {t["topic_id"] for t in mine["topics"]}
    exported = c.get("/me/export", headers=me).json()
    assert exported["member"]["id"] == ME
    assert {x["id"] for x in exported["contributions"]} >= {"c-00007", "c-00001"}
    assert exported["choices"][0]["languages"] == '["en", "fr"]'
    assert [x["contribution_id"] for x in exported["matching_exclusions"]] == ["c-00007"]
    assert exported["corrections"][0]["label"] == "pipe bursts in cold climates"
    assert exported["suggestions"] and exported["exposure"] and exported["feedback"]
    assert exported["member_keys"] and exported["audit"]
    before = service.store.counts()
    sole = [x["id"] for x in exported["contributions"] if x["authors"] == [ME]]
    hashes = text_hashes(service.store, [member_key(ME)] + [contribution_key(x) for x in sole],
                         service.settings)
    conn = service.store.connection()  # type: ignore[attr-defined]

    def vectors_of_her_texts() -> int:
        marks = ",".join("?" * len(hashes))
        return int(conn.execute(f"SELECT COUNT(*) FROM text_vectors WHERE text_hash IN ({marks})",
                                sorted(hashes)).fetchone()[0])

    assert sole and vectors_of_her_texts() > 0

    r = c.delete("/me", headers=me)
    assert r.status_code == 200 and r.json()["erased"] is True, r.text
    assert vectors_of_her_texts() == 0  # her profile's and her own texts' vectors: pruned
    for table in ("suggestion_members", "feedback", "exposure", "member_choices",
                  "matching_exclusions", "topic_corrections", "member_keys", "sessions"):
        rows = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE member_id=?", (ME,))
        assert rows.fetchone()[0] == 0, table
    audit = conn.execute("SELECT key_id, ids, detail, action FROM audit_log").fetchall()
    assert not [a for a in audit if ME in " ".join(str(x) for x in a[:3])]
    assert [a for a in audit if a[3] == "erase"]  # that an erasure happened stays
    assert service.store.counts()["members"] == before["members"] - 1
    for contribution in exported["contributions"]:  # hers alone go, co-authored ones stay
        r = c.get(f"/contributions/{contribution['id']}", headers=service.h("admin"))
        if contribution["authors"] == [ME]:
            assert r.status_code == 404
        else:
            assert r.status_code == 200 and ME not in r.json()["authors"]
    assert c.get("/me", headers=me).status_code == 401  # her key went with her
    eventually(lambda: service.other.get(f"/members/{ME}").status_code == 404)
    assert not names(service.other, LEAKS, ME)


def test_a_coordinator_cannot_override_a_members_own_choice(service: Service) -> None:
    c, mine, reader = service.client, service.h("occasional"), service.h("reader")
    brief = {"title": "Sludge", "needs": ["faecal sludge treatment in Dakar"], "top": 10}
    c.patch("/me", json={"open_to_invitations": False, "consent": "out"}, headers=mine)
    record = c.get(f"/members/{OCCASIONAL}", headers=service.h("admin"))
    assert record.status_code == 404  # not named to anyone else, coordinators included
    stored = service.store.get_member(OCCASIONAL).model_dump(mode="json")
    stored.update(open_to_invitations=True, hidden=False)
    r = c.put(f"/members/{OCCASIONAL}", json=stored, headers=service.h("editor"))
    assert r.status_code == 200, r.text
    me = c.get("/me", headers=mine).json()
    assert me["availability"]["open_to_invitations"] is False
    assert me["consent"]["suggested_to_others"] is False
    eventually(lambda: caught_up(service))  # the other replica applied both writes
    invited = service.other.post("/projects/invitations", json=brief, headers=reader).json()
    assert OCCASIONAL not in [i["member_id"] for i in invited["invitations"]]
    assert not names(service.other, "faecal sludge treatment in Dakar", OCCASIONAL, reader)
