"""Per-vector facts of the community index: key, chunk, liveness and the filter attributes
(type, language, date, space), as numpy arrays indexed by vector id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np

from indexing.schema import ItemKey
from indexing.vectors.catalog import Catalog

PUBLIC = 0  # space code of the public space


class ItemTable:
    """Per-vector facts, indexed by the vector's id (ids are assigned 0, 1, 2, ... never reused)."""

    def __init__(self) -> None:
        self.next_id = 0
        self.keys: list[ItemKey | None] = []
        self.chunk = np.zeros(0, np.int32)
        self.alive = np.zeros(0, bool)
        self.is_profile = np.zeros(0, bool)
        self.type_code = np.zeros(0, np.int16)
        self.lang_code = np.zeros(0, np.int16)
        self.date_ord = np.zeros(0, np.int32)
        self.space_code = np.zeros(0, np.int32)
        self.key_ids: dict[ItemKey, list[int]] = {}
        self.key_hash: dict[ItemKey, str] = {}
        self.vocab: dict[str, dict[str, int]] = {"type": {}, "lang": {}, "space": {"public": 0}}

    def code(self, vocab: str, value: str | None) -> int:
        if value is None:
            return -1
        table = self.vocab[vocab]
        if value not in table:
            table[value] = len(table)
        return table[value]

    def lookup(self, vocab: str, value: str) -> int | None:
        return self.vocab[vocab].get(value)

    def _grow(self, needed: int) -> None:
        cap = len(self.alive)
        if needed <= cap:
            return
        new_cap = max(needed, cap * 2, 1024)
        for name in ("chunk", "alive", "is_profile", "type_code", "lang_code", "date_ord",
                     "space_code"):
            old = getattr(self, name)
            arr = np.zeros(new_cap, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)

    def allocate(self, key: ItemKey, n_chunks: int) -> list[int]:
        ids = list(range(self.next_id, self.next_id + n_chunks))
        self.next_id += n_chunks
        self._grow(self.next_id)
        self.keys.extend([key] * n_chunks)
        self.chunk[ids] = np.arange(n_chunks, dtype=np.int32)
        self.alive[ids] = True
        self.is_profile[ids] = key.is_profile
        self.key_ids[key] = ids
        return ids

    def release(self, key: ItemKey) -> list[int]:
        ids = self.key_ids.pop(key, [])
        self.key_hash.pop(key, None)
        for i in ids:
            self.keys[i] = None
        self.alive[ids] = False
        return ids

    def set_attributes(self, catalog: Catalog, keys: Iterable[ItemKey]) -> None:
        """Copy filter attributes from the catalog onto the vectors of these keys."""
        for key in keys:
            ids = self.key_ids.get(key)
            if not ids:
                continue
            record_id = key.record_id
            if key.is_contribution:
                meta = catalog.contributions.get(record_id)
                if meta is None:
                    continue
                self.type_code[ids] = self.code("type", meta.type)
                self.lang_code[ids] = self.code("lang", meta.language)
                self.date_ord[ids] = dt.date.fromisoformat(meta.date).toordinal()
                self.space_code[ids] = self.code("space", meta.space)
            else:
                member = catalog.members.get(record_id)
                self.type_code[ids] = -1
                self.lang_code[ids] = self.code(
                    "lang", member.languages[0] if member and member.languages else None
                )
                self.date_ord[ids] = 0
                self.space_code[ids] = PUBLIC

    def to_json(self) -> dict[str, Any]:
        live = [i for i in range(self.next_id) if self.keys[i] is not None]
        return {
            "next_id": self.next_id,
            "ids": live,
            "keys": [self.keys[i] for i in live],
            "chunks": [int(self.chunk[i]) for i in live],
            "hashes": self.key_hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemTable:
        self = cls()
        self.next_id = int(data["next_id"])
        self._grow(self.next_id)
        self.keys = [None] * self.next_id
        for i, text, chunk in zip(data["ids"], data["keys"], data["chunks"], strict=True):
            key = ItemKey.parse(text)
            self.keys[i] = key
            self.chunk[i] = chunk
            self.alive[i] = True
            self.is_profile[i] = key.is_profile
            self.key_ids.setdefault(key, []).append(i)
        self.key_hash = {ItemKey.parse(k): h for k, h in data["hashes"].items()}
        return self
