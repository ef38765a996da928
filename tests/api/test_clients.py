"""The client address the failed-key limiter counts: X-Forwarded-For from trusted proxies only,
checked on the function and through a real `wellspring serve` behind a forwarding client."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.requests import HTTPConnection

from api.clients import client_address
from tests.api.uvicorn_support import uvicorn_server
from tests.conftest import make_settings


def connection(peer: str, *forwarded: str) -> HTTPConnection:
    headers = [(b"x-forwarded-for", f.encode()) for f in forwarded]
    return HTTPConnection({"type": "http", "client": (peer, 5000), "headers": headers})


@pytest.mark.parametrize("peer,forwarded,trusted,expected", [
    ("203.0.113.5", ["198.51.100.7"], [], "203.0.113.5"),  # no proxies: the header is ignored
    ("203.0.113.5", ["198.51.100.7"], ["127.0.0.1"], "203.0.113.5"),  # an untrusted peer
    ("127.0.0.1", ["198.51.100.7"], ["127.0.0.1"], "198.51.100.7"),
    ("127.0.0.1", ["6.6.6.6, 198.51.100.7"], ["127.0.0.1"], "198.51.100.7"),  # spoofed left part
    ("10.0.0.2", ["198.51.100.7, 10.0.0.9"], ["10.0.0.0/8"], "198.51.100.7"),  # two proxies
    ("127.0.0.1", ["6.6.6.6", "198.51.100.7"], ["127.0.0.1"], "198.51.100.7"),  # two headers
    ("127.0.0.1", [], ["127.0.0.1"], "127.0.0.1"),
    ("::1", ["2001:db8::1"], ["::1"], "2001:db8::1"),
])
def test_client_address(peer: str, forwarded: list[str], trusted: list[str],
                        expected: str) -> None:
    assert client_address(connection(peer, *forwarded), trusted) == expected


def test_trusted_proxies_must_be_addresses(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        make_settings(tmp_path, http={"trusted_proxies": ["not-an-address"]})


@pytest.mark.slow
def test_forwarded_clients_are_counted_apart_over_http(
        community_home: Path, api_keys: dict[str, str], tmp_path: Path) -> None:
    """Behind a trusted proxy on loopback, one forwarded client's wrong secrets lock out that
    client alone; a spoofed header from an untrusted peer would not have helped (above)."""
    settings = {"WELLSPRING_TRUSTED_PROXIES": '["127.0.0.1"]',
                "WELLSPRING_AUTH_FAILURE_LIMIT": "2"}
    bad = {"X-API-Key": "_".join(api_keys["editor"].split("_", 2)[:2]) + "_" + "y" * 43}
    with uvicorn_server(community_home, tmp_path / "serve.log", settings, cli=True) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        attacker = {**bad, "X-Forwarded-For": "198.51.100.7"}
        assert [client.get("/stats", headers=attacker).status_code
                for _ in range(3)] == [401, 401, 429]
        honest = {**bad, "X-Forwarded-For": "192.0.2.10"}  # a typo, from elsewhere
        assert client.get("/stats", headers=honest).status_code == 401
        valid = {"X-API-Key": api_keys["admin"], "X-Forwarded-For": "198.51.100.7"}
        assert client.get("/stats", headers=valid).status_code == 200  # another key id
