"""POST /feedback, GET /admin/feedback and /admin/exposure through TestClient with real keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexing.encoders.base import Encoder
from indexing.store import SqliteStore
from tests.api.conftest import Api, open_api


@pytest.fixture
def tracked(community_home: Path, real_encoder: Encoder, api_keys: dict[str, str]
            ) -> Iterator[Api]:
    client, settings = open_api(community_home, real_encoder, api_keys,
                                feedback={"fair_exposure": "track"})
    with client:
        yield Api(client=client, settings=settings, **api_keys)


def _project(api: Api, title: str = "Leaks") -> str:
    """A project record the editor key owns (issue #30: a project id names one)."""
    r = api.client.post("/projects", json={"title": title, "needs": ["leak detection"]},
                        headers=api.h(api.editor))
    assert r.status_code == 201, r.text
    return str(r.json()["project_id"])


def _suggest(api: Api, **params: object) -> dict[str, object]:
    """A keyed caller's answer: the ones tracked as suggestions (the public's are not); with a
    project, the editor's (its owner's)."""
    key = api.editor if "project_id" in params else api.reader
    r = api.client.get("/experts", params={"q": "leak detection", "top": 3, **params},
                       headers=api.h(key))
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    assert str(body["suggestion_id"]).startswith("s-")
    return body


def test_feedback_is_access_controlled_validated_stored_and_audited(api: Api) -> None:
    nrw = _project(api)
    body = _suggest(api, project_id=nrw)
    assert body["project_id"] == nrw and body["learned_ranking"] is False
    member = body["results"][0]["member_id"]  # type: ignore[index]
    give = {"suggestion_id": body["suggestion_id"], "member_id": member,
            "outcome": "declined_not_my_field"}
    assert api.client.post("/feedback", json=give).status_code == 401
    assert api.client.post("/feedback", json=give, headers=api.h(api.reader)).status_code == 403
    for bad, field in (({"outcome": "meh"}, "outcome"), ({"member_id": "m-9999"}, "member_id"),
                       ({"suggestion_id": "s-unknown"}, "suggestion_id")):
        r = api.client.post("/feedback", json={**give, **bad}, headers=api.h(api.editor))
        assert r.status_code == 422 and r.json()["field"] == field, r.text
    r = api.client.post("/feedback", json={"project_id": nrw, "member_id": "m-9999",
                                           "outcome": "accepted"}, headers=api.h(api.editor))
    assert r.status_code == 422 and r.json()["field"] == "member_id"
    # a project id names a project record the caller may see (issue #30)
    r = api.client.post("/feedback", json={"project_id": "p-free-string", "member_id": member,
                                           "outcome": "accepted"}, headers=api.h(api.editor))
    assert r.status_code == 404 and r.json()["field"] == "project_id", r.text
    r = api.client.post("/feedback", json=give, headers=api.h(api.editor))
    assert r.status_code == 201, r.text
    stored = r.json()
    assert stored["project_id"] == nrw and stored["outcome"] == "declined_not_my_field"
    # not suggested again for the same project
    again = _suggest(api, project_id=nrw)
    assert member not in [x["member_id"] for x in again["results"]]  # type: ignore[union-attr]
    # readable by admins only, audited without contents
    assert api.client.get("/admin/feedback", headers=api.h(api.editor)).status_code == 403
    listed = api.client.get("/admin/feedback", headers=api.h(api.admin)).json()
    assert listed["total"] == 1 and listed["results"][0]["feedback_id"] == stored["feedback_id"]
    audit = api.client.get("/admin/audit", headers=api.h(api.admin)).json()["results"]
    entry = next(a for a in audit if a["kind"] == "feedback")
    assert entry["ids"] == [stored["feedback_id"]] and entry["detail"]["outcome"] == \
        "declined_not_my_field"
    # deleted with the member
    assert api.client.delete(f"/members/{member}", headers=api.h(api.admin)).status_code == 200
    after = api.client.get("/admin/feedback", headers=api.h(api.admin)).json()
    assert after["total"] == 0


def test_teams_and_invitations_carry_suggestion_and_project_ids(api: Api) -> None:
    pid = _project(api)
    body = {"title": "t", "needs": ["leak detection", "desalination"], "project_id": pid}
    keyed = api.h(api.editor)
    r = api.client.post("/projects/match", json=body, headers=api.h(api.reader))
    assert r.status_code == 404 and r.json()["field"] == "project_id"  # not the reader's
    team = api.client.post("/projects/match", json=body, headers=keyed).json()
    assert team["project_id"] == pid and team["suggestion_id"].startswith("s-")
    first = team["team"][0]["member_id"]
    r = api.client.post("/feedback", json={"suggestion_id": team["suggestion_id"],
                                           "member_id": first, "outcome": "not_relevant"},
                        headers=api.h(api.admin))
    assert r.status_code == 201, r.text
    again = api.client.post("/projects/match", json=body, headers=keyed).json()
    assert first not in [t["member_id"] for t in again["team"]]
    inv = api.client.post("/projects/invitations", json=body, headers=keyed).json()
    assert inv["project_id"] == pid and inv["suggestion_id"].startswith("s-")


def test_exposure_counts_only_shown_answers(tracked: Api) -> None:
    _suggest(tracked)  # not shown: not counted
    report = tracked.client.get("/admin/exposure", headers=tracked.h(tracked.admin)).json()
    assert report["total"] == 0 and report["gini"] == 0.0
    shown = _suggest(tracked, shown="true")
    report = tracked.client.get("/admin/exposure", headers=tracked.h(tracked.admin)).json()
    assert report["total"] == len(shown["results"])  # type: ignore[arg-type]
    assert 0 < report["gini"] <= 1 and report["top10_share"] == 1.0
    assert report["members"] >= report["never_with_evidence_count"] > 0
    assert {m["member_id"] for m in report["most_exposed"]} == {
        x["member_id"] for x in shown["results"]}  # type: ignore[union-attr]
    assert tracked.client.get("/admin/exposure", headers=tracked.h(tracked.reader)
                              ).status_code == 403


def test_suggestions_are_committed_in_groups_found_by_feedback_and_at_shutdown(
        community_home: Path, real_encoder: Encoder, api_keys: dict[str, str]) -> None:
    """With a long group interval, feedback still finds the suggestion just answered (it
    flushes first) and the service's shutdown commits the rest (suggestion_log.py)."""
    client, settings = open_api(community_home, real_encoder, api_keys,
                                http={"suggestion_flush_ms": 10_000})
    with client:
        api = Api(client=client, settings=settings, **api_keys)
        first = _suggest(api, project_id=_project(api))
        r = client.post("/feedback", json={"suggestion_id": first["suggestion_id"],
                                           "member_id": first["results"][0]["member_id"],  # type: ignore[index]
                                           "outcome": "contacted"}, headers=api.h(api.editor))
        assert r.status_code == 201, r.text
        later = client.get("/experts", params={"q": "sludge reuse in agriculture"},
                           headers=api.h(api.reader)).json()
    store = SqliteStore(settings.storage.database_path)
    try:
        found = store.feedback().suggestion(later["suggestion_id"])
        assert found is not None
        assert list(found.member_ids) == [m["member_id"] for m in later["results"]]
    finally:
        store.close()


def test_the_public_stores_nothing_and_names_no_project(tracked: Api) -> None:
    """#26 items 5-6: a caller without a key cannot pass a project (who declined it is the
    coordinators'), and its answers, shown or not, are neither stored nor counted."""
    for route, kwargs in (("/experts", {"params": {"q": "leak", "project_id": "p-nrw"}}),
                          ("/projects/match", {"json": {"title": "t", "needs": ["leak"],
                                                        "project_id": "p-nrw"}}),
                          ("/projects/invitations", {"json": {"title": "t", "needs": ["leak"],
                                                              "project_id": "p-nrw"}})):
        method = tracked.client.get if route == "/experts" else tracked.client.post
        r = method(route, **kwargs)  # type: ignore[operator]
        assert r.status_code == 401 and r.json()["field"] == "project_id", r.text
    for _ in range(3):
        r = tracked.client.get("/experts", params={"q": "leak detection", "shown": "true"})
        assert r.status_code == 200 and r.json()["suggestion_id"] is None
        team = tracked.client.post("/projects/match", json={"title": "t", "needs": ["leak"],
                                                            "shown": True}).json()
        assert team["suggestion_id"] is None
    store = SqliteStore(tracked.settings.storage.database_path)
    try:
        rows = store.connection().execute("SELECT COUNT(*) FROM suggestions").fetchone()[0]
        shows = store.connection().execute("SELECT COUNT(*) FROM exposure").fetchone()[0]
        assert (rows, shows) == (0, 0)
    finally:
        store.close()


def test_public_suggestions_when_the_community_asks_for_them(
        community_home: Path, real_encoder: Encoder, api_keys: dict[str, str]) -> None:
    client, _ = open_api(community_home, real_encoder, api_keys,
                         feedback={"record_public_suggestions": True})
    with client:
        r = client.get("/experts", params={"q": "leak detection"})
        assert str(r.json()["suggestion_id"]).startswith("s-")
