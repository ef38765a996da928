"""Micro-batching behind the Encoder protocol: concurrent requests share one forward pass.

Under concurrency each request used to run its own forward pass (one at a time, behind the
model's lock), so 50 concurrent needs cost 50 passes. ``BatchingEncoder`` wraps any encoder:

* a request that finds the encoder idle runs at once, alone: **a lone request never waits**;
* a request that finds it busy queues; when the running pass ends, the first queued request
  leads the next passes: it waits at most ``max_wait_ms`` for more to arrive (bounded), then
  encodes up to ``max_batch`` queued texts in one call, the oldest queued request's kind
  (queries or documents) first, until its own are done, and hands each caller its own rows, in
  order (oldest first across kinds: a write's documents never starve behind a stream of
  queries);
* a call with more than ``max_batch`` texts (a bulk build) goes straight to the encoder.

Each call of the wrapped encoder is reported to ``observe`` (``indexing/metrics.py``: texts
and seconds per pass, by encoder and kind) when one is given. Errors reach every caller of the
failed pass. The vectors are the wrapped encoder's (a batch
computes each text's vector independently: padding is masked), so the fingerprint is its too.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from indexing.encoders.base import Encoder, Vectors

if TYPE_CHECKING:
    from indexing.metrics import PassObserver

Kind = Literal["query", "document"]


@dataclass
class _Request:
    kind: Kind
    texts: Sequence[str]
    done: bool = False
    result: Vectors | None = None
    error: BaseException | None = None
    arrived: float = field(default_factory=time.perf_counter)


@dataclass
class BatchStats:
    """Counters for tests and benchmarks: forward passes run and requests they served."""

    passes: int = 0
    requests: int = 0
    largest: int = 0


class BatchingEncoder:
    """Any Encoder, with concurrent small requests gathered into shared forward passes."""

    def __init__(self, inner: Encoder, max_wait_ms: float = 2.0, max_batch: int = 64,
                 observe: PassObserver | None = None) -> None:
        self.inner = inner
        self.observe = observe
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_wait = max_wait_ms / 1000.0
        self.max_batch = max_batch
        self.stats = BatchStats()
        self._cond = threading.Condition()
        self._pending: deque[_Request] = deque()
        self._running = False

    def __getattr__(self, name: str) -> object:  # runtime, path, ... of the wrapped encoder
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def fingerprint(self) -> dict[str, object]:
        return self.inner.fingerprint()

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._submit("query", texts)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        if show_progress or len(texts) > self.max_batch:
            return self._call("document", texts, show_progress)
        return self._submit("document", texts)

    # -- the queue ---------------------------------------------------------------------------
    def _submit(self, kind: Kind, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        if len(texts) > self.max_batch:
            return self._call(kind, texts)
        request = _Request(kind, list(texts))
        with self._cond:
            self._pending.append(request)
            queued = self._running
            while self._running and not request.done:
                self._cond.wait()
            if request.done:
                return self._outcome(request)
            self._running = True  # this request leads the next pass
        try:
            if queued and self.max_wait > 0:
                self._gather(request)
            while not request.done:  # older queued texts may fill a pass before this one's
                with self._cond:  # oldest first, whatever their kind: a write's documents
                    batch = self._take(self._pending[0].kind)  # never wait behind queries
                self._run(batch)
        finally:
            with self._cond:
                self._running = False
                self._cond.notify_all()
        return self._outcome(request)

    def _gather(self, leader: _Request) -> None:
        """Wait (at most ``max_wait`` after the leader arrived) while the batch is not full."""
        deadline = leader.arrived + self.max_wait
        with self._cond:
            while self._queued_texts(leader.kind) < self.max_batch:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                self._cond.wait(left)

    def _queued_texts(self, kind: Kind) -> int:
        return sum(len(r.texts) for r in self._pending if r.kind == kind)

    def _take(self, kind: Kind) -> list[_Request]:
        """Queued requests of one kind, oldest first, up to ``max_batch`` texts (at least one)."""
        batch: list[_Request] = []
        total = 0
        for r in list(self._pending):
            if r.kind != kind:
                continue
            if batch and total + len(r.texts) > self.max_batch:
                break
            batch.append(r)
            total += len(r.texts)
        for r in batch:
            self._pending.remove(r)
        return batch

    def _run(self, batch: list[_Request]) -> None:
        texts = [t for r in batch for t in r.texts]
        try:
            vectors = self._call(batch[0].kind, texts)
        except BaseException as exc:  # every caller of this pass sees the failure
            with self._cond:
                for r in batch:
                    r.error, r.done = exc, True
            return
        start = 0
        with self._cond:
            self.stats.passes += 1
            self.stats.requests += len(batch)
            self.stats.largest = max(self.stats.largest, len(texts))
            for r in batch:
                r.result = vectors[start : start + len(r.texts)]
                start += len(r.texts)
                r.done = True

    def _call(self, kind: Kind, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        started = time.perf_counter()
        if kind == "query":
            vectors = self.inner.encode_queries(texts)
        else:
            vectors = self.inner.encode_documents(texts, show_progress)
        if self.observe is not None:
            self.observe(self.name, kind, len(texts), time.perf_counter() - started)
        return vectors

    @staticmethod
    def _outcome(request: _Request) -> Vectors:
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result
