"""POST /projects/match, POST /projects/invitations, GET /members/{id}/similar; CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from matcher.experts import Matcher
from tests.api.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
NEEDS = ["leak detection", "desalination", "water law", "space debris tracking"]
SUMMARY = {"member_id", "name", "organisation_id", "organisation", "country", "level",
           "languages", "topics", "open_to_invitations", "contact",
           "busy_until", "consent"}  # a member's own say (#29): null but for keyed callers


def test_match_contract(api: Api) -> None:
    r = api.client.post("/projects/match", json={"title": "Coastal water security",
                                                 "needs": NEEDS})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"title", "needs", "team", "coverage", "gaps", "spread", "shortfall",
                         "alternates", "count", "suggestion_id", "project_id"}
    assert body["suggestion_id"] is None and body["project_id"] is None  # the public's
    assert body["needs"] == [{"need": n, "derived": False, "source": None, "part_of": None,
                              "detected_language": "en", "language_route": "english"}
                             for n in NEEDS]
    assert {t["member_id"] for t in body["team"]} == {"m-0001", "m-0003", "m-0006"}
    assert body["count"] == 3
    for t in body["team"]:
        assert set(t) == SUMMARY | {"score", "covers", "evidence"}
        assert t["contact"] is None  # public caller
        assert t["evidence"] and all(e["space"] == "public" and e["need"] in t["covers"]
                                     for e in t["evidence"])
    assert body["gaps"] == [{"need": "space debris tracking", "best_score": pytest.approx(
        body["gaps"][0]["best_score"]), "best_member_id": body["gaps"][0]["best_member_id"]}]
    assert body["gaps"][0]["best_score"] < 0.45
    assert [c["need"] for c in body["coverage"]] == NEEDS
    assert sum(body["spread"]["countries"].values()) == 3


def test_match_derives_needs_and_honours_exclusions(api: Api) -> None:
    r = api.client.post("/projects/match", json={
        "title": "t", "description": "We need leak detection, desalination and water law.",
        "exclude_members": ["m-0003"], "exclude_organisations": ["org-nairobi-water"],
        "exclude_countries": ["ch"], "size": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [n["need"] for n in body["needs"]] == ["leak detection", "desalination", "water law"]
    assert all(n["derived"] for n in body["needs"])
    ids = {t["member_id"] for t in body["team"]}
    assert not ids & {"m-0001", "m-0003", "m-0006", "m-0009"}
    assert {g["need"] for g in body["gaps"]} >= {"leak detection", "water law"}


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "t", "description": ""}, "description"),
    ({"title": "t", "description": "   ", "needs": None}, "description"),
    ({"title": "", "needs": ["x"]}, "title"),
    ({"title": "t", "needs": NEEDS, "size": 0}, "size"),
    ({"title": "t", "needs": NEEDS, "size": 16}, "size"),
    ({"title": "t", "needs": NEEDS, "exclude_members": ["m-9999"]}, "exclude_members"),
    ({"title": "t", "needs": NEEDS, "exclude_organisations": ["org-x"]},
     "exclude_organisations"),
    ({"title": "t", "needs": NEEDS, "exclude_countries": ["ZZ"]}, "exclude_countries"),
])
def test_bad_projects_are_422_naming_the_field(api: Api, body: dict[str, object],
                                               field: str) -> None:
    for path in ("/projects/match", "/projects/invitations"):
        r = api.client.post(path, json=body)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field


def test_invitations_contract(api: Api) -> None:
    r = api.client.post("/projects/invitations", json={
        "title": "Peri-urban WASH", "top": 5,
        "needs": ["leak detection", "faecal sludge management", "drought indices and "
                  "drought contingency planning", "drip irrigation scheduling"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"needs", "team", "count", "invitations", "explanation", "nobody",
                         "suggestion_id", "project_id"}
    assert body["count"] == len(body["invitations"]) and body["explanation"] is None
    assert body["nobody"] is None
    ids = [i["member_id"] for i in body["invitations"]]
    assert "m-0004" in ids and not {"m-0010", "m-0012"} & set(ids)
    for i in body["invitations"]:
        assert set(i) == SUMMARY | {"score", "covers", "reasons", "reason", "evidence"}
        assert i["reasons"] and all(set(r) == {"need", "type", "detail", "score", "core_best",
                                               "limit", "brings", "contributions"}
                                    for r in i["reasons"])
        for r in i["reasons"]:  # the figures the detail states, for the page's languages
            assert f"{r['score']:.2f}" in r["detail"]
            if r["type"] in ("fills_gap", "adds_depth"):
                assert f"{r['core_best']:.2f}" in r["detail"]
            if r["type"] == "new_perspective":
                assert r["brings"] and all(v.replace("_", " ") in r["detail"]
                                           for v in r["brings"].values())
        assert i["open_to_invitations"] and i["level"] in ("occasional", "peripheral",
                                                           "transactional")
        assert i["covers"] and i["covers"][0] in i["reason"]


def test_similar(api: Api) -> None:
    r = api.client.get("/members/m-0008/similar", params={"top": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["member_id"] == "m-0008" and body["count"] == len(body["results"]) <= 3
    assert body["results"][0]["member_id"] == "m-0003"
    assert set(body["results"][0]) == SUMMARY | {"score"}
    assert api.client.get("/members/m-9999/similar").status_code == 404
    assert api.client.get("/members/m-0012/similar").status_code == 404  # hidden
    assert api.client.get("/members/m-0001/similar", params={"top": 0}).status_code == 422


def test_keyed_caller_sees_contacts(api: Api) -> None:
    r = api.client.post("/projects/match", headers=api.h(api.admin),
                        json={"title": "t", "needs": ["desalination"]})
    assert r.status_code == 200, r.text
    team = r.json()["team"]
    assert team and any(t["contact"] for t in team)


# -- CLI -------------------------------------------------------------------------------------
@pytest.fixture
def cli(matcher: Matcher, monkeypatch: pytest.MonkeyPatch) -> None:
    from matcher.feedback import Feedback

    monkeypatch.setattr("api.commands.teams.open_answers", lambda settings: Feedback(matcher))


def test_cli_team_json(cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["team", "Coastal", "--size", "4", "--exclude-member", "m-0007", "--json"]
    for need in NEEDS:
        args += ["--needs", need]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert [n["need"] for n in out["needs"]] == NEEDS
    assert {t["member_id"] for t in out["team"]} == {"m-0001", "m-0003", "m-0006"}
    for t in out["team"]:
        assert {"member_id", "name", "organisation", "country", "level", "covers",
                "evidence"} <= set(t)
    assert [g["need"] for g in out["gaps"]] == ["space debris tracking"]


def test_cli_invite_json(cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invite", "WASH", "--description", "We need faecal sludge management and "
                 "leak detection.", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["needs"] and all(n["derived"] for n in out["needs"])
    assert out["invitations"]
    assert all(n["detected_language"] == "en" for n in out["needs"])
    for i in out["invitations"]:
        assert {"member_id", "name", "organisation", "country", "level", "covers",
                "evidence", "reason", "reasons"} <= set(i)


@pytest.mark.parametrize("args", [
    ["team", "T"], ["team", "T", "--description", " "], ["team", "T", "--needs", "x",
                                                          "--size", "0"],
    ["team", "T", "--needs", "x", "--size", "99"],
    ["team", "T", "--needs", "x", "--exclude-member", "m-9999"],
    ["team", "T", "--needs", "x", "--exclude-organisation", "org-x"],
    ["invite", "T"], ["invite", "T", "--needs", "x", "--exclude-member", "m-9999"],
    ["similar", "m-9999"],
])
def test_cli_bad_input_exits_2_with_one_line(cli: None, args: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err


def test_terms_of_reference_give_expertise_needs_with_their_sentences(api: Api) -> None:
    """Issue #36: a pasted call for consultants gives the expertise it asks for, each need with
    the sentence it was read in; organisations, places and dates are never needs."""
    text = (ROOT / "bench/briefs/real/fr-gado-boues.txt").read_text(encoding="utf-8")
    title = "Étude de faisabilité d'une filière de boues de vidange"
    r = api.client.post("/projects/match", json={"title": title, "description": text})
    assert r.status_code == 200, r.text
    body = r.json()
    needs = [n["need"] for n in body["needs"]]
    assert "gestion des boues de vidange" in [n.casefold() for n in needs]
    read = [n for n in body["needs"] if n["part_of"] is None]
    assert all(n["derived"] and n["source"] and n["need"].casefold() in n["source"].casefold()
               for n in read)
    flat = " ".join(text.split())
    assert all(n["source"] in flat for n in read)
    # the rest are usual parts of the work the project's title names, said to be so
    inferred = [n for n in body["needs"] if n["part_of"] is not None]
    assert inferred and all(n["derived"] and n["source"] == title for n in inferred)
    assert {n["part_of"] for n in inferred} <= {"feasibility study", "faecal sludge management"}
    context = ("Solidarités", "Garoua", "Cameroun", "2014", "ECHO", "Dans le cadre", "hôtes")
    assert not [n for n in needs if any(c.casefold() in n.casefold() for c in context)]
    assert {c["need"] for c in body["coverage"]} == set(needs)
    for member in body["team"]:
        assert set(member["covers"]) <= set(needs)


def test_a_description_of_spaces_is_answered(api: Api) -> None:
    """Issue #26 item 1: the anonymous brief that stalled the service (the work of deriving its
    needs is bounded in tests/matcher/test_need_derivation_work.py)."""
    r = api.client.post("/projects/match", json={
        "title": "t", "description": "water" + " " * 9_990 + "x"})
    assert r.status_code == 200, r.text
    assert [n["need"] for n in r.json()["needs"]] == ["water x"]


def test_a_description_naming_no_expertise_is_refused_on_its_field(api: Api) -> None:
    r = api.client.post("/projects/match", json={"title": "t", "description": (
        "The ministry and the municipality signed an agreement in March 2021 in Niamey. "
        "The mission will last three months and reports to the director of the programme. "
        "Applications are due on 4 May; the contract follows the donor's rules.")})
    assert r.status_code == 422 and r.json()["field"] == "description"
