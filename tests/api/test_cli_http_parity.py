"""#35: the command line answers as HTTP does, for the same question and the same caller.

Over the test community, with a learned ranking fitted on 100+ recorded outcomes, a project
with a declined member and exposure capping on: who knows X, a team and invitations asked
through `wellspring` (in process) and through the service (TestClient) give the same members in
the same order with the same scores, for the public and for a keyed caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.cli import main
from indexing.encoders.base import Encoder
from tests.api.conftest import open_api

NEEDS = ("leak detection", "desalination", "water law", "flood early warning", "sanitation",
         "groundwater recharge", "climate adaptation", "irrigation", "pipe bursts",
         "faecal sludge", "water tariffs", "river basin management")
BRIEF = ["acoustic leak detection", "managed aquifer recharge"]


@pytest.fixture
def home(community_home: Path, real_encoder: Encoder, monkeypatch: pytest.MonkeyPatch
         ) -> Iterator[Path]:
    for name, value in (("HOME", str(community_home)), ("LANGUAGE_ROUTING", "off"),
                        ("FAIR_EXPOSURE", "cap"), ("EXPOSURE_CAP", "1"),
                        ("SUGGESTION_FLUSH_MS", "0")):
        monkeypatch.setenv(f"WELLSPRING_{name}", value)
    # the CLI's community loads the same encoder the service was given (same query vectors)
    monkeypatch.setattr("indexing.community.load_encoder", lambda settings: real_encoder)
    yield community_home


def _client(home: Path, encoder: Encoder, keys: dict[str, str]) -> TestClient:
    client, _ = open_api(home, encoder, keys)
    return client


def _ranked(members: list[dict[str, Any]]) -> list[tuple[str, float]]:
    return [(m["member_id"], round(float(m["score"]), 4)) for m in members]


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """`wellspring ARGS` in this process, its JSON output parsed."""
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_and_http_give_the_same_answers(home: Path, real_encoder: Encoder,
                                            api_keys: dict[str, str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    editor = {"X-API-Key": api_keys["editor"]}
    with _client(home, real_encoder, api_keys) as client:  # outcomes to learn from
        outcomes = 0
        for need in NEEDS:
            answer = client.get("/experts", params={"q": need}, headers=editor).json()
            for m in answer["results"]:
                outcome = "accepted" if m["level"] == "core" else "not_relevant"
                r = client.post("/feedback", headers=editor, json={
                    "suggestion_id": answer["suggestion_id"], "member_id": m["member_id"],
                    "outcome": outcome})
                assert r.status_code == 201, r.text
                outcomes += 1
        assert outcomes >= 100
        par = client.post("/projects", headers=editor, json={  # a project record (#30)
            "title": "Parity", "needs": BRIEF}).json()["project_id"]
        first = client.get("/experts", params={"q": BRIEF[0], "project_id": par,
                                               "shown": "true"}, headers=editor).json()
        declined = first["results"][0]["member_id"]
        assert client.post("/feedback", headers=editor, json={
            "project_id": par, "member_id": declined,
            "outcome": "declined_busy"}).status_code == 201
    assert _cli(capsys, "learn")["pairs"] >= 100

    asks: list[tuple[dict[str, str], list[str]]] = [({}, [])]  # the public
    asks.append((editor, ["--key", api_keys["editor"], "--project", par]))
    http: list[Any] = []
    with _client(home, real_encoder, api_keys) as client:
        for headers, _ in asks:
            project = {"project_id": par} if headers else {}
            for need in (BRIEF[0], "boues de vidange"):
                r = client.get("/experts", headers=headers, params={
                    "q": need, "exposure": "cap", **project})
                assert r.status_code == 200, r.text
                assert r.json()["learned_ranking"]
                http.append(_ranked(r.json()["results"]))
            body = {"title": "Parity", "needs": BRIEF, "exclude_members": ["m-0005"], **project}
            team = client.post("/projects/match", headers=headers, json=body).json()
            http.append(_ranked(team["team"]))
            invites = client.post("/projects/invitations", headers=headers, json=body).json()
            http.append(_ranked(invites["invitations"]))
    assert any(declined not in [m for m, _ in ranking] for ranking in http[4:6])

    cli: list[Any] = []
    for _, options in asks:
        for need in (BRIEF[0], "boues de vidange"):
            cli.append(_ranked(_cli(capsys, "search", need, "--exposure", "cap", "--json",
                                    *options)))
        brief = ["Parity", "--needs", BRIEF[0], "--needs", BRIEF[1],
                 "--exclude-member", "m-0005", "--json", *options]
        cli.append(_ranked(_cli(capsys, "team", *brief)["team"]))
        cli.append(_ranked(_cli(capsys, "invite", *brief)["invitations"]))
    assert cli == http
    assert all(cli[:3]) and all(cli[4:7])  # answers, not empty ones
