"""`wellspring me`: a member's own view and say from the command line answers as GET/PATCH /me
does (the same service), with the member's key; other keys and bad values are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from indexing.encoders.base import Encoder
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from tests.conftest import make_settings

MEMBER = "m-0003"


def test_me_from_the_command_line(community_home: Path, real_encoder: Encoder,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WELLSPRING_HOME", str(community_home))
    store = SqliteStore(community_home / "wellspring.db")
    keys = KeyStore(store)
    mine = keys.create("member", member_id=MEMBER)[1]
    reader = keys.create("reader")[1]
    store.close()

    assert main(["me", "show", "--key", mine]) == 0
    shown = json.loads(capsys.readouterr().out)
    with TestClient(create_app(make_settings(community_home), encoder=real_encoder)) as c:
        over_http = c.get("/me", headers={"X-API-Key": mine}).json()
    assert shown["topics"] == over_http["topics"] and shown["member"] == over_http["member"]

    assert main(["me", "show", "--key", reader]) == 2  # not a member's key
    assert "not a member's" in capsys.readouterr().err
    assert main(["me", "set", "--key", mine, "--busy-until", "someday"]) == 2
    assert "--busy-until" in capsys.readouterr().err

    assert main(["me", "set", "--key", mine, "--busy-until", "2999-01-01", "--consent",
                 "out"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["availability"]["busy_until"] == "2999-01-01"
    assert out["consent"]["suggested_to_others"] is False
    topic = shown["topics"][0]["topic_id"]
    assert main(["me", "topic", topic, "rejected", "--key", mine]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "rejected"
    with TestClient(create_app(make_settings(community_home), encoder=real_encoder)) as c:
        again = c.get("/me", headers={"X-API-Key": mine}).json()
        assert again["availability"]["busy_until"] == "2999-01-01"
        assert next(t for t in again["topics"] if t["topic_id"] == topic)["status"] == "rejected"
        audit = c.get("/admin/audit", headers={"X-API-Key": _admin(community_home)}).json()
    assert {"choose", "topic"} <= {e["action"] for e in audit["results"]}

    assert main(["me", "erase", "--key", mine]) == 2  # --yes is needed
    capsys.readouterr()
    assert main(["me", "erase", "--key", mine, "--yes"]) == 0
    assert json.loads(capsys.readouterr().out)["erased"] is True
    assert main(["me", "show", "--key", mine]) == 2  # the key went with them


def _admin(home: Path) -> str:
    store = SqliteStore(home / "wellspring.db")
    try:
        return KeyStore(store).create("admin")[1]
    finally:
        store.close()
