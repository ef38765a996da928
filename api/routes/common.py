"""What the write routes share: documented error responses and the batch size limit."""

from __future__ import annotations

from typing import Any

from indexing.settings import Settings
from matcher.errors import InvalidRequest

WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No API key, or an invalid one"},
    403: {"description": "The key's role (editor needed) or spaces do not allow this"},
    404: {"description": "Unknown id (or a referenced organisation / author)"},
    409: {"description": "The id already exists (create), or the record is still referenced"},
    413: {"description": "Body larger than max_body_bytes"},
    422: {"description": "Invalid record; `field` names the culprit"},
}


def check_batch(settings: Settings, size: int) -> None:
    if size > settings.matching.max_batch:
        limit = settings.matching.max_batch
        raise InvalidRequest("records", f"at most {limit} records per batch", "too_many",
                             {"limit": limit})
