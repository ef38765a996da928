"""End to end: a real uvicorn process over the test community, spoken to with httpx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.uvicorn_support import uvicorn_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server(community_home: Path, api_keys: dict[str, str], tmp_path: Path) -> Iterator[str]:
    with uvicorn_server(community_home, tmp_path / "serve.log") as url:
        yield url


def test_search_write_search_over_http(server: str, api_keys: dict[str, str]) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        r = client.get("/experts", params={"q": "managed aquifer recharge", "top": 3})
        assert r.status_code == 200 and r.json()["results"][0]["member_id"] == "m-0002"
        body = {"id": "c-e2e", "type": "webinar", "date": "2024-09-01", "authors": ["m-0005"],
                "title": "Glacial lake outburst flood warnings in the Andes",
                "text": "Sirens, satellite links and evacuation drills for glacial lake floods."}
        assert client.post("/contributions", json=body).status_code == 401
        r = client.post("/contributions", json=body, headers={"X-API-Key": api_keys["editor"]})
        assert r.status_code == 201
        r = client.get("/experts", params={"q": "glacial lake outburst flood warning"})
        evidence = {e["contribution_id"] for m in r.json()["results"] for e in m["evidence"]}
        assert "c-e2e" in evidence
        assert client.get("/members/m-0012").status_code == 404
        assert client.get("/openapi.json").json()["components"]["securitySchemes"]["ApiKey"][
            "name"] == "X-API-Key"
