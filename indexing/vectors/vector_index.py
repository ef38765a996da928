"""The vector index interface the community index is written against, and its exact numpy
reference implementation (unit tests). FAISS implements it in ``faiss_index.py``; a second
backend is one more file implementing ``VectorIndex``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

IdArray = npt.NDArray[np.int64]
ScoreArray = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]


class VectorIndex(Protocol):
    """Vectors under caller-chosen int64 ids, searched by inner product under an id mask."""

    dimension: int
    factory: str
    nprobe: int

    @property
    def is_trained(self) -> bool: ...

    def training_size(self) -> int:
        """Vectors ``train`` wants before the first add (0: none)."""
        ...

    def train(self, sample: npt.NDArray[np.float32]) -> None: ...

    def add(self, ids: IdArray, vectors: npt.NDArray[np.float32]) -> None: ...

    def remove(self, ids: IdArray) -> int: ...

    def search(self, query: npt.NDArray[np.float32], k: int, allowed: Mask | None = None
               ) -> tuple[ScoreArray, IdArray]: ...

    def reconstruct(self, ids: IdArray) -> npt.NDArray[np.float32]: ...

    def save(self, folder: Path) -> None: ...

    def count(self) -> int: ...


class NumpyVectorIndex:
    """Exact search in plain numpy: the small reference implementation used by unit tests."""

    factory = "numpy"
    nprobe = 0
    is_trained = True

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._ids = np.zeros(0, np.int64)
        self._vectors = np.zeros((0, dimension), np.float32)

    def training_size(self) -> int:
        return 0

    def train(self, sample: npt.NDArray[np.float32]) -> None:
        """Nothing to train."""

    def add(self, ids: IdArray, vectors: npt.NDArray[np.float32]) -> None:
        self._ids = np.concatenate([self._ids, ids.astype(np.int64)])
        self._vectors = np.vstack([self._vectors, vectors.astype(np.float32)])

    def remove(self, ids: IdArray) -> int:
        keep = ~np.isin(self._ids, ids)
        removed = int((~keep).sum())
        self._ids, self._vectors = self._ids[keep], self._vectors[keep]
        return removed

    def search(self, query: npt.NDArray[np.float32], k: int, allowed: Mask | None = None
               ) -> tuple[ScoreArray, IdArray]:
        scores = self._vectors @ query.reshape(-1).astype(np.float32)
        ids = self._ids
        if allowed is not None:
            ok = np.zeros(len(ids), dtype=bool)
            inside = ids < len(allowed)
            ok[inside] = allowed[ids[inside]]
            scores, ids = scores[ok], ids[ok]
        order = np.argsort(-scores, kind="stable")[:k]
        return scores[order].astype(np.float32), ids[order]

    def reconstruct(self, ids: IdArray) -> npt.NDArray[np.float32]:
        pos = {int(i): p for p, i in enumerate(self._ids)}
        return self._vectors[[pos[int(i)] for i in ids]]

    def count(self) -> int:
        return len(self._ids)

    def save(self, folder: Path) -> None:
        raise NotImplementedError("the numpy index is for tests and is never persisted")
