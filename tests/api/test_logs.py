"""Structured logs (api/logs.py, setting log_format=json): one JSON object per line, access
lines with request id, route, status and duration."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.logs import configure_logging
from indexing.encoders.base import Encoder
from tests.conftest import make_settings


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The root logger writing JSON lines into a buffer (restored afterwards)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out = io.StringIO()
    configure_logging("json", logging.INFO, stream=out)
    try:
        yield out
    finally:
        root.handlers, root.level = handlers, level
        logging.captureWarnings(False)


def test_json_log_lines_parse_and_access_lines_carry_the_request(
        json_log: io.StringIO, community_home: Path, real_encoder: Encoder) -> None:
    settings = make_settings(community_home, http={"log_format": "json"})
    with TestClient(create_app(settings, encoder=real_encoder)) as client:
        ok = client.get("/members/m-0001", headers={"X-Request-ID": "req-42"})
        assert ok.status_code == 200
        assert client.get("/experts", params={"q": "x"},
                          headers={"X-API-Key": "not-a-key"}).status_code == 401
    lines = [json.loads(line) for line in json_log.getvalue().splitlines() if line]
    assert lines and all({"time", "level", "logger", "message"} <= set(x) for x in lines)
    assert all(x["time"].endswith("Z") for x in lines)
    access = [x for x in lines if x["logger"] == "api.access"]
    member = next(x for x in access if x["request_id"] == "req-42")
    assert member["route"] == "/members/{member_id}" and member["path"] == "/members/m-0001"
    assert member["status"] == 200 and member["method"] == "GET"
    assert isinstance(member["duration_ms"], float) and member["duration_ms"] >= 0
    refused = next(x for x in access if x["route"] == "/experts")
    assert refused["status"] == 401 and len(refused["request_id"]) == 32
    warning = next(x for x in lines if x["logger"] == "api.auth")
    assert warning["level"] == "WARNING" and "invalid API key" in warning["message"]


def test_a_logged_exception_is_one_json_line(json_log: io.StringIO) -> None:
    try:
        raise ValueError("bad thing")
    except ValueError:
        logging.getLogger("tests.logs").exception("it failed")
    (line,) = json_log.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "ERROR" and record["message"] == "it failed"
    assert "ValueError: bad thing" in record["exception"]
