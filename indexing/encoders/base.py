"""The encoder protocol: texts in, L2-normalised float32 vectors out.

The real encoders live beside this file (``sentence_transformer.py``: the bundled MiniLM;
``use_m3.py``: the multilingual USE-m3). ``HashingEncoder`` is a tiny, deterministic
bag-of-words encoder for fast unit tests of ranking logic only.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]


class Encoder(Protocol):
    """What the index and the matcher need from a text encoder."""

    name: str
    dimension: int

    def fingerprint(self) -> dict[str, object]:
        """Every setting that changes the vectors; an index built with another is refused."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors: ...


def normalise(vectors: npt.NDArray[np.floating]) -> Vectors:
    arr = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


_TOKEN = re.compile(r"[a-z0-9]+")


class HashingEncoder:
    """Deterministic bag-of-words vectors (feature hashing). For unit tests of ranking logic."""

    def __init__(self, dimension: int = 256, name: str = "hashing") -> None:
        self.dimension = dimension
        self.name = name

    def fingerprint(self) -> dict[str, object]:
        return {"encoder": "hashing", "model": self.name, "dimension": self.dimension}

    def _one(self, text: str) -> npt.NDArray[np.float32]:
        v = np.zeros(self.dimension, dtype=np.float32)
        for tok in _TOKEN.findall(text.lower()):
            stem = tok[:6]
            idx = int(hashlib.md5(stem.encode()).hexdigest()[:8], 16) % self.dimension
            v[idx] += 1.0
        return v

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return normalise(np.stack([self._one(t) for t in texts]))

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self.encode_queries(texts)
