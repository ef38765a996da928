"""The index's query interface: a consistent, read-only view of one CommunityIndex for one
request (``CommunityIndex.reader()``), held under the index's read lock.

Everything the matcher needs goes through here: search a vector under a filter/access mask,
the documents (best chunk per item) of a search, vectors and chunks of given items, the snippet
text of a chunk, and the catalog as a read-only view. Masks are cached per (filters, access)
for as long as the index does not change (its version), so a repeated filter costs a lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import numpy as np
import numpy.typing as npt

from indexing.schema import Contribution, ItemKey, Organisation
from indexing.vectors.catalog import Catalog, MemberInfo
from indexing.vectors.chunking import contribution_body_chunks
from indexing.vectors.faiss_index import Mask
from indexing.vectors.filters import Access, SearchFilters, item_mask
from indexing.vectors.item_table import ItemTable
from indexing.vectors.vector_index import VectorIndex

if TYPE_CHECKING:
    from indexing.settings import Settings
    from indexing.store import ContributionMeta, Store

MASK_CACHE = 64  # masks kept per index version (1 MB each at 1M items)
Vector = npt.NDArray[np.float32]
T = TypeVar("T")
# per (index version, filters[, access]): a mask and its count, or a member table
MaskCache = dict[tuple[object, ...], Any]


class CatalogView(Protocol):
    """The catalog, read-only: members, organisations and contribution attributes by id."""

    @property
    def organisations(self) -> Mapping[str, Organisation]: ...

    @property
    def members(self) -> Mapping[str, MemberInfo]: ...

    @property
    def contributions(self) -> Mapping[str, ContributionMeta]: ...

    @property
    def member_contributions(self) -> Mapping[str, Set[str]]: ...


@dataclass(frozen=True)
class Hit:
    """One document (a profile or a contribution) found by a search: its best chunk's score and
    the item (vector id) of that chunk."""

    key: ItemKey
    score: float
    item: int


@dataclass(frozen=True)
class DocumentHits:
    """The documents of a search as arrays, in the order given (best first for a search): each
    document's number (its first item), score and best item (the chunk that gave the score)."""

    doc: npt.NDArray[np.int64]
    score: npt.NDArray[np.float64]
    item: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.doc)


@dataclass(frozen=True)
class Authorship:
    """Who the documents of some hits belong to, as arrays: one (hit, member) pair per author
    of a contribution (and per profile when profiles count), and by member code whether the
    member passes the filters, how many contributions they have, and their rank in id order
    (ties between equal scores go to the smaller id)."""

    pair_hit: npt.NDArray[np.int64]
    pair_member: npt.NDArray[np.int64]
    member_ok: npt.NDArray[np.bool_]
    member_contributions: npt.NDArray[np.int64]
    member_rank: npt.NDArray[np.int64]
    member_ids: npt.NDArray[np.object_]
    keys: npt.NDArray[np.object_]  # the key of each hit


@dataclass(frozen=True)
class _MemberTable:
    ok: npt.NDArray[np.bool_]
    contributions: npt.NDArray[np.int64]
    rank: npt.NDArray[np.int64]
    ids: npt.NDArray[np.object_]


@dataclass(frozen=True)
class Passage:
    """The contribution behind an item and the text of that item's chunk."""

    contribution: Contribution
    text: str


@dataclass(frozen=True)
class IndexParts:
    """What a reader reads of one index version: its items, vectors and catalog."""

    items: ItemTable
    vectors: VectorIndex
    catalog: Catalog
    version: int


class IndexReader:
    """One request's view of an index. Obtain it with ``CommunityIndex.reader()``."""

    def __init__(self, parts: IndexParts, masks: MaskCache, texts_from: Store | None,
                 settings: Settings) -> None:
        self._items = parts.items
        self._vectors = parts.vectors
        self._catalog = parts.catalog
        self._masks = masks
        self._texts_from = texts_from
        self._settings = settings
        self.version = parts.version
        # this request's searches, by query vector: (the mask, the k asked, scores, ids)
        self._searched: dict[bytes, list[tuple[Mask | None, int, npt.NDArray[np.float32],
                                                npt.NDArray[np.int64]]]] = {}
        self._this_request: dict[Hashable, object] = {}  # ``once``

    @property
    def catalog(self) -> CatalogView:
        return self._catalog

    # -- masks -------------------------------------------------------------------------------
    def mask(self, filters: SearchFilters, access: Access) -> Mask:
        """The items a query under these filters and access may match (read-only, cached)."""
        return self._cached_mask(filters, access)[0]

    def count_allowed(self, filters: SearchFilters, access: Access) -> int:
        return self._cached_mask(filters, access)[1]

    def once(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for this request (this reader): a ranking the request
        asks for twice, the same vector, depth, filters and access (who knows X ranks a need
        for the relevance it shows, then for the order it shows), is aggregated once."""
        if key not in self._this_request:
            self._this_request[key] = compute()
        return cast(T, self._this_request[key])

    def _memo(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """``compute()`` once per key (keys start with the index version), kept with the
        masks: at most ``MASK_CACHE`` of them, all dropped when full."""
        found = self._masks.get(key)
        if found is None:
            found = compute()
            if len(self._masks) >= MASK_CACHE:
                self._masks.clear()
            self._masks[key] = found
        return cast(T, found)

    def _cached_mask(self, filters: SearchFilters, access: Access) -> tuple[Mask, int]:
        access = access.search_view()

        def compute() -> tuple[Mask, int]:
            mask = item_mask(self._items, self._catalog, filters, access)
            return mask, int(mask.sum())

        return self._memo((self.version, filters, access), compute)

    def derived(self, name: str, compute: Callable[[CatalogView], T]) -> T:
        """A value computed from this version's catalog (``non_english_writers``), computed
        once per index version and kept with the masks."""
        return self._memo((self.version, "derived", name), lambda: compute(self._catalog))

    # -- search ------------------------------------------------------------------------------
    def search(self, vector: Vector, k: int, mask: Mask | None
               ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Top-k items (scores, ids) for one query vector among those the mask allows.

        A request asks the same vector more than once (its ranking, then the relevance its
        answer shows, deeper): a search as deep or deeper under the same mask, earlier in this
        request, answers with its first ``k`` (faiss returns the best first, and an IVF index
        probes the same lists whatever ``k``)."""
        key = np.ascontiguousarray(vector, dtype=np.float32).tobytes()
        for seen_mask, seen_k, scores, ids in self._searched.get(key, ()):
            if seen_mask is mask and seen_k >= k:
                return scores[:k], ids[:k]
        scores, ids = self._vectors.search(vector, k, mask)
        self._searched.setdefault(key, []).append((mask, k, scores, ids))
        return scores, ids

    def document_hits(self, scores: npt.NDArray[np.float32], ids: npt.NDArray[np.int64],
                      chunk_mean: bool = False) -> DocumentHits:
        """Chunk hits -> one hit per document (its first, i.e. best, chunk), in search order;
        the arrays version of ``documents``. ``chunk_mean``: the document's score is the mean
        of its retrieved chunks' scores (its best chunk stays the evidence item)."""
        docs = self._items.doc[ids]
        live = self._items.alive[ids]
        docs = np.where(live, docs, -1)
        uniq, first, inverse = np.unique(docs, return_index=True, return_inverse=True)
        doc_score = scores.astype(np.float64)
        if chunk_mean:
            inverse = inverse.reshape(-1)
            sums = np.bincount(inverse, weights=doc_score, minlength=len(uniq))
            counts = np.bincount(inverse, minlength=len(uniq))
            doc_score = (sums / np.maximum(counts, 1))[inverse]
        first.sort()
        first = first[docs[first] >= 0]
        return DocumentHits(docs[first].astype(np.int64),
                            doc_score[first], ids[first].astype(np.int64))

    def hits_of(self, docs: Sequence[tuple[float, int]]) -> DocumentHits:
        """DocumentHits of (score, best item) pairs, in that order."""
        items = np.asarray([item for _, item in docs], np.int64)
        return DocumentHits(self._items.doc[items].astype(np.int64),
                            np.asarray([score for score, _ in docs], np.float64), items)

    def authorship(self, hits: DocumentHits, filters: SearchFilters, access: Access,
                   with_profiles: bool) -> Authorship:
        """The (hit, member) pairs of these hits and the member tables (``Authorship``); a
        member's contribution count is of those ``access`` may see (no score depends on the
        number of documents the caller may not see)."""
        rows = self._items.members[hits.item]
        if not with_profiles:
            rows = np.where(self._items.is_profile[hits.item][:, None], -1, rows)
        pair_hit, column = np.nonzero(rows >= 0)
        table = self._member_table(filters, access)
        return Authorship(pair_hit.astype(np.int64), rows[pair_hit, column].astype(np.int64),
                          table.ok, table.contributions, table.rank, table.ids,
                          self._items.key_array[hits.doc])

    def _member_table(self, filters: SearchFilters, access: Access) -> _MemberTable:
        """Per member code: passes the filters, count of contributions ``access`` may see,
        rank in id order; cached per index version like the masks, the counts and ranks per
        access (one pass over the contributions), the filter per filters (one pass over the
        members): the filters vary by request far more than the access does."""
        def filtered() -> npt.NDArray[np.bool_]:
            members = self._catalog.members
            return np.fromiter(((m := members.get(mid)) is not None and filters.member_passes(m)
                                for mid in self._items.member_ids), bool,
                               len(self._items.member_ids))

        def counted() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64],
                               npt.NDArray[np.object_]]:
            ids = list(self._items.member_ids)
            contributions = self._catalog.member_contributions
            metas = self._catalog.contributions

            def visible(mid: str) -> int:
                own = contributions.get(mid, ())
                if view.all_spaces:
                    return len(own)
                return sum(1 for cid in own if (meta := metas.get(cid)) is not None
                           and view.may_see(meta.space))

            counts = np.fromiter((visible(mid) for mid in ids), np.int64, len(ids))
            rank = np.empty(len(ids), np.int64)
            rank[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(len(ids))
            return counts, rank, np.asarray(ids, dtype=object)

        view = access.search_view()
        ok = self._memo(("member-filter", self.version, filters), filtered)
        counts, rank, ids = self._memo(("member-counts", self.version, view), counted)
        return _MemberTable(ok, counts, rank, ids)

    def documents(self, scores: npt.NDArray[np.float32], ids: npt.NDArray[np.int64]
                  ) -> dict[ItemKey, Hit]:
        """Chunk hits -> one hit per document (its best chunk), best first."""
        docs: dict[ItemKey, Hit] = {}
        keys = self._items.keys
        for score, item in zip(scores.tolist(), ids.tolist(), strict=True):
            key = keys[item]
            if key is not None and key not in docs:
                docs[key] = Hit(key, score, item)
        return docs

    def allows(self, key: ItemKey, mask: Mask) -> bool:
        """Whether any chunk of this document is allowed by the mask."""
        return any(mask[i] for i in self._items.key_ids.get(key, ()))

    def best_chunk(self, key: ItemKey, vector: Vector) -> Hit | None:
        """The document's best chunk for a vector (exact), None if the index lacks it."""
        ids = self._items.key_ids.get(key)
        if not ids:
            return None
        sims = self._vectors.reconstruct(np.asarray(ids, np.int64)) @ vector
        best = int(np.argmax(sims))
        return Hit(key, float(sims[best]), int(ids[best]))

    # -- vectors and chunks ------------------------------------------------------------------
    def vectors(self, keys: Iterable[ItemKey], mask: Mask | None = None) -> Vector:
        """The vectors of every chunk of these documents (those the mask allows, if given)."""
        ids = [i for key in keys for i in self._items.key_ids.get(key, ())
               if mask is None or mask[i]]
        if not ids:
            return np.zeros((0, self._vectors.dimension), np.float32)
        return self._vectors.reconstruct(np.asarray(ids, np.int64))

    def first_vectors(self, keys: Sequence[ItemKey]) -> tuple[list[ItemKey], Vector]:
        """The first chunk's vector of each document the index holds, with those documents."""
        found = [k for k in keys if self._items.key_ids.get(k)]
        if not found:
            return [], np.zeros((0, self._vectors.dimension), np.float32)
        ids = np.asarray([self._items.key_ids[k][0] for k in found], np.int64)
        return found, self._vectors.reconstruct(ids)

    def document_vectors(self, keys: Sequence[ItemKey]) -> tuple[list[ItemKey], Vector]:
        """One vector per document the index holds: the normalised mean of its chunks' vectors
        (what a document is about as a whole; the knowledge map clusters these)."""
        found = [k for k in keys if self._items.key_ids.get(k)]
        if not found:
            return [], np.zeros((0, self._vectors.dimension), np.float32)
        groups = [self._items.key_ids[k] for k in found]
        flat = self._vectors.reconstruct(np.asarray([i for g in groups for i in g], np.int64))
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        sums = np.add.reduceat(flat, starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return found, (sums / np.maximum(norms, 1e-12)).astype(np.float32)

    def chunk_of(self, item: int) -> int:
        """The position of an item's chunk within its document (0 for the first)."""
        return int(self._items.chunk[item])

    def item_of(self, key: ItemKey, chunk: int) -> int | None:
        """The item of a document's chunk (the last one when ``chunk`` is past the end)."""
        ids = self._items.key_ids.get(key)
        return ids[min(chunk, len(ids) - 1)] if ids else None

    def passages(self, items: Iterable[int]) -> dict[int, Passage]:
        """The contribution and chunk text behind each contribution item (others are left out):
        the chunk the index embedded, without the title it was embedded with."""
        wanted = {i: key for i in items
                  if (key := self._items.keys[i]) is not None and key.is_contribution}
        if not wanted or self._texts_from is None:
            return {}
        records = self._texts_from.get_contributions({k.record_id for k in wanted.values()})
        s = self._settings
        out: dict[int, Passage] = {}
        for item, key in wanted.items():
            record = records.get(key.record_id)
            if record is None:
                continue
            chunks = contribution_body_chunks(record, s.encoding.chunk_words,
                                              s.encoding.chunk_overlap)
            out[item] = Passage(record, chunks[min(self.chunk_of(item), len(chunks) - 1)])
        return out
