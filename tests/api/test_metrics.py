"""GET /metrics (api/metrics.py, api/observe.py): names, labels and counts that move with
requests, the encoder's passes, the service gauges, and who may read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.encoders.batching import BatchingEncoder
from indexing.metrics import FeedPosition, observe_encode_pass
from tests.conftest import make_settings

LOOPBACK = ("127.0.0.1", 50000)
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient, **labels_of_interest: str) -> Samples:
    r = client.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def client_for(home: Path, encoder: Encoder, client: tuple[str, int] = LOOPBACK,
               **sections: dict[str, object]) -> TestClient:
    app = create_app(make_settings(home, **sections), encoder=encoder)
    return TestClient(app, client=client, raise_server_exceptions=False)


@pytest.fixture
def batching(real_encoder: Encoder) -> BatchingEncoder:
    """The real model behind micro-batching with the metrics observer, as `serve` loads it."""
    return BatchingEncoder(real_encoder, observe=observe_encode_pass)


@pytest.fixture
def loopback(community_home: Path, batching: BatchingEncoder) -> Iterator[TestClient]:
    with client_for(community_home, batching) as client:
        yield client


def test_request_counts_move_by_route_template_method_and_status(loopback: TestClient) -> None:
    latency = "wellspring_http_request_duration_seconds_count"
    before = scrape(loopback)
    for need in ("leak detection", "faecal sludge", "groundwater recharge"):
        assert loopback.get("/experts", params={"q": need}).status_code == 200
    assert loopback.get("/members/m-0001").status_code == 200
    assert loopback.get("/members/nobody").status_code == 404
    assert loopback.get("/no/such/path").status_code == 404
    assert loopback.get("/experts", params={"top": 0}).status_code == 422
    assert loopback.get("/openapi.json").status_code == 200  # a plain Starlette route
    after = scrape(loopback)

    def moved(**labels: str) -> float:
        return value(after, latency, **labels) - value(before, latency, **labels)

    assert moved(route="/experts", method="GET", status="2xx") == 3
    assert moved(route="/experts", method="GET", status="4xx") == 1
    assert moved(route="/members/{member_id}", method="GET", status="2xx") == 1
    assert moved(route="/members/{member_id}", method="GET", status="4xx") == 1
    assert moved(route="unmatched", method="GET", status="4xx") == 1
    assert moved(route="/openapi.json", method="GET", status="2xx") == 1
    routes = {dict(labels)["route"] for name, labels in after if name == latency}
    assert not any("m-0001" in r or "nobody" in r for r in routes)  # templates, never paths
    assert value(after, "wellspring_http_request_duration_seconds_bucket", route="/experts",
                 method="GET", status="2xx", le="+Inf") >= 3
    assert value(after, "wellspring_http_requests_in_progress") == 1  # the scrape itself


def test_encoder_passes_are_counted_by_encoder_and_kind(loopback: TestClient,
                                                        batching: BatchingEncoder) -> None:
    labels = {"encoder": batching.name, "kind": "query"}
    before = scrape(loopback)
    assert loopback.get("/experts", params={"q": "drought contingency planning"}).status_code \
        == 200
    after = scrape(loopback)
    passes = (value(after, "wellspring_encode_batch_texts_count", **labels)
              - value(before, "wellspring_encode_batch_texts_count", **labels))
    texts = (value(after, "wellspring_encode_batch_texts_sum", **labels)
             - value(before, "wellspring_encode_batch_texts_sum", **labels))
    seconds = (value(after, "wellspring_encode_seconds_sum", **labels)
               - value(before, "wellspring_encode_seconds_sum", **labels))
    assert passes >= 1 and texts >= passes and seconds > 0


def test_service_gauges_read_the_index_and_the_store(loopback: TestClient) -> None:
    samples = scrape(loopback)
    ready = loopback.get("/health/ready").json()
    stats = loopback.get("/stats").json()
    assert value(samples, "wellspring_ready") == 1
    assert value(samples, "wellspring_index_vectors", index="english") == ready["vectors"]
    # 12 member profiles (hidden ones too) + every contribution, public or private
    contributions = value(samples, "wellspring_store_records", table="contributions")
    assert contributions >= stats["contributions"]  # /stats counts what the public sees
    assert value(samples, "wellspring_index_items", index="english") == 12 + contributions
    assert value(samples, "wellspring_store_records", table="members") == 12
    assert value(samples, "wellspring_store_records", table="organisations") \
        == stats["organisations"]
    assert value(samples, "wellspring_index_unsaved", index="english") == 0
    assert value(samples, "process_resident_memory_bytes") > 0
    assert not any(name.startswith("wellspring_feed_") for name, _ in samples)  # no feed yet


def test_feed_gauges_show_the_communitys_feed_position(
        loopback: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Community, "feed_position",
                        lambda self: FeedPosition(applied_sequence=42, lag_seconds=1.5))
    samples = scrape(loopback)
    assert value(samples, "wellspring_feed_applied_sequence") == 42
    assert value(samples, "wellspring_feed_lag_seconds") == 1.5


def test_a_failing_request_counts_as_5xx(loopback: TestClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    state = loopback.app.state.wellspring  # type: ignore[attr-defined]

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(state.matcher, "find_experts", boom)
    assert loopback.get("/experts", params={"q": "water"}).status_code == 500
    samples = scrape(loopback)
    assert value(samples, "wellspring_http_request_duration_seconds_count", route="/experts",
                 method="GET", status="5xx") == 1


def test_by_default_only_loopback_or_an_admin_key_reads_metrics(
        community_home: Path, batching: BatchingEncoder, api_keys: dict[str, str]) -> None:
    with client_for(community_home, batching, client=("203.0.113.7", 40000)) as remote:
        refused = remote.get("/metrics")
        assert refused.status_code == 401 and refused.json()["field"] == "X-API-Key"
        assert "WELLSPRING_METRICS_ACCESS" in refused.json()["detail"]
        assert remote.get("/metrics", headers={"X-API-Key": api_keys["editor"]}).status_code \
            == 403
        admitted = remote.get("/metrics", headers={"X-API-Key": api_keys["admin"]})
        assert admitted.status_code == 200 and "wellspring_ready" in admitted.text
        assert remote.get("/experts", params={"q": "water"}).status_code == 200  # others open


def test_metrics_access_admin_and_open(community_home: Path, batching: BatchingEncoder,
                                       api_keys: dict[str, str]) -> None:
    with client_for(community_home, batching, http={"metrics_access": "admin"}) as local:
        assert local.get("/metrics").status_code == 401  # loopback is not enough
        assert local.get("/metrics", headers={"X-API-Key": api_keys["admin"]}).status_code \
            == 200
    with client_for(community_home, batching, client=("203.0.113.7", 40000),
                    http={"metrics_access": "open"}) as remote:
        assert remote.get("/metrics").status_code == 200


def test_metrics_off_measures_nothing_and_serves_no_metrics(
        community_home: Path, real_encoder: Encoder) -> None:
    with client_for(community_home, real_encoder, observability={"metrics": "off"}) as client:
        assert client.app.state.wellspring.metrics is None  # type: ignore[attr-defined]
        assert client.get("/metrics").status_code == 404
        r = client.get("/experts", params={"q": "water"})
        assert r.status_code == 200 and r.headers["x-request-id"]  # still identified


def test_request_ids_are_echoed_or_made(loopback: TestClient) -> None:
    given = loopback.get("/health/live", headers={"X-Request-ID": "trace-123.a"})
    assert given.headers["x-request-id"] == "trace-123.a"
    odd = loopback.get("/health/live", headers={"X-Request-ID": "no spaces\tor tabs"})
    made = loopback.get("/health/live")
    assert len(odd.headers["x-request-id"]) == 32 and odd.headers["x-request-id"] != \
        made.headers["x-request-id"]


def test_metrics_answer_while_the_service_is_not_ready(community_home: Path,
                                                       fake_encoder: Encoder) -> None:
    # the index was built with the real model: another encoder is refused (not ready)
    with client_for(community_home, fake_encoder) as client:
        assert client.get("/health/ready").status_code == 503
        samples = scrape(client)
    assert value(samples, "wellspring_ready") == 0
    assert not any(name.startswith(("wellspring_index_", "wellspring_store_"))
                   for name, _ in samples)
    assert value(samples, "wellspring_http_request_duration_seconds_count",
                 route="/health/ready", method="GET", status="5xx") == 1
