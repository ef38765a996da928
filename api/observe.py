"""Every request, observed as pure ASGI middleware: a request id, an access-log line, and (setting
``metrics=on``) its latency in the route's histogram.

The route label is the matched route's template (``/members/{member_id}``), never the raw path;
requests no route matched count as ``unmatched``. The request id is the client's
``X-Request-ID`` when it is a short token, else a fresh one; it is echoed in the response and
carried by the access line (logger ``api.access``; JSON fields with ``log_format=json``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import UNMATCHED, HttpMetrics

access_log = logging.getLogger("api.access")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_of(scope: Scope) -> str:
    """The client's request id when it is a plain short token, else a new one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            presented = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(presented):
                return presented
            break
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (the router leaves it in the scope)."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str) and path:
        return path
    if scope.get("endpoint") is not None and not scope.get("path_params"):
        # a plain Starlette route (/docs, /openapi.json): without parameters, path = template
        return str(scope.get("path", UNMATCHED))
    return UNMATCHED


class Observe:
    """Request id, access log and (when ``metrics`` is given) latency of every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics | None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id  # request.state.request_id
        status = 500  # what the client gets when the app raises before answering
        started = time.perf_counter()

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        metrics = self.metrics
        if metrics is not None:
            metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_observed)
        finally:
            seconds = time.perf_counter() - started
            route, method = route_template(scope), str(scope.get("method", ""))
            if metrics is not None:
                metrics.in_progress.dec()
                metrics.observe(route, method, status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                duration_ms = round(seconds * 1000, 1)
                client = scope.get("client")
                access_log.info(
                    "%s %s %d %.1f ms (%s)", method, route, status, duration_ms, request_id,
                    extra={"request_id": request_id, "route": route, "method": method,
                           "path": scope.get("path", ""), "status": status,
                           "duration_ms": duration_ms, "client": client[0] if client else None})
