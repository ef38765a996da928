"""Micro-batching (indexing/encoders/batching.py): every caller gets its own vectors, in order,
under concurrency; concurrent requests share passes; a lone request does not wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from indexing.encoders.base import HashingEncoder, Vectors
from indexing.encoders.batching import BatchingEncoder


class SlowEncoder(HashingEncoder):
    """A deterministic encoder whose passes take time and are counted."""

    def __init__(self, delay: float = 0.02, fail_on: str | None = None) -> None:
        super().__init__()
        self.delay = delay
        self.fail_on = fail_on
        self.calls: list[int] = []
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:  # one pass at a time, like the real encoders
            self.calls.append(len(texts))
            time.sleep(self.delay)
            if self.fail_on is not None and self.fail_on in texts:
                raise RuntimeError("boom")
            return super().encode_queries(texts)


def _hammer(encoder: BatchingEncoder, n_threads: int, per_thread: int
            ) -> dict[int, list[tuple[list[str], Vectors]]]:
    results: dict[int, list[tuple[list[str], Vectors]]] = {}
    start = threading.Barrier(n_threads)

    def work(t: int) -> None:
        start.wait()
        mine = []
        for r in range(per_thread):
            texts = [f"need {t} {r} {j} water {t * 7 + j}" for j in range(1 + (t + r) % 3)]
            mine.append((texts, encoder.encode_queries(texts)))
        results[t] = mine

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def test_every_caller_gets_its_own_vectors_in_order_under_concurrency() -> None:
    inner = SlowEncoder()
    batching = BatchingEncoder(inner, max_wait_ms=5, max_batch=16)
    reference = HashingEncoder()
    results = _hammer(batching, n_threads=12, per_thread=5)
    for mine in results.values():
        for texts, vectors in mine:
            assert vectors.shape == (len(texts), reference.dimension)
            np.testing.assert_array_equal(vectors, reference.encode_queries(texts))
    n_requests = 12 * 5
    assert batching.stats.requests == n_requests
    assert len(inner.calls) < n_requests  # concurrent requests shared passes
    assert max(inner.calls) <= 16  # bounded batch


def test_a_lone_request_does_not_wait() -> None:
    batching = BatchingEncoder(SlowEncoder(delay=0.0), max_wait_ms=500, max_batch=64)
    started = time.perf_counter()
    batching.encode_queries(["groundwater recharge"])
    assert time.perf_counter() - started < 0.25


def test_a_large_call_goes_straight_through() -> None:
    inner = SlowEncoder(delay=0.0)
    batching = BatchingEncoder(inner, max_wait_ms=1, max_batch=4)
    texts = [f"text {i}" for i in range(10)]
    np.testing.assert_array_equal(batching.encode_queries(texts),
                                  HashingEncoder().encode_queries(texts))
    assert inner.calls == [10]
    assert batching.encode_queries([]).shape == (0, inner.dimension)


def test_a_failed_pass_fails_its_callers_only() -> None:
    inner = SlowEncoder(delay=0.01, fail_on="bad")
    batching = BatchingEncoder(inner, max_wait_ms=0, max_batch=64)
    with pytest.raises(RuntimeError):
        batching.encode_queries(["bad"])
    assert batching.encode_queries(["good"]).shape == (1, inner.dimension)


def test_queries_and_documents_are_batched_apart() -> None:
    inner = SlowEncoder()
    batching = BatchingEncoder(inner, max_wait_ms=2, max_batch=8)
    out: dict[str, Vectors] = {}

    def doc() -> None:
        out["doc"] = batching.encode_documents(["a document about sludge"])

    def query() -> None:
        out["query"] = batching.encode_queries(["a need about sludge"])

    threads = [threading.Thread(target=f) for f in (doc, query, doc, query)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ref = HashingEncoder()
    np.testing.assert_array_equal(out["doc"], ref.encode_documents(["a document about sludge"]))
    np.testing.assert_array_equal(out["query"], ref.encode_queries(["a need about sludge"]))
    assert batching.fingerprint() == inner.fingerprint()


def test_every_forward_pass_is_reported_to_the_observer() -> None:
    seen: list[tuple[str, str, int, float]] = []
    inner = SlowEncoder(delay=0.03)
    batching = BatchingEncoder(inner, max_wait_ms=20, max_batch=8,
                               observe=lambda *args: seen.append(args))
    results = _hammer(batching, n_threads=6, per_thread=2)
    assert sum(len(v) for v in results.values()) == 12
    assert [n for _, _, n, _ in seen] == inner.calls  # one report per pass, its texts
    assert all(name == inner.name and kind == "query" and s >= 0.03 for name, kind, _, s in seen)
    seen.clear()
    batching.encode_documents([f"doc {i}" for i in range(20)])  # a bulk call: one report
    assert [(kind, n) for _, kind, n, _ in seen] == [("document", 20)]


def test_the_metrics_observer_fills_the_encode_histograms() -> None:
    from indexing.metrics import REGISTRY, observe_encode_pass, pass_observer

    assert pass_observer("on") is observe_encode_pass and pass_observer("off") is None

    labels = {"encoder": "observer-test", "kind": "document"}
    batching = BatchingEncoder(HashingEncoder(name="observer-test"), observe=observe_encode_pass)
    batching.encode_documents(["a text", "another text", "a third"])
    assert REGISTRY.get_sample_value("wellspring_encode_batch_texts_count", labels) == 1
    assert REGISTRY.get_sample_value("wellspring_encode_batch_texts_sum", labels) == 3
    assert REGISTRY.get_sample_value("wellspring_encode_batch_texts_bucket",
                                     {**labels, "le": "4.0"}) == 1
    assert REGISTRY.get_sample_value("wellspring_encode_seconds_count", labels) == 1


class GatedEncoder(HashingEncoder):
    """Records the kind of every pass; the first pass waits for ``gate``."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.passes: list[tuple[str, int]] = []

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._pass("query", texts)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self._pass("document", texts)

    def _pass(self, kind: str, texts: Sequence[str]) -> Vectors:
        self.passes.append((kind, len(texts)))
        if len(self.passes) == 1:
            self.gate.wait(10)
        return super().encode_queries(texts)


def test_queued_documents_are_encoded_before_later_queries() -> None:
    """A write's documents queued behind a running pass go into the next pass, ahead of the
    queries that arrived after them (oldest first across kinds), whoever leads it."""
    inner = GatedEncoder()
    batching = BatchingEncoder(inner, max_wait_ms=0, max_batch=64)
    threads = [threading.Thread(target=batching.encode_queries, args=(["first"],))]
    threads[0].start()
    while not inner.passes:  # the first pass is running (held at the gate)
        time.sleep(0.001)
    doc = threading.Thread(target=batching.encode_documents, args=(["a report", "a post"],))
    doc.start()
    time.sleep(0.05)  # the documents are queued first
    for i in range(5):
        threads.append(threading.Thread(target=batching.encode_queries, args=([f"q{i}"],)))
        threads[-1].start()
    time.sleep(0.05)
    inner.gate.set()
    for t in [*threads, doc]:
        t.join(10)
    assert inner.passes[0] == ("query", 1)
    assert inner.passes[1] == ("document", 2)  # not after the five later queries
    assert sorted(inner.passes[2:]) == [("query", 5)]
