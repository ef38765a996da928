"""Projects as records over HTTP (issue #30): a coordinator's loop on the test community, who
may see a project, the CSV export, restart and backup, and outcomes that train."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from api.cli import main
from indexing.encoders.base import Encoder
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from tests.api.conftest import open_api
from tests.conftest import make_settings

FRENCH = {"title": "Assainissement à Dakar",
          "description": "Nous cherchons des experts en gestion des boues de vidange et en "
                         "assainissement autonome pour Dakar, et en détection des fuites."}
HYPERLINK = '=HYPERLINK("http://evil.example","clic")'


def _keys(home: Path) -> dict[str, str]:
    store = SqliteStore(make_settings(home).storage.database_path)
    keys = KeyStore(store)
    made = {
        "admin": keys.create("admin", name="admin")[1],
        "coordinator": keys.create("editor", ("nrw-taskforce",), "coordinator")[1],
        "other_editor": keys.create("editor", ("elsewhere",), "other editor")[1],
        "reader": keys.create("reader", ("nrw-taskforce",), "reader")[1],
    }
    store.close()
    return made


def h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def _ids(people: list[dict[str, object]]) -> list[str]:
    return [str(p["member_id"]) for p in people]


def test_a_coordinators_loop_over_http(community_home: Path, real_encoder: Encoder,
                                       real_multilingual_encoder: Encoder) -> None:
    """A French brief through the multilingual route, as a coordinator would send it."""
    keys = _keys(community_home)
    coordinator = h(keys["coordinator"])
    client, _ = open_api(community_home, real_encoder, {}, real_multilingual_encoder)
    with client:
        r = client.post("/projects", json={**FRENCH, "spaces": ["nrw-taskforce"], "size": 4},
                        headers=coordinator)
        assert r.status_code == 201, r.text
        project = r.json()
        pid = project["project_id"]
        assert project["status"] == "open" and project["spaces"] == ["nrw-taskforce"]
        assert project["needs"] and all(n["derived"] and n["language"] == "fr"
                                        for n in project["needs"])
        # bad input names the field
        for bad, field in (({"spaces": ["elsewhere"]}, "spaces"), ({"spaces": ["public"]},
                                                                   "spaces"),
                           ({"description": ""}, "description"),
                           ({"exclude_members": ["m-9999"]}, "exclude_members")):
            r = client.post("/projects", json={**FRENCH, **bad}, headers=coordinator)
            assert r.status_code in (403, 422) and r.json()["field"] == field, r.text

        first = client.post(f"/projects/{pid}/suggest", json={}, headers=coordinator)
        assert first.status_code == 200, first.text
        body = first.json()
        team = _ids(body["team"])
        assert len(team) >= 2 and body["team_suggestion_id"], body
        assert body["team_suggestion_id"].startswith("s-")
        assert all(p["status"] == "suggested" and not p["kept"] for p in body["team"])
        busy, accepted = team[0], team[1]
        # an answer of who knows X for the project: its people join the project too
        experts = client.get("/experts", params={"q": "boues de vidange", "top": 3,
                                                 "project_id": pid}, headers=coordinator).json()
        roles = {p["member_id"]: p["role"] for p in client.get(
            f"/projects/{pid}", headers=coordinator).json()["people"]}
        assert all(roles[m["member_id"]] in ("expert", "team", "invitation")
                   for m in experts["results"])
        assert roles[busy] == "team"
        r = client.put(f"/projects/{pid}/people/{busy}",
                       json={"status": "declined_busy", "note": "back in June"},
                       headers=coordinator)
        assert r.status_code == 200 and r.json()["kind"] == "neutral", r.text
        r = client.put(f"/projects/{pid}/people/{accepted}",
                       json={"status": "accepted", "note": HYPERLINK}, headers=coordinator)
        assert r.status_code == 200 and r.json()["kind"] == "positive", r.text
        for bad, field in (({"status": "maybe"}, "status"), ({"note": "x" * 3000}, "note")):
            r = client.put(f"/projects/{pid}/people/{busy}",
                           json={"status": "shortlisted", **bad}, headers=coordinator)
            assert r.status_code == 422 and r.json()["field"] == field, r.text
        r = client.put(f"/projects/{pid}/people/m-9999", json={"status": "contacted"},
                       headers=coordinator)
        assert r.status_code == 404 and r.json()["field"] == "member_id"

        again = client.post(f"/projects/{pid}/suggest", headers=coordinator).json()
        suggested = _ids(again["team"]) + _ids(again["invitations"])
        assert busy not in suggested  # declined: never suggested again for the project
        kept = [p for p in again["team"] if p["member_id"] == accepted]
        assert kept and kept[0]["kept"] and kept[0]["status"] == "accepted"
        covered = set(kept[0]["covers"])
        assert not covered & set(again["uncovered"])  # covered needs are not covered again
        # the people of the project not suggested now, each with why (#31)
        missing = {p["member_id"]: p for p in again["missing"]}
        assert missing[busy]["reason"] == "declined" and missing[busy]["status"] == "declined_busy"
        assert missing[busy]["name"] and missing[busy]["until"] is None
        assert accepted not in missing and not set(missing) & set(suggested)
        before = set(team) | set(_ids(body["invitations"])) | {
            m["member_id"] for m in experts["results"]}
        assert set(missing) == before - set(suggested) - {accepted}
        assert all(p["reason"] == "not_chosen" for m, p in missing.items() if m != busy)

        shown = client.get(f"/projects/{pid}", headers=coordinator).json()
        people = {p["member_id"]: p for p in shown["people"]}
        assert [x["status"] for x in people[busy]["history"]] == ["suggested", "declined_busy"]
        feedback = client.get("/admin/feedback", params={"project_id": pid},
                              headers=h(keys["admin"])).json()
        assert {(f["member_id"], f["outcome"]) for f in feedback["results"]} == {
            (busy, "declined_busy"), (accepted, "accepted")}
        assert all(f["suggestion_id"] == body["team_suggestion_id"]
                   for f in feedback["results"])

        export = client.get(f"/projects/{pid}/export.csv", headers=coordinator)
        assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(export.text)))
        by_id = {r["member_id"]: r for r in rows}
        assert set(team) <= set(by_id) and by_id[busy]["status"] == "declined_busy"
        assert by_id[accepted]["note"] == "'" + HYPERLINK  # neutralised
        assert by_id[accepted]["contact"]  # an editor sees contacts
        assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows
                       for cell in r.values())

        # who may see it: a reader is refused, the public needs a key, an editor whose
        # spaces exclude the project's is told it does not exist
        for path in (f"/projects/{pid}", f"/projects/{pid}/export.csv"):
            assert client.get(path, headers=h(keys["reader"])).status_code == 403
            assert client.get(path).status_code == 401
            r = client.get(path, headers=h(keys["other_editor"]))
            assert r.status_code == 404, r.text
            assert client.get(path, headers=h(keys["admin"])).status_code == 200
        assert client.post(f"/projects/{pid}/suggest",
                           headers=h(keys["other_editor"])).status_code == 404
        assert client.put(f"/projects/{pid}/people/{busy}", json={"status": "accepted"},
                          headers=h(keys["other_editor"])).status_code == 404
        listed = client.get("/projects", headers=h(keys["other_editor"])).json()
        assert listed["total"] == 0
        listed = client.get("/projects", params={"status": "open"}, headers=coordinator).json()
        assert _ids([{"member_id": p["project_id"]} for p in listed["results"]]) == [pid]

        r = client.patch(f"/projects/{pid}", json={"status": "closed"}, headers=coordinator)
        assert r.status_code == 200 and r.json()["status"] == "closed"
        r = client.post(f"/projects/{pid}/suggest", headers=coordinator)
        assert r.status_code == 409
        assert r.json()["errors"][0] == {"field": "status", "code": "project_closed",
                                         "params": {"value": pid},
                                         "message": f"project '{pid}' is closed"}
        audit = client.get("/admin/audit", headers=h(keys["admin"])).json()["results"]
        assert {a["kind"] for a in audit} >= {"project", "project_person"}
        assert HYPERLINK not in json.dumps(audit)  # notes never reach the audit log

    # a restart: the project is still there
    client, _ = open_api(community_home, real_encoder, {}, real_multilingual_encoder)
    with client:
        r = client.get(f"/projects/{pid}", headers=coordinator)
        assert r.status_code == 200 and r.json()["status"] == "closed"
        assert len(r.json()["people"]) == len(people)


@pytest.mark.slow
def test_statuses_on_team_members_and_invitees_train(
        community_home: Path, real_encoder: Encoder, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """100 statuses on people suggested in teams and invitations, then `wellspring learn`
    reports training rows from both kinds."""
    keys = _keys(community_home)
    coordinator = h(keys["coordinator"])
    needs = ["leak detection", "faecal sludge management",
             "drought indices and drought contingency planning", "drip irrigation scheduling"]
    client, _ = open_api(community_home, real_encoder, {})
    given = 0
    kinds: set[str] = set()
    with client:
        n = 0
        while given < 100:
            n += 1
            pid = client.post("/projects", json={"title": f"Peri-urban WASH {n}",
                                                 "needs": needs, "size": 3},
                              headers=coordinator).json()["project_id"]
            body = client.post(f"/projects/{pid}/suggest", json={"top": 5},
                               headers=coordinator).json()
            for i, p in enumerate(body["team"] + body["invitations"]):
                status = ("accepted", "not_relevant", "contacted",
                          "declined_not_my_field")[(i + n) % 4]
                r = client.put(f"/projects/{pid}/people/{p['member_id']}",
                               json={"status": status}, headers=coordinator)
                assert r.status_code == 200, r.text
                kinds.add(p["role"])
                given += 1
    assert kinds == {"team", "invitation"}
    monkeypatch.setenv("WELLSPRING_HOME", str(community_home))
    assert main(["learn", "--min-outcomes", "20"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_by_kind"]["team"] > 0 and report["rows_by_kind"]["invitations"] > 0
    assert report["pairs"] == sum(report["rows_by_kind"].values())


def test_exclusions_are_checked_when_written_and_tolerated_when_gone(
        community_home: Path, real_encoder: Encoder) -> None:
    """An unknown organisation is refused when the project is created; a member excluded then
    deleted leaves the project answerable (found by schemathesis' stateful phase)."""
    keys = _keys(community_home)
    coordinator, admin = h(keys["coordinator"]), h(keys["admin"])
    client, _ = open_api(community_home, real_encoder, {})
    with client:
        r = client.post("/projects", json={"title": "Leaks", "needs": ["leak detection"],
                                           "exclude_organisations": ["org-nowhere"]},
                        headers=coordinator)
        assert r.status_code == 422 and r.json()["field"] == "exclude_organisations"
        r = client.post("/projects", json={"title": "Leaks", "needs": ["leak detection"],
                                           "exclude_members": ["m-0010"]}, headers=coordinator)
        assert r.status_code == 201, r.text
        pid = r.json()["project_id"]
        assert client.delete("/members/m-0010", headers=admin).status_code == 200
        r = client.post(f"/projects/{pid}/suggest", json={}, headers=coordinator)
        assert r.status_code == 200, r.text
        assert "m-0010" not in _ids(r.json()["team"] + r.json()["invitations"])


def test_a_declined_member_who_opts_out_leaves_the_project_answerable(
        community_home: Path, real_encoder: Encoder) -> None:
    """The service's own exclusions (a declined member) are not the caller's: one who opts out
    afterwards is not an 'unknown member' (found as a replica race: a team picked a member who
    opted out before the invitations were asked)."""
    keys = _keys(community_home)
    coordinator, admin = h(keys["coordinator"]), h(keys["admin"])
    client, _ = open_api(community_home, real_encoder, {})
    with client:
        pid = client.post("/projects", json={"title": "Leaks", "needs": [
            "acoustic leak detection", "faecal sludge management"], "size": 3},
            headers=coordinator).json()["project_id"]
        team = _ids(client.post(f"/projects/{pid}/suggest", json={}, headers=coordinator)
                    .json()["team"])
        gone = team[0]
        r = client.put(f"/projects/{pid}/people/{gone}", json={"status": "declined_busy"},
                       headers=coordinator)
        assert r.status_code == 200, r.text
        made = client.post("/admin/keys", json={"role": "member", "member_id": gone},
                           headers=admin).json()
        r = client.patch("/me", json={"consent": "out"}, headers=h(made["key"]))
        assert r.status_code == 200, r.text
        r = client.post(f"/projects/{pid}/suggest", json={}, headers=coordinator)
        assert r.status_code == 200, r.text
        assert gone not in _ids(r.json()["team"] + r.json()["invitations"])
        r = client.post("/projects/match", json={"title": "Leaks", "needs": [
            "acoustic leak detection"], "project_id": pid}, headers=coordinator)
        assert r.status_code == 200, r.text
