"""Topics from the community's own texts: k-means over the contribution vectors, with a
documented rule for k and topic ids that stay stable when the model is recomputed.

- **k**: the candidates are ``√(n/2)`` times 0.5, 0.75, 1, 1.5 and 2, bounded to
  [2, ``MAX_TOPICS``] (every k from 2 to 2·√(n/2) when that is at most 16); the one with the
  best cosine silhouette (on at most ``SILHOUETTE_SAMPLE`` contributions, each candidate
  fitted on that sample) is kept. √(n/2) is the usual rule of thumb;
  the silhouette lets a small or sharply separated community pick fewer topics. The cap keeps the
  map readable (docs/QUALITY.md, Community map).
- **fit**: scikit-learn ``KMeans`` on the normalised vectors (cosine ≈ Euclidean there), fixed
  seed, so an unchanged community gets the same clusters; centroids are re-normalised.
- **stable ids**: a new cluster takes the id of the previous topic whose centroid it matches best
  (Hungarian assignment on centroid cosine, scipy) if that cosine is at least ``MATCH_MIN_COS``;
  others get fresh ids. Ids are never reused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from indexing.store.topics import MATCH_MIN_COS, StoredTopics

log = logging.getLogger(__name__)

MAX_TOPICS = 60
MIN_TOPICS = 2
K_FACTORS = (0.5, 0.75, 1.0, 1.5, 2.0)
EVERY_K_UP_TO = 16
SILHOUETTE_SAMPLE = 4000
SEED = 0
Vectors = npt.NDArray[np.float32]


def fingerprint(parts: Sequence[str]) -> str:
    """What a topic model was computed from (contribution ids with their text hashes and the
    encoder): equal fingerprints mean the stored model still holds."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:32]


def candidate_ks(n: int) -> list[int]:
    """The k values tried for n contributions (the rule in the module docstring)."""
    if n < 2 * MIN_TOPICS:
        return [1] if n else []
    base = math.sqrt(n / 2)
    top = min(MAX_TOPICS, n - 1)
    if round(base * K_FACTORS[-1]) <= EVERY_K_UP_TO:  # a small community: try every k
        return list(range(MIN_TOPICS, min(top, round(base * K_FACTORS[-1])) + 1))
    return sorted({min(top, max(MIN_TOPICS, round(base * f))) for f in K_FACTORS})


def choose_k(vectors: Vectors) -> int:
    """The candidate k with the best cosine silhouette on a fixed sample."""
    from sklearn.metrics import silhouette_score

    ks = candidate_ks(len(vectors))
    if len(ks) <= 1:
        return ks[0] if ks else 0
    rng = np.random.default_rng(SEED)
    sample = vectors if len(vectors) <= SILHOUETTE_SAMPLE else vectors[
        np.sort(rng.choice(len(vectors), SILHOUETTE_SAMPLE, replace=False))]
    best_k, best = ks[0], -2.0
    for k in ks:
        labels = _kmeans(sample, k).labels_
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(sample, labels, metric="cosine"))
        log.debug("k=%d silhouette %.4f", k, score)
        if score > best:
            best_k, best = k, score
    return best_k


def _kmeans(vectors: Vectors, k: int):  # type: ignore[no-untyped-def]
    """k-means with a fixed seed; three starts up to 20k vectors (one start fell into poor
    optima on small communities), one above."""
    from sklearn.cluster import KMeans

    n_init = 3 if len(vectors) <= 20_000 else 1
    return KMeans(n_clusters=k, n_init=n_init, random_state=SEED, max_iter=100).fit(vectors)


def cluster(vectors: Vectors, k: int | None = None) -> tuple[npt.NDArray[np.int64], Vectors]:
    """(cluster of each vector, normalised centroids) for k clusters (chosen by the rule when
    not given)."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros((0, vectors.shape[1]), np.float32)
    k = k or choose_k(vectors)
    if k <= 1:
        centroid = vectors.mean(axis=0, keepdims=True)
        return np.zeros(n, np.int64), _normalised(centroid)
    model = _kmeans(vectors, k)
    return model.labels_.astype(np.int64), _normalised(model.cluster_centers_)


def _normalised(m: npt.NDArray[np.floating]) -> Vectors:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.maximum(norms, 1e-12)).astype(np.float32)


def stable_ids(centroids: Vectors, previous: StoredTopics | None) -> tuple[list[str], int]:
    """A topic id for each new centroid, and the next free id number.

    Hungarian assignment (maximum total cosine) between new and previous centroids; a pair
    counts only at cosine ≥ ``MATCH_MIN_COS``, so a topic that really moved gets a new id."""
    from scipy.optimize import linear_sum_assignment

    next_id = previous.next_id if previous is not None else 1
    ids: list[str | None] = [None] * len(centroids)
    if previous is not None and previous.centroids and len(centroids):
        old_ids = sorted(previous.centroids)
        old = np.vstack([previous.centroids[t] for t in old_ids])
        if old.shape[1] == centroids.shape[1]:
            sims = centroids @ old.T
            rows, cols = linear_sum_assignment(-sims)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                if sims[r, c] >= MATCH_MIN_COS:
                    ids[r] = old_ids[c]
    out: list[str] = []
    for found in ids:
        if found is None:
            found = f"t{next_id}"
            next_id += 1
        out.append(found)
    return out, next_id


def fit_topics(contribution_ids: Sequence[str], vectors: Vectors, model_fingerprint: str,
               previous: StoredTopics | None, k: int | None = None) -> StoredTopics:
    """A topic model of these contributions, with ids carried over from ``previous``."""
    labels, centroids = cluster(vectors, k)
    ids, next_id = stable_ids(centroids, previous)
    sizes = Counter(labels.tolist())
    return StoredTopics(
        fingerprint=model_fingerprint, next_id=next_id,
        computed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        centroids={ids[i]: centroids[i] for i in range(len(ids))},
        sizes={ids[i]: sizes.get(i, 0) for i in range(len(ids))},
        assignments={cid: ids[label] for cid, label in
                     zip(contribution_ids, labels.tolist(), strict=True)},
    )
