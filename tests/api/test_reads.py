"""Read routes: members, member detail, contributions, stats, and who-knows-X visibility."""

from __future__ import annotations

from pathlib import Path

from indexing.encoders.base import Encoder
from tests.api.conftest import Api, open_api


def test_members_page_counts_and_total(api: Api) -> None:
    first = api.client.get("/members", params={"limit": 5}).json()
    second = api.client.get("/members", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == 11  # 12 members, m-0012 hidden
    assert first["count"] == 5 and second["count"] == 5
    ids = [m["member_id"] for m in first["results"] + second["results"]]
    assert ids == sorted(ids) and len(set(ids)) == 10
    assert "m-0012" not in ids


def test_members_filters_and_hidden(api: Api) -> None:
    kenya = api.client.get("/members", params={"country": "ke"}).json()
    assert {m["member_id"] for m in kenya["results"]} == {"m-0001", "m-0009"}
    core = api.client.get("/members", params={"level": "core"}).json()
    assert {m["member_id"] for m in core["results"]} == {"m-0001", "m-0006"}
    meridian = api.client.get("/members", params={"organisation": "org-meridian-consult"}).json()
    assert {m["member_id"] for m in meridian["results"]} == {"m-0005", "m-0007"}  # not m-0012
    wizard = api.client.get("/members", params={"level": "wizard"}).json()
    assert wizard["field"].startswith("level")


def test_member_detail_contact_only_with_a_key(api: Api) -> None:
    public = api.client.get("/members/m-0001").json()
    keyed = api.client.get("/members/m-0001", headers=api.h(api.reader)).json()
    assert public["contact"] is None and keyed["contact"]
    assert "leak" in public["bio"].lower() or "water" in public["bio"].lower()
    # m-0001: c-00001..c-00008 (c-00007 private) + c-00031 (private): 7 public ones
    assert public["contributions"] == 7
    assert keyed["contributions"] == 7
    taskforce = api.client.get("/members/m-0001", headers=api.h(api.taskforce)).json()
    assert taskforce["contributions"] == 9


def test_hidden_and_unknown_members_are_404(api: Api) -> None:
    for mid in ("m-0012", "m-9999"):
        r = api.client.get(f"/members/{mid}", headers=api.h(api.admin))
        assert r.status_code == 404 and r.json()["field"] == "id"


def test_hidden_member_never_in_search(api: Api) -> None:
    r = api.client.get("/experts", params={"q": "drip irrigation scheduling", "top": 20},
                       headers=api.h(api.admin))
    assert r.status_code == 200
    assert "m-0012" not in {m["member_id"] for m in r.json()["results"]}


def test_experts_reports_place_hints_and_places_off_ignores_them(api: Api) -> None:
    need = "faecal sludge treatment in West Africa"
    on = api.client.get("/experts", params={"q": need, "top": 3}).json()
    assert [h["place"] for h in on["place_hints"]] == ["West Africa"]
    hint = on["place_hints"][0]
    assert hint["text"] == "West Africa" and hint["kind"] == "region"
    assert {"SN", "GH", "NG"} <= set(hint["countries"]) and "KE" not in hint["countries"]
    assert on["results"][0]["member_id"] == "m-0004"
    off = api.client.get("/experts", params={"q": need, "top": 3, "places": "off"}).json()
    assert off["place_hints"] == []
    plain = api.client.get("/experts", params={"q": "faecal sludge treatment"}).json()
    assert plain["place_hints"] == []
    bad = api.client.get("/experts", params={"q": need, "places": "maybe"})
    assert bad.status_code == 422


def test_private_contribution_is_404_without_its_space(api: Api) -> None:
    assert api.client.get("/contributions/c-00001").status_code == 200
    for headers in ({}, api.h(api.reader)):
        r = api.client.get("/contributions/c-00007", headers=headers)
        assert r.status_code == 404
        assert r.json()["detail"] == api.client.get("/contributions/c-99999").json()["detail"] \
            .replace("c-99999", "c-00007")  # same answer as an id that does not exist
    r = api.client.get("/contributions/c-00007", headers=api.h(api.taskforce))
    assert r.status_code == 200 and r.json()["space"] == "nrw-taskforce"
    assert api.client.get("/contributions/c-00028", headers=api.h(api.taskforce)).status_code \
        == 404  # 'board' is another space
    assert api.client.get("/contributions/c-00028", headers=api.h(api.admin)).status_code == 200


def test_contribution_hides_hidden_authors(api: Api) -> None:
    r = api.client.get("/contributions/c-00041").json()  # by m-0012, who is hidden
    assert r["authors"] == []
    assert api.client.get("/contributions/c-00003").json()["authors"] == ["m-0001", "m-0009"]


def test_stats_count_only_what_the_caller_may_see(api: Api) -> None:
    """#26 item 5: no count depends on private contributions or hidden members."""
    public = api.client.get("/stats").json()
    assert public["members"] == 11 and public["contributions"] == 37  # one member is hidden
    assert public["private_contributions"] == 0 and set(public["spaces"]) == {"public"}
    assert sum(public["contribution_types"].values()) == 37
    assert sum(public["languages"].values()) == 37
    taskforce = api.client.get("/stats", headers=api.h(api.taskforce)).json()
    assert set(taskforce["spaces"]) == {"public", "nrw-taskforce"}
    assert taskforce["contributions"] == 39 and taskforce["private_contributions"] == 2
    admin = api.client.get("/stats", headers=api.h(api.admin)).json()
    assert set(admin["spaces"]) == {"public", "nrw-taskforce", "board"}
    assert admin["members"] == 12 and admin["contributions"] == 41


def test_experts_contacts_and_limits(api: Api) -> None:
    public = api.client.get("/experts", params={"q": "acoustic leak detection", "top": 3}).json()
    assert public["results"][0]["member_id"] == "m-0001"
    assert all(m["contact"] is None for m in public["results"])
    keyed = api.client.get("/experts", params={"q": "acoustic leak detection", "top": 3},
                           headers=api.h(api.reader)).json()
    assert keyed["results"][0]["contact"]
    assert api.client.get("/experts", params={"q": "x", "top": 0}).json()["field"] == "top"
    too_long = api.client.get("/experts", params={"q": "x" * 1001})
    assert too_long.status_code == 422 and too_long.json()["field"] == "q"


def test_a_need_in_french_shows_its_language_and_glossary_reading(
        community_home: Path, real_encoder: Encoder, real_multilingual_encoder: Encoder,
        api_keys: dict[str, str]) -> None:
    client, _ = open_api(community_home, real_encoder, api_keys, real_multilingual_encoder)
    with client:
        french = client.get("/experts", params={
            "q": "traitement des boues de vidange des latrines", "top": 3}).json()
        english = client.get("/experts", params={"q": "faecal sludge treatment"}).json()
        short = client.get("/experts", params={"q": "water"}).json()
    assert short["detected_language"] is None and short["language_route"] == "fused"
    assert short["count"] > 0
    assert french["detected_language"] == "fr" and french["language_route"] == "multilingual"
    assert {"source": "traitement des boues de vidange",
            "english": "faecal sludge treatment plant"} in french["glossary_reading"]
    assert french["results"][0]["member_id"] == "m-0004"
    assert english["detected_language"] == "en" and english["language_route"] == "english"
    assert english["glossary_reading"] == []


def test_a_bad_glossary_keeps_the_service_not_ready_with_its_reason_for_admins(
        community_home: Path, real_encoder: Encoder, api_keys: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "glossary.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    client, _ = open_api(community_home, real_encoder, api_keys, language={"glossary": str(bad)})
    with client:
        ready = client.get("/health/ready")  # the public: the kind of failure, no path
        assert ready.status_code == 503 and str(tmp_path) not in ready.text
        assert "start-up failed" in ready.json()["reason"]
        admin = client.get("/health/ready", headers={"X-API-Key": api_keys["admin"]})
        assert f"{bad}, line 1: not valid JSON" in admin.json()["detail"]
        reader = client.get("/health/ready", headers={"X-API-Key": api_keys["reader"]})
        assert "detail" not in reader.json()
        search = client.get("/experts", params={"q": "fuites"})
        assert search.status_code == 503 and str(tmp_path) not in search.text
        # and as a code, which the page says in its language (notReady.failed)
        assert search.json()["errors"][0]["code"] == "not_ready"
        assert search.json()["errors"][0]["params"] == {"reason": "failed"}


def test_experts_water_is_broad_with_contribution_evidence_first(api: Api) -> None:
    broad = api.client.get("/experts", params={"q": "water", "top": 3}).json()
    assert broad["hint"]  # issue #27: a need too broad to single anyone out says so
    facts = broad["hint_facts"]  # and its figures, from which the page says it
    assert facts["kind"] == "broad" and f"{facts['share']:.0%}" in broad["hint"]
    kinds = [{e["kind"] for e in r["evidence"]} for r in broad["results"]]
    assert "contribution" in kinds[0]
    assert all(0.0 <= r["score"] <= 1.0 for r in broad["results"])
    specific = api.client.get("/experts", params={"q": "acoustic leak detection"}).json()
    assert specific["hint"] is None and specific["hint_facts"] is None
    cake = api.client.get("/experts", params={"q": "a recipe for chocolate cake"}).json()
    assert cake["hint_facts"]["kind"] == "far"
    assert f"{cake['hint_facts']['best']:.2f}" in cake["hint"]
