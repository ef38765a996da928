"""Domain errors -> HTTP status, by type, in one place. No traceback ever reaches a client."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import Forbidden, Unauthorized
from api.imports import FileTooLarge
from api.limiter import TooManyAttempts
from api.openapi import allowed_methods
from api.sessions import CsrfRefused
from indexing.errors import (
    Conflict,
    ImportTooLarge,
    IndexCorrupt,
    IndexMismatch,
    IndexNotReady,
    NotFound,
    SpaceDenied,
    ValidationFailed,
    WellspringError,
    plain_context,
)
from indexing.store.feedback import InvalidFeedback
from indexing.store.keys import InvalidKeyRequest
from indexing.store.sessions import LinkRefused
from matcher.errors import InvalidRequest, KeyRequired

log = logging.getLogger(__name__)

STATUS: list[tuple[type[Exception], int]] = [
    (ValidationFailed, 422),
    (InvalidRequest, 422),
    (InvalidKeyRequest, 422),
    (InvalidFeedback, 422),
    (Unauthorized, 401),
    (KeyRequired, 401),
    (Forbidden, 403),
    (CsrfRefused, 403),
    (LinkRefused, 403),
    (SpaceDenied, 403),
    (TooManyAttempts, 429),
    (NotFound, 404),
    (Conflict, 409),
    (FileTooLarge, 413),
    (ImportTooLarge, 413),
    (IndexNotReady, 503),
    (IndexMismatch, 503),
    (IndexCorrupt, 503),
    (WellspringError, 400),
]


def error_body(message: str, field: str | None = None,
               errors: Sequence[Mapping[str, object]] | None = None) -> dict[str, object]:
    body: dict[str, object] = {"detail": message}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = list(errors)
    return body


def _domain_handler(request: Request, exc: Exception) -> JSONResponse:
    status = next(code for kind, code in STATUS if isinstance(exc, kind))
    field = getattr(exc, "field", None)
    errors: list[dict[str, object]] | None = None
    if isinstance(exc, ValidationFailed):
        errors = [{"field": e.field, "message": e.message, "record": e.source,
                   "id": e.record_id, "line": e.line}
                  | ({"code": e.code, "params": e.params} if e.code else {}) for e in exc.errors]
        field = exc.errors[0].field if exc.errors else None
    elif isinstance(exc, InvalidRequest):  # what is wrong, also as a code a client translates
        errors = [{"field": exc.field, "message": exc.reason, "code": exc.code,
                   "params": exc.params}]
    elif isinstance(exc, WellspringError) and exc.code is not None:  # a 401, 403, 404, 409
        errors = [{"field": field, "message": str(exc), "code": exc.code,  # or 429 saying why
                   "params": dict(exc.params)}]
    headers = getattr(exc, "headers", None)
    return JSONResponse(error_body(str(exc), field, errors), status_code=status,
                        headers=headers if isinstance(headers, dict) else None)


def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        field = ".".join(loc[1:] if loc and loc[0] in ("query", "body", "path") else loc)
        if err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
            # a body whose shape a field decides (POST /admin/keys: role): name that field
            tag = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            field = ".".join(x for x in (field, tag) if x)
        errors.append({"field": field or "body", "message": str(err.get("msg", "invalid")),
                       "code": str(err.get("type", "invalid")),
                       "params": plain_context(err.get("ctx") or {})})
    head = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
    return JSONResponse(error_body(f"invalid request: {head}", str(errors[0]["field"])
                                   if errors else None, errors), status_code=422)


def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (405, a body that is not JSON: 400) in the service's error body;
    a 405's Allow lists every method of the path."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
    return JSONResponse(error_body(str(exc.detail)), status_code=exc.status_code,
                        headers=headers or None)


def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body("internal error; the service logged it"), status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(WellspringError, _domain_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
