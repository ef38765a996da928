"""The service's Prometheus metrics: what ``/metrics`` serves, and who may read it.

Per app (its own registry, so apps in one process do not share counts): request latency by
route template, method and status class (``api/observe.py`` observes each request), requests
in progress, the process (CPU, memory, open files) and, read on each scrape through the parts'
public interfaces, readiness, index size, store counts and the change-feed position. The
encoder's passes are process-wide and live in ``indexing/metrics.py``; ``render`` serves both.
Docs: docs/MONITORING.md.

Several ``serve`` workers (issue #33): prometheus_client's multiprocess mode, in the folder
``PROMETHEUS_MULTIPROC_DIR`` the supervisor creates and removes (``api/supervisor.py``). Latency,
requests in progress and the encoder's passes are then summed over every worker, live or
restarted; the process and service gauges are the answering worker's.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from prometheus_client import (
    CollectorRegistry,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from api.auth import API_KEY_HEADER, CallerDep, Forbidden, Unauthorized, get_state
from api.state import ServiceState
from indexing import metrics as core_metrics

log = logging.getLogger(__name__)

# seconds; /experts answers in ~10-400 ms here, writes and imports can take seconds
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
UNMATCHED = "unmatched"  # requests no route matched (scanners' paths would explode the labels)


class ServiceCollector(Collector):
    """Gauges read at scrape time: readiness, index sizes, store counts, feed position."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        community = self.state.community
        ready = GaugeMetricFamily("wellspring_ready", "1 when the model and index are loaded")
        ready.add_metric([], 1.0 if community is not None else 0.0)
        yield ready
        if community is None:
            return
        items = GaugeMetricFamily("wellspring_index_items", "Members' profiles and "
                                  "contributions held by an index", labels=["index"])
        vectors = GaugeMetricFamily("wellspring_index_vectors", "Vectors (chunks) in an index",
                                    labels=["index"])
        unsaved = GaugeMetricFamily("wellspring_index_unsaved", "1 while an index holds "
                                    "changes not yet saved to disk", labels=["index"])
        indexes = [("english", community.index), ("multilingual", community.multilingual_index)]
        for name, index in indexes:
            if index is None:
                continue
            n_items, n_vectors = index.size()
            items.add_metric([name], n_items)
            vectors.add_metric([name], n_vectors)
            unsaved.add_metric([name], 1.0 if index.dirty else 0.0)
        yield from (items, vectors, unsaved)
        records = GaugeMetricFamily("wellspring_store_records", "Records in the store",
                                    labels=["table"])
        try:
            for table, count in community.store.counts().items():
                records.add_metric([table], count)
        except Exception:  # a scrape must not fail on the store: the other gauges still count
            log.exception("metrics: could not count the store's records")
        yield records
        feed = community.feed_position()
        if feed is not None:
            lag = GaugeMetricFamily("wellspring_feed_lag_seconds", "Age of the oldest change "
                                    "in the feed this replica has not applied (0: caught up)")
            lag.add_metric([], feed.lag_seconds)
            applied = GaugeMetricFamily("wellspring_feed_applied_sequence",
                                        "Last change-feed sequence applied by this replica")
            applied.add_metric([], feed.applied_sequence)
            yield from (lag, applied)


class HttpMetrics:
    """One app's registry: request latency, requests in progress, process, service gauges."""

    def __init__(self, state: ServiceState) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "wellspring_http_request_duration_seconds", "Time to answer a request, by route "
            "template, method and status class", ["route", "method", "status"],
            buckets=LATENCY_BUCKETS, registry=self.registry)
        self.in_progress = Gauge("wellspring_http_requests_in_progress",
                                 "Requests being answered now", registry=self.registry,
                                 multiprocess_mode="livesum")
        self.multiprocess = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        # the answering process's own gauges: beside the others, or apart when every
        # worker's counted values are read from the multiprocess folder
        own = CollectorRegistry(auto_describe=True) if self.multiprocess else self.registry
        self.own = own
        ProcessCollector(registry=own)
        PlatformCollector(registry=own)
        own.register(ServiceCollector(state))

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "other"
        self.latency.labels(route, method, f"{status // 100}xx").observe(seconds)

    def render(self) -> bytes:
        """The text exposition of this app's metrics and the process-wide encoder metrics
        (with several workers: every worker's counted values, and this worker's gauges)."""
        if self.multiprocess:
            summed = CollectorRegistry()
            MultiProcessCollector(summed, self.multiprocess)
            return generate_latest(summed) + generate_latest(self.own)
        return generate_latest(self.registry) + generate_latest(core_metrics.REGISTRY)


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def metrics_reader(request: Request, caller: CallerDep,
                   state: Annotated[ServiceState, Depends(get_state)]) -> None:
    """The setting ``metrics_access``: loopback (clients on this host, or an admin key), admin
    (an admin key only) or open. Refused callers get 401 (no key) or 403 (another role)."""
    rule = state.settings.http.metrics_access
    if rule == "open" or (caller.key is not None and caller.key.has_role("admin")):
        return
    if rule == "loopback" and is_loopback(request.client.host if request.client else None):
        return
    where = "from this host or " if rule == "loopback" else ""
    if caller.key is None:
        raise Unauthorized(f"/metrics is readable {where}with an admin key (header "
                           f"{API_KEY_HEADER}; setting WELLSPRING_METRICS_ACCESS={rule})")
    raise Forbidden(f"/metrics is readable {where}with an admin key; the key has role "
                    f"'{caller.key.role}' (setting WELLSPRING_METRICS_ACCESS={rule})")
