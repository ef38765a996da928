"""What the core reports for monitoring: encoder passes, and the change-feed position.

The encoder metrics are process-wide (an encoder is loaded once per process and may serve
several apps in tests), kept in their own registry ``REGISTRY``, which the HTTP service's
``/metrics`` exposes beside its own (``api/metrics.py``). They are observed through a plain
callback (``PassObserver``) that ``BatchingEncoder`` calls once per forward pass, so the
encoders themselves know nothing of Prometheus; the setting ``metrics=off`` passes no observer.

No FastAPI here: only ``prometheus_client`` and the standard library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from prometheus_client import CollectorRegistry, Histogram

EncodeKind = Literal["query", "document"]
# (encoder name, kind, texts in the pass, seconds the pass took)
PassObserver = Callable[[str, EncodeKind, int, float], None]

REGISTRY = CollectorRegistry(auto_describe=True)

# texts per forward pass: 1 for a lone need, up to encode_batch_max when needs share a pass,
# thousands for a bulk build (a pass of the wrapped encoder, which batches internally)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 512, 2048, 8192)
SECONDS_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0)

ENCODE_BATCH_TEXTS = Histogram(
    "wellspring_encode_batch_texts", "Texts per encoder forward pass",
    ["encoder", "kind"], buckets=BATCH_BUCKETS, registry=REGISTRY)
ENCODE_SECONDS = Histogram(
    "wellspring_encode_seconds", "Time of one encoder forward pass",
    ["encoder", "kind"], buckets=SECONDS_BUCKETS, registry=REGISTRY)


def observe_encode_pass(encoder: str, kind: EncodeKind, texts: int, seconds: float) -> None:
    """Record one forward pass (a ``PassObserver``)."""
    ENCODE_BATCH_TEXTS.labels(encoder, kind).observe(texts)
    ENCODE_SECONDS.labels(encoder, kind).observe(seconds)


def pass_observer(metrics: Literal["on", "off"]) -> PassObserver | None:
    """The observer the setting ``metrics`` asks for (None: encoders observe nothing)."""
    return observe_encode_pass if metrics == "on" else None


@dataclass(frozen=True)
class FeedPosition:
    """Where this process stands in the change feed (issue #16), for the lag gauges.

    ``applied_sequence``: the last feed sequence this replica has applied to its indexes;
    ``lag_seconds``: how long ago the oldest change it has not applied yet was committed
    (0 when it is caught up). ``Community.feed_position()`` returns one, or None where there
    is no feed (SQLite, a single process): then ``/metrics`` shows no feed gauges.
    """

    applied_sequence: int
    lag_seconds: float
