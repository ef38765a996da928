"""Bulk encoding on Ray (``wellspring index --ray [ADDRESS]``): the texts whose vectors the store
lacks are encoded by Ray actors, then the index is built from the stored vectors as usual.

* Each actor (``EncoderWorker``) loads the model once and runs it with ``ray_threads`` threads
  (and asks Ray for as many CPUs); ``ray_actors`` of them share the work.
* The driver reads the store, streams the missing texts in batches of ``vector_batch`` and hands
  each batch to one actor (at most ``IN_FLIGHT`` queued per actor): batches are disjoint. It
  writes each returned batch to the store (``save_vectors``, one transaction each), so a killed
  run loses only the batches in flight and a rerun encodes only what is still missing.
* An actor that dies (``ray.kill``, a lost node) is dropped and its unfinished batches go to the
  others: the batch it was encoding is the only work done twice. If every actor dies the run
  stops; what was stored stays.
* A local Ray is started (``RAY_USAGE_STATS_ENABLED=0``) unless an address is given or Ray is
  already initialised in this process (the test starts its own). On a cluster, every node needs
  Wellspring and its model installed; only the driver touches the store.

``ray`` is an optional extra (``pip install -e '.[ray]'``); it is imported only here.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexing.encoders.base import Encoder, Vectors
from indexing.errors import IndexMismatch
from indexing.schema import contribution_key, member_key
from indexing.settings import Settings
from indexing.store import Store, text_hash
from indexing.vectors.encoding import index_fingerprint, item_texts, vector_fingerprint

log = logging.getLogger(__name__)

NAMESPACE = "wellspring"
IN_FLIGHT = 2  # batches queued per actor: one encoding, one waiting
WINDOW = 5000  # texts looked up in the store at a time
START_TIMEOUT_S = 600.0  # actors that cannot be placed (too few CPUs) fail after this
Batch = list[tuple[str, str]]  # (text hash, text)


@dataclass
class RayReport:
    """What one index's bulk encoding did."""

    index: str
    fingerprint: str
    actors: int = 0
    texts: int = 0  # distinct texts of the store's records
    stored_before: int = 0  # of which the store already had vectors
    encoded: int = 0  # texts encoded by the actors and stored
    batches: int = 0
    requeued_batches: int = 0  # unfinished batches of dead actors, given to others
    actors_lost: int = 0
    seconds: float = 0.0

    @property
    def texts_per_s(self) -> float:
        return self.encoded / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "texts_per_s": round(self.texts_per_s, 1)}


class EncoderWorker:
    """A Ray actor's body: one encoder, loaded once, encoding the batches it is handed."""

    def __init__(self, settings: dict[str, Any], kind: str, threads: int,
                 trace: str | None = None) -> None:
        self.settings = Settings.model_validate(settings).with_(
            encoding={"torch_threads": threads})
        self.encoder = load_kind(kind, self.settings, threads)
        self.trace = trace

    def fingerprint(self) -> str:
        return vector_fingerprint(index_fingerprint(self.encoder, self.settings))

    def encode(self, batch_id: int, texts: list[str]) -> Vectors:
        if self.trace:  # which process encoded which batch (the test's evidence)
            with open(self.trace, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {batch_id} {len(texts)}\n")
        return self.encoder.encode_documents(texts)


def load_kind(kind: str, settings: Settings, threads: int) -> Encoder:
    """The bare encoder of one index: ``english`` (MiniLM) or ``multilingual`` (USE-m3)."""
    if kind == "english":
        from indexing.encoders.onnx_runtime import load_minilm

        return load_minilm(settings)
    if kind == "multilingual":
        from indexing.encoders.use_m3 import UniversalSentenceEncoder

        return UniversalSentenceEncoder(threads=threads)
    raise ValueError(f"unknown encoder kind {kind!r}")


def missing_batches(store: Store, settings: Settings, fingerprint: str, report: RayReport
                    ) -> Iterator[Batch]:
    """The store's distinct chunk texts without a vector under ``fingerprint``, in batches of
    ``vector_batch``; counts texts and those already stored in ``report`` as it goes."""
    keys = [member_key(m) for m in sorted(store.member_hashes())]
    keys += [contribution_key(c.id) for c in store.contribution_meta()]
    seen: set[str] = set()
    window: dict[str, str] = {}
    batch: Batch = []

    def drain() -> Iterator[Batch]:
        nonlocal batch
        stored = store.stored_vectors(fingerprint, list(window))
        report.stored_before += len(stored)
        for h, text in window.items():
            if h not in stored:
                batch.append((h, text))
                if len(batch) >= settings.encoding.vector_batch:
                    yield batch
                    batch = []
        window.clear()

    for _, chunks in item_texts(store, keys, settings):
        for text in chunks:
            h = text_hash(text)
            if h in seen:
                continue
            seen.add(h)
            report.texts += 1
            window[h] = text
            if len(window) >= WINDOW:
                yield from drain()
    yield from drain()
    if batch:
        yield batch


@dataclass(frozen=True)
class RayPlan:
    """Where and how to encode on Ray: the cluster (None: a local Ray, or the one this process
    already joined), encoder actors, model threads per actor, and an optional trace file."""

    address: str | None = None
    actors: int | None = None  # None: the setting ray_actors
    threads: int | None = None  # None: the setting ray_threads
    trace: Path | None = None


def encode_with_ray(store: Store, settings: Settings, encoders: Sequence[tuple[str, Encoder]],
                    plan: RayPlan = RayPlan()) -> list[RayReport]:
    """Encode on Ray every text the store lacks a vector for, for each (kind, encoder) given.
    Ray is not started at all when nothing is missing."""
    address, trace = plan.address, plan.trace
    n_actors = plan.actors or settings.encoding.ray_actors
    n_threads = plan.threads or settings.encoding.ray_threads
    plan = RayPlan(address, n_actors, n_threads, trace)
    work = []
    for kind, encoder in encoders:
        started = time.perf_counter()
        fingerprint = vector_fingerprint(index_fingerprint(encoder, settings))
        report = RayReport(kind, fingerprint)
        missing = missing_batches(store, settings, fingerprint, report)
        first = next(missing, None)
        report.seconds = time.perf_counter() - started
        work.append((report, None if first is None else _chain(first, missing)))
    if any(pending is not None for _, pending in work):
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            local = ({"num_cpus": max(os.cpu_count() or 1, n_actors * n_threads)}
                     if not address else {})
            ray.init(address=address, namespace=NAMESPACE, include_dashboard=False,
                     log_to_driver=False, **local)
        try:
            for report, pending in work:
                if pending is not None:
                    _encode_index(ray, store, settings, report, pending, plan)
        finally:
            if started_here:
                ray.shutdown()
    for report, _ in work:
        log.info("ray: %s: %d texts, %d already stored, %d encoded by %d actors in %.1fs",
                 report.index, report.texts, report.stored_before, report.encoded,
                 report.actors, report.seconds)
    return [report for report, _ in work]


def _encode_index(ray: Any, store: Store, settings: Settings, report: RayReport,
                  batches: Iterator[Batch], plan: RayPlan) -> None:
    """Start the actors (model loads) for one index and run its missing batches on them."""
    started = time.perf_counter()
    handles = _start_actors(ray, settings, report, plan)
    report.actors = len(handles)
    _run(ray, store, report.fingerprint, handles, batches, report)
    for handle in handles:  # free their CPUs for the next index's actors
        ray.kill(handle)
    report.seconds += time.perf_counter() - started


def _chain(first: Batch, rest: Iterator[Batch]) -> Iterator[Batch]:
    yield first
    yield from rest


def _start_actors(ray: Any, settings: Settings, report: RayReport, plan: RayPlan
                  ) -> list[Any]:
    kind, fingerprint, trace = report.index, report.fingerprint, plan.trace
    n = plan.actors or settings.encoding.ray_actors
    threads = plan.threads or settings.encoding.ray_threads
    worker = ray.remote(EncoderWorker)
    run = uuid.uuid4().hex[:6]
    dump = {k: v for k, v in settings.model_dump(mode="json").items()
            if k in Settings.model_fields}  # the core settings (not the HTTP service's)
    handles = [worker.options(name=f"wellspring-{kind}-{run}-{i}", num_cpus=threads,
                              max_restarts=0).remote(dump, kind, threads,
                                                     str(trace) if trace else None)
               for i in range(n)]
    prints = ray.get([h.fingerprint.remote() for h in handles], timeout=START_TIMEOUT_S)
    for got in prints:
        if got != fingerprint:
            raise IndexMismatch(f"a Ray actor's {kind} encoder has fingerprint {got}, this "
                                f"process's {fingerprint}: install the same model everywhere")
    return handles


def _run(ray: Any, store: Store, fingerprint: str, handles: list[Any],
         batches: Iterator[Batch], report: RayReport) -> None:
    """Hand out batches, store what comes back, give a dead actor's batches to the others."""
    from ray.exceptions import RayActorError

    queue: deque[tuple[int, Batch]] = deque()
    source = enumerate(batches)
    alive = set(range(len(handles)))
    load = [0] * len(handles)
    inflight: dict[Any, tuple[int, int, Batch]] = {}
    while True:
        for i in sorted(alive):
            while load[i] < IN_FLIGHT:
                item = queue.popleft() if queue else next(source, None)
                if item is None:
                    break
                bid, batch = item
                ref = handles[i].encode.remote(bid, [t for _, t in batch])
                inflight[ref] = (i, bid, batch)
                load[i] += 1
        if not inflight:
            return
        [ref], _ = ray.wait(list(inflight), num_returns=1)
        i, bid, batch = inflight.pop(ref)
        load[i] -= 1
        try:
            vecs = np.asarray(ray.get(ref), dtype=np.float32)
        except RayActorError:
            if i in alive:
                alive.discard(i)
                report.actors_lost += 1
                log.warning("ray: encoder actor %d died; its batches go to the others", i)
            queue.appendleft((bid, batch))
            report.requeued_batches += 1
            if not alive:
                raise RuntimeError("every Ray encoder actor died; rerun `wellspring index "
                                   "--ray` to resume (what was encoded is stored)") from None
            continue
        store.save_vectors(fingerprint, [(h, vecs[j]) for j, (h, _) in enumerate(batch)])
        report.encoded += len(batch)
        report.batches += 1
