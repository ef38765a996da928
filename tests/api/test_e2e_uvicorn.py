"""End to end: a real uvicorn process over the test community, spoken to with httpx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(community_home: Path, api_keys: dict[str, str]) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "WELLSPRING_HOME": str(community_home), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # the model import takes seconds on a busy machine
            if proc.poll() is not None:
                pytest.fail(f"uvicorn exited: {proc.stdout.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("uvicorn never became ready")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
