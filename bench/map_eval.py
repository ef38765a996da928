"""The knowledge map, measured: cluster agreement, thin spots, planted signals and timings.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/map_eval.py --home var [--scale 100000] \
        [--out docs/quality-map.json]

``--home`` is an indexed sample community (``wellspring ingest data/ && wellspring index``);
without one the sample is ingested and encoded into a temporary home first (minutes).

1. **Sample, unsupervised clusters** (the topic model before any mapping to the taxonomy)
   against the subtopic each contribution was written about (``data/ground_truth.json``,
   ``contributions``): adjusted mutual information and purity, at the k the rule chose and at
   each candidate k (and at the true number of subtopics, for reference); the labels' own top
   terms (c-TF-IDF over the ground-truth classes); how often the taxonomy mapping names the
   cluster's majority subtopic.
2. **Sample, thin spots** against the ground truth: a subtopic is thin in truth when one (or, the
   issue #27 truth, at most two) visible members have it as primary subtopic; the map calls it
   thin when a thin spot names it (``thin_spots``: taxonomy entries), or when the topic holding
   most of its contributions is thin (``thin_topic``). Precision and recall.
3. **Planted community** (tests/matcher/planted_community.py) with the real model: the
   single-expert topic, the bridge member, the all-recent topic, the peripheral expert.
4. **Timings**: the map of the sample (topic model computed, another access level, cached), and
   at ``--scale`` synthetic contributions (bench/synthetic.py vectors and store rows).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))



from bench.synthetic import (
    ClusteredVectors,
    Shape,
    machine,
    peak_rss_mib,
    vector_batches,
    write_store,
)
from indexing.community import Community
from indexing.encoders.base import Encoder, HashingEncoder
from indexing.ingest import ingest_paths
from indexing.schema import contribution_key
from indexing.settings import Settings
from indexing.store import SqliteStore
from indexing.vectors.community_index import CommunityIndex
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.knowledge_map import KnowledgeMapper, load_charter, load_taxonomy
from matcher.knowledge_map.clustering import candidate_ks, cluster, fingerprint, fit_topics
from matcher.knowledge_map.terms import topic_terms
from tests.matcher.planted_community import write_planted_community

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def purity(clusters: list[str], labels: list[str]) -> float:
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for c, label in zip(clusters, labels, strict=True):
        by[c][label] += 1
    return sum(c.most_common(1)[0][1] for c in by.values()) / len(labels)


def agreement(clusters: list[str], labels: list[str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_mutual_info_score

    return {"ami": round(float(adjusted_mutual_info_score(labels, clusters)), 4),
            "purity": round(purity(clusters, labels), 4), "k": len(set(clusters))}


def open_sample(home: Path | None, sections: dict[str, dict[str, Any]]) -> Community:
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="map-eval-"))
        store = SqliteStore(Settings(storage={"home": home}, **sections).storage.database_path)
        ingest_paths(store, [DATA])
        store.close()
    community, _ = Community.open(Settings(storage={"home": home}, **sections))
    return community


def sample_eval(community: Community) -> dict[str, Any]:
    truth = json.loads((DATA / "ground_truth.json").read_text(encoding="utf-8"))
    sub_of = {c: v["subtopic"] for c, v in truth["contributions"].items()}
    topic_of = {c: v["topic"] for c, v in truth["contributions"].items()}
    mapper = KnowledgeMapper(Matcher.configured(community), load_charter(DATA / "charter.json"),
                             load_taxonomy(DATA / "taxonomy.json"))
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    full = mapper.build(Access(all_spaces=True), recompute=True)
    out["seconds_model_and_view"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    public = mapper.build(Access.public())
    out["seconds_another_access_level"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    mapper.build(Access.public())
    out["seconds_cached"] = round(time.perf_counter() - t0, 4)
    model = community.store.topic_model()
    assert model is not None
    ids = sorted(model.assignments)
    clusters = [model.assignments[c] for c in ids]
    out["chosen"] = {"subtopic": agreement(clusters, [sub_of[c] for c in ids]),
                     "topic": agreement(clusters, [topic_of[c] for c in ids])}
    with community.index.reader() as reader:
        _, vectors = reader.document_vectors([contribution_key(c) for c in ids])
    out["per_k"] = []
    for k in [*candidate_ks(len(ids)), len(set(sub_of.values()))]:
        labels, _ = cluster(vectors, k)
        got = [str(x) for x in labels.tolist()]
        out["per_k"].append({"k": k, "subtopic": agreement(got, [sub_of[c] for c in ids]),
                             "topic": agreement(got, [topic_of[c] for c in ids])})
    records = community.store.get_contributions(ids)
    texts: dict[str, list[str]] = defaultdict(list)
    for c in ids:
        texts[sub_of[c]].append(f"{records[c].title}\n{records[c].text}")
    out["label_terms"] = {s: t[:5] for s, t in sorted(topic_terms(texts).items())}
    # the taxonomy mapping against each cluster's majority subtopic
    majority: dict[str, Counter[str]] = defaultdict(Counter)
    for c in ids:
        majority[model.assignments[c]][sub_of[c]] += 1
    mapped = [t for t in full.topics if t.taxonomy is not None]
    out["taxonomy_mapping"] = {
        "topics": len(full.topics), "mapped": len(mapped),
        "subtopic_correct": sum(1 for t in mapped if t.taxonomy and t.taxonomy.subtopic
                                == majority[t.id].most_common(1)[0][0]),
        "topic_correct": sum(1 for t in mapped if t.taxonomy and t.taxonomy.topic
                             == topic_of_sub(truth, majority[t.id].most_common(1)[0][0])),
    }
    out["thin_spots"] = thin_eval(truth, full, model.assignments, sub_of)
    out["public"] = {"topics": len(public.topics), "contributions": public.contributions,
                     "thin": len(public.thin_spots), "bridges": len(public.bridges),
                     "rising": len(public.rising), "fading": len(public.fading),
                     "periphery": len(public.periphery),
                     "scope": {s.id: s.status for s in public.scope}}
    return out


def topic_of_sub(truth: dict[str, Any], sub: str) -> str:
    return next(t for t, v in truth["taxonomy"].items() if sub in v["subtopics"])


def thin_eval(truth: dict[str, Any], km: Any, assignments: dict[str, str],
              sub_of: dict[str, str]) -> dict[str, Any]:
    experts = Counter(m["primary_subtopic"] for m in truth["members"].values() if not m["hidden"])
    subs = sorted(set(sub_of.values()))
    true_thin = {s for s in subs if experts.get(s, 0) == 1}
    where: dict[str, Counter[str]] = defaultdict(Counter)
    for cid, topic in assignments.items():
        where[sub_of[cid]][topic] += 1
    thin_topics = {t.id for t in km.topics if t.thin}
    by_thin_topic = {s for s in subs if where[s] and where[s].most_common(1)[0][0] in thin_topics}
    # issue #27: the map's thin spots (taxonomy entries when the community gives a taxonomy)
    by_thin_spot = {ts.taxonomy.subtopic for ts in km.thin_spots
                    if ts.taxonomy is not None and ts.taxonomy.subtopic}
    gaps = {g.subtopic for g in km.taxonomy_gaps}
    n_contributions = Counter(sub_of.values())
    out: dict[str, Any] = {"subtopics": len(subs), "thin_topics": len(thin_topics),
                           "topics": len(km.topics), "true_thin_subtopics": {
                               s: n_contributions[s] for s in sorted(true_thin)}}
    for truth_name, truth_set in (("one_primary_expert", true_thin),
                                  ("at_most_two_primary_experts",
                                   {s for s in subs if experts.get(s, 0) <= 2})):
        for name, predicted in (("thin_spots", by_thin_spot), ("thin_topic", by_thin_topic),
                                ("taxonomy_gap", gaps)):
            hit = len(truth_set & predicted)
            out[f"{name}_vs_{truth_name}"] = {
                "truth": len(truth_set), "predicted": len(predicted),
                "precision": round(hit / len(predicted), 3) if predicted else None,
                "recall": round(hit / len(truth_set), 3) if truth_set else None}
    return out


def planted_eval(encoder: Encoder) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="map-planted-"))
    try:
        planted = write_planted_community(home / "data")
        settings = Settings(storage={"home": home}, language={"language_routing": "off"})
        store = SqliteStore(settings.storage.database_path)
        ingest_paths(store, [home / "data"])
        community, _ = Community.open(settings, encoder=encoder, store=store)
        km = KnowledgeMapper(Matcher.configured(community)).build(Access.public())
        model = community.store.topic_model()
        assert model is not None
        name = {t: Counter(planted.topic_of[c] for c, x in model.assignments.items() if x == t)
                .most_common(1)[0][0] for t in model.centroids}
        by = {name[t.id]: t for t in km.topics}
        clusters = sorted(model.assignments)
        bridges = [b.member_id for b in km.bridges]
        return {
            "topics": len(km.topics),
            "agreement": agreement([model.assignments[c] for c in clusters],
                                   [planted.topic_of[c] for c in clusters]),
            "single_expert_topic_thin": "bus_factor" in by["desal"].thin,
            "thin_topics": sorted(name[s.topic_id] for s in km.thin_spots),
            "bridge_rank": bridges.index(planted.bridge) + 1 if planted.bridge in bridges else None,
            "bridges": len(bridges),
            "recent_topic_rising": by["apps"].id in km.rising,
            "rising": sorted(name[t] for t in km.rising),
            "periphery_found": any(p.member_id == planted.periphery and p.rank == 1
                                   for p in km.periphery),
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def scale_eval(n: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="map-scale-"))
    try:
        settings = Settings(storage={"home": home}, language={"language_routing": "off"},
                            index={"index_kind": "flat"})
        store = SqliteStore(settings.storage.database_path)
        shape = Shape(contributions=n)
        write_store(store, shape)
        encoder = HashingEncoder(dimension=384)  # vectors come from bench/synthetic.py
        index = CommunityIndex(encoder, settings, "Flat")
        index.add_vectors(vector_batches(store, ClusteredVectors(384, n + shape.members)))
        index.sync(store)
        community = Community(settings, store, encoder, index)
        mapper = KnowledgeMapper(Matcher(community, settings, None))
        t0 = time.perf_counter()
        km = mapper.build(Access.public())
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        mapper.build(Access(all_spaces=True))
        view = time.perf_counter() - t0
        # the clustering alone, on the same vectors
        with index.reader() as reader:
            keys = [contribution_key(c) for c in sorted(reader.catalog.contributions)]
            found, vectors = reader.document_vectors(keys)
        t0 = time.perf_counter()
        fit_topics([k.record_id for k in found], vectors, fingerprint(["x"]), None)
        fit = time.perf_counter() - t0
        return {"contributions": n, "members": shape.members, "topics": len(km.topics),
                "seconds_model_and_view": round(cold, 1), "seconds_clustering": round(fit, 1),
                "seconds_another_access_level": round(view, 1),
                "peak_rss_mib": round(peak_rss_mib())}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, help="an indexed sample community")
    parser.add_argument("--scale", type=int, default=100_000,
                        help="synthetic contributions (0: skip)")
    parser.add_argument("--out", type=Path, help="write the JSON here too")
    args = parser.parse_args()
    community = open_sample(args.home, {"language": {"language_routing": "off"}})
    report: dict[str, Any] = {"machine": machine(), "sample": sample_eval(community)}
    report["planted"] = planted_eval(community.encoder)
    community.store.close()
    if args.scale:
        report["scale"] = scale_eval(args.scale)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
