"""Log output of ``wellspring serve``: text lines, or one JSON object per line (setting
``log_format=json``) for a log shipper.

A JSON line always holds ``time`` (ISO-8601 UTC), ``level``, ``logger`` and ``message``; an access
line (``api/observe.py``) adds ``request_id``, ``route``, ``method``, ``path``, ``status``,
``duration_ms`` and ``client``; a logged exception adds ``exception``; a line of one of several
``serve`` workers adds ``worker`` (its index; text lines say ``[worker N]``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import TextIO

from api.settings import LogFormat

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
WORKER_TEXT_FORMAT = "%(levelname)s [worker %(worker)s] %(name)s: %(message)s"
EXTRA_FIELDS = ("request_id", "route", "method", "path", "status", "duration_ms", "client",
                "worker")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC)
                      .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            if name in record.__dict__:
                out[name] = record.__dict__[name]
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class WorkerField(logging.Filter):
    """Names the serve worker on every record the handler writes."""

    def __init__(self, worker: int) -> None:
        super().__init__()
        self.worker = worker

    def filter(self, record: logging.LogRecord) -> bool:
        record.worker = self.worker
        return True


def configure_logging(log_format: LogFormat, level: int = logging.INFO,
                      stream: TextIO | None = None, worker: int | None = None
                      ) -> logging.Handler:
    """Send every logger's records to one stderr handler in ``log_format``; returns it.
    ``worker``: this process is that worker of several (``serve --workers``)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(
        TEXT_FORMAT if worker is None else WORKER_TEXT_FORMAT))
    if worker is not None:
        handler.addFilter(WorkerField(worker))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings.warn() becomes a record too, not a raw stderr line
    return handler
