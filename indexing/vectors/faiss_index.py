"""The FAISS implementation of the vector index interface (``vector_index.VectorIndex``).

Ids are int64 chosen by the caller. Scores are inner products of L2-normalised vectors (cosine).
An optional boolean ``allowed`` mask, indexed by id, pre-filters the search: only allowed ids are
ever returned, so a filter never makes a query return fewer hits than exist.
"""

from __future__ import annotations

import importlib
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexing.vectors.vector_index import IdArray, Mask, ScoreArray

__all__ = ["INDEX_FILE", "FaissVectorIndex", "IdArray", "Mask", "ScoreArray", "choose_factory",
           "choose_nprobe", "configure_faiss"]

faiss: Any = importlib.import_module("faiss")  # its bundled stubs are partial

INDEX_FILE = "index.faiss"
TRAIN_PER_LIST = 64  # training vectors per IVF list (FAISS warns below 39)
BLAS_THRESHOLD = 20


def choose_factory(n_vectors: int, kind: str = "auto", ivf_threshold: int = 50_000) -> str:
    """The documented index-type rule (docs/BENCHMARKS.md has the measurements behind it).

    Exact inner product (``Flat``) below ``ivf_threshold`` vectors: at 50k an exact search costs
    ~10 ms on 2 cores and needs no training, while at 100k it costs ~21 ms, more than the whole
    query budget. From there on ``IVF{nlist},Flat`` with ``nlist = 2**round(log2(sqrt(n)))``
    (100k -> 256 lists, 1M -> 1024), trained on up to ``TRAIN_PER_LIST * nlist`` vectors.
    """
    if kind == "flat" or (kind == "auto" and n_vectors < ivf_threshold):
        return "Flat"
    nlist = max(16, 2 ** round(math.log2(max(1.0, math.sqrt(max(n_vectors, 1))))))
    return f"IVF{nlist},Flat"


def choose_nprobe(factory: str, setting: int = 0) -> int:
    """Lists probed per IVF query: the setting if non-zero, else ``max(16, nlist // 16)``.

    16 of 256 lists (100k) and 64 of 1024 (1M) keep recall@50 >= 0.95 against exact search on
    clustered vectors while scanning ~6 % of the index (docs/BENCHMARKS.md).
    """
    if setting > 0 or not factory.startswith("IVF"):
        return setting or 16
    return max(16, _nlist(factory) // 16)


def configure_faiss(threads: int = 0) -> None:
    """Set FAISS's process-wide knobs deliberately (called when an index is created or loaded).

    * OpenMP threads: ``threads`` if non-zero, else 1. A single-query search does not gain from
      more threads, and requests already run in parallel in the server's thread pool, where
      nested OpenMP teams only oversubscribe the (2) cores; builds set more explicitly.
    * ``distance_compute_blas_threshold`` = 20: batched exact searches of 20+ queries use BLAS
      (at 1M, batch-64 search went from 11 to 100 queries/s); single queries are unaffected.
    """
    faiss.omp_set_num_threads(threads if threads > 0 else 1)
    faiss.cvar.distance_compute_blas_threshold = BLAS_THRESHOLD


def _nlist(factory: str) -> int:
    return int(factory.split(",")[0].removeprefix("IVF"))


class FaissVectorIndex:
    """A FAISS index with caller-chosen int64 ids (IDMap2 over Flat, or IVF with a direct map)."""

    def __init__(self, dimension: int, factory: str = "Flat", nprobe: int = 16) -> None:
        self.dimension = dimension
        self.factory = factory
        self.nprobe = nprobe
        self._index: Any = self._make(dimension, factory)

    @staticmethod
    def _make(dimension: int, factory: str) -> Any:
        if factory == "Flat":
            return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        if factory.startswith("IVF"):
            index = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
            faiss.extract_index_ivf(index).set_direct_map_type(faiss.DirectMap.Hashtable)
            return index
        raise ValueError(f"unsupported FAISS factory '{factory}'")

    @property
    def is_trained(self) -> bool:
        return bool(self._index.is_trained)

    def training_size(self) -> int:
        """How many vectors ``train`` wants: ``TRAIN_PER_LIST * nlist`` (0 for Flat)."""
        return TRAIN_PER_LIST * _nlist(self.factory) if self.factory.startswith("IVF") else 0

    def train(self, sample: npt.NDArray[np.float32]) -> None:
        """Train an IVF quantiser on (a seeded random subset of ``training_size()`` of) the
        sample; a no-op for Flat."""
        if not self._index.is_trained:
            nlist = _nlist(self.factory)
            if len(sample) < nlist:
                raise ValueError(f"IVF with {nlist} lists needs at least {nlist} training vectors")
            if len(sample) > self.training_size():
                rows = np.random.default_rng(0).choice(len(sample), self.training_size(), False)
                sample = sample[np.sort(rows)]
            self._index.train(np.ascontiguousarray(sample, dtype=np.float32))

    def add(self, ids: IdArray, vectors: npt.NDArray[np.float32]) -> None:
        if len(ids) == 0:
            return
        if vectors.shape[1] != self.dimension:
            raise ValueError(f"vectors have dimension {vectors.shape[1]}, index {self.dimension}")
        self._index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.ascontiguousarray(ids, np.int64)
        )

    def remove(self, ids: IdArray) -> int:
        if len(ids) == 0:
            return 0
        return int(self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64)))

    def search(self, query: npt.NDArray[np.float32], k: int, allowed: Mask | None = None
               ) -> tuple[ScoreArray, IdArray]:
        n = self.count()
        k = min(k, n)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params: Any = None
        selector = None
        if allowed is not None:
            bitmap = np.packbits(allowed.astype(np.uint8), bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        if self.factory.startswith("IVF"):
            params = faiss.SearchParametersIVF(nprobe=self.nprobe)
            if selector is not None:
                params.sel = selector
        elif selector is not None:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = self._index.search(q, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep].astype(np.float32), ids[0][keep].astype(np.int64)

    def reconstruct(self, ids: IdArray) -> npt.NDArray[np.float32]:
        """Stored vectors of these ids, in one call into FAISS."""
        if len(ids) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out: npt.NDArray[np.float32] = self._index.reconstruct_batch(
            np.ascontiguousarray(ids, dtype=np.int64))
        return out

    def count(self) -> int:
        return int(self._index.ntotal)

    def save(self, folder: Path) -> None:
        path = folder / INDEX_FILE
        faiss.write_index(self._index, str(path))
        with path.open("rb") as fh:
            os.fsync(fh.fileno())

    @classmethod
    def load(cls, folder: Path, factory: str, dimension: int, nprobe: int) -> FaissVectorIndex:
        self = cls.__new__(cls)
        self.dimension = dimension
        self.factory = factory
        self.nprobe = nprobe
        self._index = faiss.read_index(str(folder / INDEX_FILE))
        if self._index.d != dimension:
            raise ValueError(f"FAISS file has dimension {self._index.d}, manifest {dimension}")
        if factory.startswith("IVF"):
            faiss.extract_index_ivf(self._index).set_direct_map_type(faiss.DirectMap.Hashtable)
        return self
