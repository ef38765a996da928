"""Request size limits as pure ASGI middleware: 413 before a large body is ever parsed.

The body limit (``settings.http.max_body_bytes``) is checked against Content-Length up front and
against the bytes actually streamed (a client may lie or send chunked); the query string is
capped at ``max_query_bytes`` (both settings in ``api/settings.py``).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_QUERY_BYTES = 16_384


async def _reject(send: Send, status: int, detail: str, field: str) -> None:
    body = json.dumps({"detail": detail, "field": field}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """Raised from ``receive`` once the streamed body passes the limit."""


class SizeLimit:
    """Refuse bodies over ``max_body_bytes`` and query strings over ``max_query_bytes``."""

    def __init__(self, app: ASGIApp, max_body_bytes: int,
                 max_query_bytes: int = MAX_QUERY_BYTES) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_query = max_query_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query:
            await _reject(send, 413, f"query string longer than {self.max_query} bytes", "query")
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _reject(send, 400, "invalid Content-Length header", "Content-Length")
                return
            if size > self.max_body:
                await _reject(send, 413, f"request body larger than {self.max_body} bytes",
                              "body")
                return
        state: dict[str, Any] = {"received": 0, "exceeded": False, "started": False}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.max_body:
                    state["exceeded"] = True
                    raise BodyTooLarge  # the app never handles a partial body
            return message

        async def guarded_send(message: Message) -> None:
            if state["exceeded"]:
                if message["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await _reject(send, 413, f"request body larger than {self.max_body} bytes",
                                  "body")
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not state["started"]:
                state["started"] = True
                await _reject(send, 413, f"request body larger than {self.max_body} bytes",
                              "body")
