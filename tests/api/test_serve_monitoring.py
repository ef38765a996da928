"""`wellspring serve` as an operator runs it: JSON log lines from every logger (uvicorn's too),
an access line per request, and /metrics over real HTTP from loopback, the encoder's passes
counted through the encoder `serve` loads (`load_encoder`)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.api.uvicorn_support import uvicorn_server

pytestmark = pytest.mark.slow


def test_serve_writes_json_lines_and_serves_metrics_to_loopback(
        community_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    settings = {"WELLSPRING_LOG_FORMAT": "json", "WELLSPRING_LANGUAGE_ROUTING": "off"}
    with uvicorn_server(community_home, log, settings, cli=True) as url, \
            httpx.Client(base_url=url, timeout=60) as client:
        r = client.get("/experts", params={"q": "managed aquifer recharge"},
                       headers={"X-Request-ID": "e2e-7"})
        assert r.status_code == 200 and r.headers["x-request-id"] == "e2e-7"
        scraped = client.get("/metrics")
        assert scraped.status_code == 200  # the client is 127.0.0.1
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(scraped.text) for s in f.samples}
    experts = (("method", "GET"), ("route", "/experts"), ("status", "2xx"))
    assert samples[("wellspring_http_request_duration_seconds_count", experts)] == 1
    passes = [v for (name, labels), v in samples.items()
              if name == "wellspring_encode_batch_texts_count" and ("kind", "query") in labels]
    assert passes and sum(passes) >= 1  # load_encoder wired the observer
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = next(x for x in records if x.get("request_id") == "e2e-7")
    assert access["logger"] == "api.access" and access["route"] == "/experts"
    assert access["status"] == 200 and access["client"] == "127.0.0.1"
    assert any(x["logger"].startswith("uvicorn") for x in records)  # uvicorn's lines too
