"""Who the client is: the peer address, or the address a trusted proxy forwarded.

``X-Forwarded-For`` is read only when the peer is one of the configured proxies
(``WELLSPRING_TRUSTED_PROXIES``, addresses or networks); then the client is the right-most
address in it that is not itself a trusted proxy. Anyone else's header is ignored, so a client
cannot pose as another to the failed-key limiter (docs/SECURITY.md).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_FORWARDED = 32  # addresses of X-Forwarded-For read at most (right to left)


@lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(t.strip(), strict=False) for t in trusted if t.strip())


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(conn: HTTPConnection, trusted_proxies: Sequence[str]) -> str:
    """The client's address, forwarded through trusted proxies only (see the module)."""
    peer = conn.client.host if conn.client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = ",".join(conn.headers.getlist("x-forwarded-for"))
    hops = [h.strip() for h in forwarded.split(",")[-MAX_FORWARDED:] if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop[:64]
    return hops[0][:64] if hops else peer


def valid_networks(values: Sequence[str]) -> list[str]:
    """The settings validator's check: each value an IP address or network (ValueError)."""
    for value in values:
        ipaddress.ip_network(value.strip(), strict=False)
    return list(values)


def came_over_https(conn: HTTPConnection, trusted_proxies: Sequence[str]) -> bool:
    """Whether the client reached us over TLS: the request's own scheme, or a trusted proxy's
    ``X-Forwarded-Proto`` (anyone else's is ignored, as for the client's address)."""
    if conn.url.scheme == "https":
        return True
    peer = conn.client.host if conn.client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    return bool(networks) and _trusted(peer, networks) and conn.headers.get(
        "x-forwarded-proto", "").split(",")[0].strip().lower() == "https"
