"""One request's query vectors: each text encoded once per encoder.

A request (who knows X, a brief's needs, a team's further rankings) may rank the same text
several times and through two encoders (MiniLM for the English index, USE-m3 for the
multilingual one). ``QueryVectors`` encodes each (encoder, text) once for that request, and
``prefetch`` encodes what a request will need in one pass per encoder *before* it takes the
indexes' read locks, so a write's index swap waits for rankings, never for encodes. It lives for
one request: no vector is kept across requests.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from indexing.encoders import Encoder, Vectors

if TYPE_CHECKING:
    from indexing.community import Community

Vector = npt.NDArray[np.float32]


class QueryVectors:
    """One request's query vectors: each text encoded once per encoder, however many rankings
    (teams, core, outer members) use it."""

    def __init__(self, english: Encoder, multilingual: Encoder | None) -> None:
        self._english = english
        self._multilingual = multilingual
        self._cache: dict[tuple[bool, str], Vector] = {}

    @classmethod
    def of(cls, community: Community) -> QueryVectors:
        """The community's English encoder, and its multilingual one when it keeps that index."""
        ml_index = community.multilingual_index
        return cls(community.encoder, ml_index.encoder if ml_index is not None else None)

    def _get(self, text: str, multilingual: bool) -> Vector:
        key = (multilingual, text)
        if key not in self._cache:
            encoder = self._multilingual if multilingual else self._english
            if encoder is None:
                raise ValueError("this community keeps no multilingual index")
            self._cache[key] = encoder.encode_queries([text])[0]
        return self._cache[key]

    def prefetch(self, english: Sequence[str], multilingual: Sequence[str]) -> None:
        """Encode the texts not yet encoded in one pass per encoder (a brief's needs and their
        glossary readings: one USE-m3 pass, one MiniLM pass, instead of one per text)."""
        for is_ml, texts in ((False, english), (True, multilingual)):
            encoder = self._multilingual if is_ml else self._english
            todo = list(dict.fromkeys(t for t in texts if (is_ml, t) not in self._cache))
            if not todo or encoder is None:
                continue
            for text, vector in zip(todo, encoder.encode_queries(todo), strict=True):
                self._cache[(is_ml, text)] = vector

    def english(self, text: str) -> Vector:
        return self._get(text, False)

    def multilingual(self, text: str) -> Vector:
        return self._get(text, True)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """The English vectors of these texts (the QueryEncoder protocol)."""
        return np.stack([self.english(t) for t in texts])


class SentenceVectors:
    """Vectors of profile sentences kept across requests (members' bios change rarely; a
    changed bio is a new text, so nothing goes stale), at most ``size``, least recently used
    first out. Thread-safe; the encoding itself happens outside the lock."""

    def __init__(self, size: int = 20_000) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[bool, str], Vector] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str], multilingual: bool, vectors: QueryVectors
                ) -> npt.NDArray[np.float32]:
        """The vectors of these texts by one encoder: kept ones reused, the others encoded in
        one pass through this request's ``vectors`` and kept."""
        with self._lock:
            found = {t: self._kept[(multilingual, t)] for t in texts
                     if (multilingual, t) in self._kept}
            for t in found:
                self._kept.move_to_end((multilingual, t))
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors.prefetch([] if multilingual else missing, missing if multilingual else [])
            get = vectors.multilingual if multilingual else vectors.english
            fresh = {t: get(t) for t in missing}
            with self._lock:
                for t, v in fresh.items():
                    self._kept[(multilingual, t)] = v
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
            found.update(fresh)
        return np.stack([found[t] for t in texts])
