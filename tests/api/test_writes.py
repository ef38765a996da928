"""Write routes: visible at once in search, all-or-nothing batches, errors naming the field,
the private-space leak test, and persistence across a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from indexing.encoders.base import Encoder
from tests.api.conftest import Api
from tests.conftest import make_settings

NEED = "zebra mussel fouling of raw water intakes"


def contribution(cid: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "type": "case_study", "date": "2024-05-01", "authors": ["m-0011"],
            "title": "Zebra mussel fouling of raw water intake pipes",
            "text": "Zebra mussels colonised the raw water intake; chlorination and pigging "
                    "cleared the fouling.", **extra}


def evidence_ids(api: Api, key: str | None = None, need: str = NEED) -> set[str]:
    headers = api.h(key) if key else {}
    r = api.client.get("/experts", params={"q": need, "top": 20}, headers=headers)
    assert r.status_code == 200
    return {e["contribution_id"] for m in r.json()["results"] for e in m["evidence"]}


def test_write_then_search_then_delete(api: Api) -> None:
    assert "c-new" not in evidence_ids(api)
    r = api.client.post("/contributions", json=contribution("c-new"), headers=api.h(api.editor))
    assert r.status_code == 201 and r.json()["inserted"] == 1
    assert "c-new" in evidence_ids(api)
    r = api.client.delete("/contributions/c-new", headers=api.h(api.editor))
    assert r.status_code == 200 and r.json()["deleted"] == 1
    assert "c-new" not in evidence_ids(api)
    assert api.client.get("/contributions/c-new").status_code == 404


def test_private_space_leak(api: Api) -> None:
    """A private contribution counts only for callers holding its space."""
    body = contribution("c-secret", space="nrw-taskforce")
    assert api.client.post("/contributions", json=body,
                           headers=api.h(api.taskforce)).status_code == 403  # reader: no writes
    assert api.client.post("/contributions", json=body,
                           headers=api.h(api.editor)).status_code == 403  # editor lacks space
    assert api.client.post("/contributions", json=body,
                           headers=api.h(api.admin)).status_code == 201
    assert "c-secret" not in evidence_ids(api)
    assert "c-secret" not in evidence_ids(api, api.reader)
    assert "c-secret" in evidence_ids(api, api.taskforce)
    assert "c-secret" in evidence_ids(api, api.admin)
    for key in (None, api.reader):
        r = api.client.get("/contributions/c-secret", headers=api.h(key) if key else {})
        assert r.status_code == 404
    # an editor without the space can neither overwrite nor delete it (nor learn it exists)
    body["space"] = "public"
    r = api.client.put("/contributions/c-secret", json=body, headers=api.h(api.editor))
    assert r.status_code == 404
    assert api.client.delete("/contributions/c-secret",
                             headers=api.h(api.editor)).status_code == 404


def test_member_lifecycle(api: Api) -> None:
    member = {"id": "m-new", "name": "Ana Lima", "organisation_id": "org-meridian-consult",
              "country": "BR", "level": "active", "contact": "ana@example.org",
              "bio": "Specialist in zebra mussel control at raw water intakes.",
              "topics": ["invasive mussels"]}
    ed = api.h(api.editor)
    assert api.client.post("/members", json=member, headers=ed).status_code == 201
    assert api.client.post("/members", json=member, headers=ed).status_code == 409
    found = api.client.get("/experts", params={"q": NEED, "top": 3}).json()["results"]
    assert found[0]["member_id"] == "m-new"
    member["bio"] = "Hydraulic modeller."
    r = api.client.put("/members/m-new", json=member, headers=ed)
    assert r.status_code == 200 and r.json()["updated"] == 1
    assert api.client.get("/members/m-new").json()["bio"] == "Hydraulic modeller."
    assert api.client.put("/members/m-other", json=member, headers=ed).json()["field"] == "id"
    member["id"] = "m-ghost"
    assert api.client.put("/members/m-ghost", json=member, headers=ed).status_code == 404
    assert api.client.delete("/members/m-new", headers=ed).status_code == 200
    assert api.client.get("/members/m-new").status_code == 404
    assert api.client.delete("/members/m-new", headers=ed).status_code == 404


def test_hidden_member_written_over_http_never_appears(api: Api) -> None:
    member = {"id": "m-shy", "name": "Shy", "organisation_id": "org-meridian-consult",
              "country": "BR", "level": "active", "hidden": True,
              "bio": "Zebra mussel fouling of raw water intakes, all day long."}
    assert api.client.post("/members", json=member, headers=api.h(api.editor)).status_code == 201
    results = api.client.get("/experts", params={"q": NEED}).json()["results"]
    assert "m-shy" not in {m["member_id"] for m in results}
    assert api.client.get("/members/m-shy").status_code == 404


def test_organisation_routes(api: Api) -> None:
    ed = api.h(api.editor)
    org = {"id": "org-new", "name": "New Utility", "kind": "utility", "country": "KE"}
    assert api.client.post("/organisations", json=org, headers=ed).status_code == 201
    org["name"] = "Renamed Utility"
    assert api.client.put("/organisations/org-new", json=org, headers=ed).status_code == 200
    r = api.client.delete("/organisations/org-nairobi-water", headers=ed)
    assert r.status_code == 409  # still has members
    assert api.client.delete("/organisations/org-new", headers=ed).status_code == 200
    assert api.client.delete("/organisations/org-new", headers=ed).status_code == 404
    # renaming an organisation shows at once on its members
    org = {"id": "org-nairobi-water", "name": "Nairobi Water Co", "kind": "utility",
           "country": "KE"}
    assert api.client.put("/organisations/org-nairobi-water", json=org,
                          headers=ed).status_code == 200
    assert api.client.get("/members/m-0001").json()["organisation"] == "Nairobi Water Co"


def test_batch_is_all_or_nothing(api: Api) -> None:
    ed = api.h(api.editor)
    good = [contribution(f"c-b{i}") for i in range(3)]
    bad = [*good, contribution("c-b9", authors=["m-nobody"])]
    r = api.client.post("/contributions/batch", json={"records": bad}, headers=ed)
    assert r.status_code == 404 and r.json()["field"] == "authors"
    assert all(api.client.get(f"/contributions/c-b{i}").status_code == 404 for i in range(3))
    r = api.client.post("/contributions/batch", json={"records": good, "mode": "create"},
                        headers=ed)
    assert r.status_code == 200 and r.json()["inserted"] == 3
    r = api.client.post("/contributions/batch", json={"records": good, "mode": "create"},
                        headers=ed)
    assert r.status_code == 409
    r = api.client.post("/contributions/batch", json={"records": good}, headers=ed)
    assert r.json()["unchanged"] == 3  # upsert of identical records
    invalid = [*good, {**contribution("c-b5"), "date": "yesterday"}]
    r = api.client.post("/contributions/batch", json={"records": invalid}, headers=ed)
    assert r.status_code == 422 and r.json()["field"] == "records.3.date"
    orgs = [{"id": f"org-b{i}", "name": "B", "kind": "ngo"} for i in range(2)]
    assert api.client.post("/organisations/batch", json={"records": orgs},
                           headers=ed).json()["inserted"] == 2
    members = [{"id": f"m-b{i}", "name": "B", "organisation_id": "org-b0", "country": "KE",
                "level": "core"} for i in range(2)]
    assert api.client.post("/members/batch", json={"records": members},
                           headers=ed).json()["inserted"] == 2


def test_batch_size_limit(community_home: Path, real_encoder: Encoder,
                          api_keys: dict[str, str]) -> None:
    settings = make_settings(community_home, matching={"max_batch": 2})
    with TestClient(create_app(settings, encoder=real_encoder)) as client:
        records = [contribution(f"c-l{i}") for i in range(3)]
        r = client.post("/contributions/batch", json={"records": records},
                        headers={"X-API-Key": api_keys["editor"]})
        assert r.status_code == 422 and r.json()["field"] == "records"


def test_validation_errors_name_the_field(api: Api) -> None:
    ed = api.h(api.editor)
    r = api.client.post("/members", json={"id": "m-x", "name": "X", "organisation_id": "org-x",
                                          "country": "XX", "level": "core"}, headers=ed)
    assert r.status_code == 422 and r.json()["field"] == "country"
    r = api.client.post("/contributions", json=contribution("c-x", unknown=1), headers=ed)
    assert r.status_code == 422 and r.json()["field"] == "unknown"
    r = api.client.post("/contributions", content=b"{not json", headers={
        **ed, "Content-Type": "application/json"})
    assert r.status_code == 422 and "traceback" not in r.text.lower()


def test_oversized_bodies_are_413(api: Api) -> None:
    ed = {**api.h(api.editor), "Content-Type": "application/json"}
    big = b"x" * (api.settings.http.max_body_bytes + 1)
    r = api.client.post("/contributions", content=big, headers=ed)
    assert r.status_code == 413 and r.json()["field"] == "body"

    def chunks() -> Any:  # no Content-Length: the streamed size is what counts
        for _ in range(6):
            yield b"x" * 1_000_000

    r = api.client.post("/contributions", content=chunks(), headers=ed)
    assert r.status_code == 413
    r = api.client.get("/experts", params={"q": "a" * 20_000})
    assert r.status_code == 413 and r.json()["field"] == "query"


def test_writes_survive_a_restart(community_home: Path, real_encoder: Encoder,
                                  api_keys: dict[str, str]) -> None:
    settings = make_settings(community_home)
    ed = {"X-API-Key": api_keys["editor"]}
    with TestClient(create_app(settings, encoder=real_encoder)) as client:
        assert client.post("/contributions", json=contribution("c-kept"),
                           headers=ed).status_code == 201
        assert client.delete("/contributions/c-00001", headers=ed).status_code == 200
    with TestClient(create_app(settings, encoder=real_encoder)) as client:
        results = client.get("/experts", params={"q": NEED, "top": 20}).json()["results"]
        assert "c-kept" in {e["contribution_id"] for m in results for e in m["evidence"]}
        assert client.get("/contributions/c-00001").status_code == 404
        leaks = client.get("/experts", params={"q": "acoustic leak detection intermittent",
                                               "top": 20}).json()["results"]
        assert "c-00001" not in {e["contribution_id"] for m in leaks for e in m["evidence"]}
        assert client.get("/members/m-0001", headers=ed).status_code == 200  # keys persisted


def test_deleting_a_member_checks_every_space_it_touches(api: Api) -> None:
    """#26 item 2: an editor without the task force's space cannot delete a member whose
    sole-authored work lies there (403 naming member_id, not the space); nothing is lost."""
    r = api.client.delete("/members/m-0001", headers=api.h(api.editor))
    assert r.status_code == 403 and r.json()["field"] == "member_id"
    assert "nrw-taskforce" not in r.text
    assert api.client.get("/contributions/c-00007", headers=api.h(api.admin)).status_code == 200
    assert api.client.get("/members/m-0001").status_code == 200
    assert api.client.delete("/contributions/c-00007",
                             headers=api.h(api.editor)).status_code == 404
    r = api.client.delete("/members/m-0001", headers=api.h(api.admin))
    assert r.status_code == 200
    assert api.client.get("/contributions/c-00007", headers=api.h(api.admin)).status_code == 404
