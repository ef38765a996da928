"""Per-vector facts of the community index: key, chunk, liveness, the filter attributes
(type, language, date, space) and the ranking attributes (document, members), as numpy arrays
indexed by vector id.

A document (a profile or a contribution) is numbered by its first vector's id (``doc``); its
members (a contribution's authors, a profile's member) are member codes in the rows of
``members`` (-1 pads), so search hits become documents and members by array indexing."""

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
        self.doc = np.zeros(0, np.int64)
        self.key_array = np.empty(0, object)  # the key of each id (None once released)
        self.members = np.full((0, 1), -1, np.int32)
        self.member_ids: list[str] = []  # member code -> member id (codes never reused)
        self.key_ids: dict[ItemKey, list[int]] = {}
        self.key_hash: dict[ItemKey, str] = {}
        self.vocab: dict[str, dict[str, int]] = {"type": {}, "lang": {}, "space": {"public": 0},
                                                 "member": {}}

    def code(self, vocab: str, value: str | None) -> int:
        if value is None:
            return -1
        table = self.vocab[vocab]
        if value not in table:
            table[value] = len(table)
            if vocab == "member":
                self.member_ids.append(value)
        return table[value]

    def lookup(self, vocab: str, value: str) -> int | None:
        return self.vocab[vocab].get(value)

    def _grow(self, needed: int) -> None:
        cap = len(self.alive)
        if needed <= cap:
            return
        new_cap = max(needed, cap * 2, 1024)
        for name in ("chunk", "alive", "is_profile", "type_code", "lang_code", "date_ord",
                     "space_code", "doc"):
            old = getattr(self, name)
            arr = np.zeros(new_cap, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)
        keys = np.empty(new_cap, object)
        keys[:cap] = self.key_array
        self.key_array = keys
        members = np.full((new_cap, self.members.shape[1]), -1, np.int32)
        members[:cap] = self.members
        self.members = members

    def _set_members(self, ids: list[int], codes: list[int]) -> None:
        if len(codes) > self.members.shape[1]:  # a wider author list: widen every row
            wider = np.full((self.members.shape[0], len(codes)), -1, np.int32)
            wider[:, : self.members.shape[1]] = self.members
            self.members = wider
        row = np.full(self.members.shape[1], -1, np.int32)
        row[: len(codes)] = codes
        self.members[ids] = row

    def allocate(self, key: ItemKey, n_chunks: int) -> list[int]:
        ids = list(range(self.next_id, self.next_id + n_chunks))
        self.next_id += n_chunks
        self._grow(self.next_id)
        self.keys.extend([key] * n_chunks)
        self.chunk[ids] = np.arange(n_chunks, dtype=np.int32)
        self.alive[ids] = True
        self.is_profile[ids] = key.is_profile
        self.doc[ids] = ids[0] if ids else 0
        self.key_array[ids] = key
        self.members[ids] = -1
        self.key_ids[key] = ids
        return ids

    def release(self, key: ItemKey) -> list[int]:
        ids = self.key_ids.pop(key, [])
        self.key_hash.pop(key, None)
        for i in ids:
            self.keys[i] = None
        self.alive[ids] = False
        self.key_array[ids] = None
        self.members[ids] = -1
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
                    self._set_members(ids, [])
                    continue
                self._set_members(ids, [self.code("member", a) for a in meta.authors])
                self.type_code[ids] = self.code("type", meta.type)
                self.lang_code[ids] = self.code("lang", meta.language)
                self.date_ord[ids] = dt.date.fromisoformat(meta.date).toordinal()
                self.space_code[ids] = self.code("space", meta.space)
            else:
                member = catalog.members.get(record_id)
                self._set_members(ids, [self.code("member", record_id)])
                self.type_code[ids] = -1
                self.lang_code[ids] = self.code(
                    "lang", member.languages[0] if member and member.languages else None
                )
                self.date_ord[ids] = 0
                self.space_code[ids] = PUBLIC

    def to_json(self) -> dict[str, Any]:
        """A copy of the table as plain JSON values: nothing in it is shared with the live
        table, so it may be written after the caller's read lock is released (a shared hash
        table let a concurrent write slip into a saved generation: issue #26)."""
        live = [i for i in range(self.next_id) if self.keys[i] is not None]
        return {
            "next_id": self.next_id,
            "ids": live,
            "keys": [self.keys[i] for i in live],
            "chunks": [int(self.chunk[i]) for i in live],
            "hashes": {str(k): h for k, h in self.key_hash.items()},
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
            self.key_array[i] = key
            self.key_ids.setdefault(key, []).append(i)
        for ids in self.key_ids.values():
            self.doc[ids] = ids[0]
        self.key_hash = {ItemKey.parse(k): h for k, h in data["hashes"].items()}
        return self
