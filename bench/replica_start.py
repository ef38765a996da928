"""Replicas on PostgreSQL that never re-encode (issue #16, the last two "Measure" items).

1. **Start on a 100k-contribution store with its vectors stored**: a throwaway PostgreSQL
   cluster (tests/pg_support.py) gets bench/synthetic.py's 100k-contribution community, and
   ``text_vectors`` gets a synthetic vector for every chunk text of every item, under the exact
   fingerprint each index of the replica uses (``CommunityIndex.vector_fingerprint``: the
   English index and, unless ``--routing off``, the multilingual one) and each chunk text's
   ``text_hash`` (``encoding.item_texts``, the chunking the index uses). Then one ``wellspring
   serve`` on a fresh home: time to ready, ``/health/ready``'s ``startup_sync`` (must say
   ``encoded_texts: 0``) and the ``text_vectors`` row count before and after (unchanged: no
   index, English or multilingual, encoded and saved anything). The same start with an empty
   ``text_vectors`` would encode every text: estimated from a measured encode rate, not run.
2. **``kill -9`` of ``wellspring index`` mid-build on PostgreSQL, then a rerun**: the sample
   community (data/) ingested into an empty PostgreSQL database; bench/resume_index.py's
   steps with ``database_url`` (killed at ``--kill-at`` of the vectors stored, rerun, then a
   build from stored vectors alone with the index folder deleted).

Figures (command, machine, date, load) go to docs/RELIABILITY.md and docs/BENCHMARKS.md.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.replica_start --contributions 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import resume_index  # noqa: E402
from bench.query_latency import free_port, start_server  # noqa: E402
from bench.synthetic import (  # noqa: E402
    ClusteredVectors,
    Shape,
    append_to_docs,
    machine,
    peak_rss_mib,
    write_store,
)
from indexing.community import load_encoder  # noqa: E402
from indexing.encoders import Encoder  # noqa: E402
from indexing.schema import Contribution, contribution_key, member_key  # noqa: E402
from indexing.settings import Settings  # noqa: E402
from indexing.store import text_hash  # noqa: E402
from indexing.store.postgres import PostgresStore  # noqa: E402
from indexing.vectors.chunking import contribution_chunks  # noqa: E402
from indexing.vectors.encoding import index_fingerprint, item_texts, vector_fingerprint  # noqa: E402
from indexing.vectors.multilingual_index import load_multilingual_encoder  # noqa: E402
from tests.pg_support import start_cluster  # noqa: E402

SAVE_BATCH = 5_000  # vectors per save_vectors transaction


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def index_encoders(settings: Settings) -> dict[str, Encoder]:
    """The encoders of the indexes a replica with these settings opens (name -> encoder)."""
    out: dict[str, Encoder] = {"english": load_encoder(settings)}
    ml = load_multilingual_encoder(settings)  # None with language_routing off
    if ml is not None:
        out["multilingual"] = ml
    return out


def store_vectors(store: PostgresStore, settings: Settings, encoders: dict[str, Encoder]
                  ) -> dict[str, Any]:
    """A synthetic vector for every distinct chunk text of every item, under each index's
    fingerprint: what a build (or ``wellspring index --ray``) would have left in the store."""
    keys = [member_key(m) for m in store.member_hashes()]
    keys += [contribution_key(c.id) for c in store.contribution_meta()]
    hashes = list(dict.fromkeys(text_hash(t) for _, chunks in item_texts(store, keys, settings)
                                for t in chunks))
    out: dict[str, Any] = {"items": len(keys), "texts": len(hashes), "fingerprints": {}}
    for name, encoder in encoders.items():
        fingerprint = vector_fingerprint(index_fingerprint(encoder, settings))
        vectors = ClusteredVectors(encoder.dimension, len(hashes), seed=len(name))
        for part, start in enumerate(range(0, len(hashes), SAVE_BATCH)):
            chunk = hashes[start : start + SAVE_BATCH]
            batch = vectors.batch(len(chunk), part)
            store.save_vectors(fingerprint, list(zip(chunk, batch, strict=True)))
        out["fingerprints"][name] = fingerprint
    return out


def text_vector_rows(url: str) -> int:
    return resume_index.stored(Path("/nonexistent"), url)


def sample_texts(data: Path, settings: Settings, n: int) -> list[str]:
    """The first ``n`` chunk texts of the sample's contributions (real lengths)."""
    texts: list[str] = []
    with (data / "contributions.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            c = Contribution.model_validate_json(line)
            texts += contribution_chunks(c, settings.encoding.chunk_words,
                                         settings.encoding.chunk_overlap)
            if len(texts) >= n:
                break
    return texts[:n]


def encode_rate(encoders: dict[str, Encoder], store: PostgresStore, settings: Settings,
                n: int, data: Path) -> dict[str, Any]:
    """Texts/s of each encoder (after a warm-up) on ``n`` of the store's own chunk texts
    (short synthetic ones) and on ``n`` of the sample's (real lengths)."""
    keys = [contribution_key(c.id) for c in store.contribution_meta()[:n]]
    corpora = {"synthetic": [t for _, chunks in item_texts(store, keys, settings)
                             for t in chunks][:n],
               "sample": sample_texts(data, settings, n)}
    out: dict[str, Any] = {}
    for name, encoder in encoders.items():
        encoder.encode_documents(corpora["synthetic"][:16])  # loads the weights
        for corpus, texts in corpora.items():
            started = time.perf_counter()
            encoder.encode_documents(texts)
            seconds = time.perf_counter() - started
            out[f"{name}, {corpus} texts"] = {
                "index": name, "texts": len(texts), "seconds": round(seconds, 1),
                "texts_per_s": round(len(texts) / seconds, 1), "load": load()}
    return out


def replica_start(url: str, home: Path, routing: str) -> dict[str, Any]:
    """One `wellspring serve` on a fresh home: time to ready and what its start-up encoded."""
    env = dict(os.environ, WELLSPRING_HOME=str(home), WELLSPRING_DATABASE_URL=url,
               WELLSPRING_LANGUAGE_ROUTING=routing, HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1")
    home.mkdir(parents=True, exist_ok=True)
    rows_before = text_vector_rows(url)
    load_before = load()
    port = free_port()
    proc, ready_s = start_server(home, port, env)
    try:
        health = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=30).json()
        rss = peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(60)
    return {"ready_s": round(ready_s, 1), "startup_sync": health["startup_sync"],
            "vectors": health["vectors"], "factory": health["factory"],
            "text_vectors_before": rows_before, "text_vectors_after": text_vector_rows(url),
            "server_peak_rss_mib": round(rss), "load_before": load_before,
            "load_after": load()}


def start_on_big_store(cluster: Any, n: int, routing: str, rate_texts: int, work: Path,
                       data: Path) -> dict[str, Any]:
    url = cluster.new_database()
    store = PostgresStore(url)
    settings = Settings(language={"language_routing": routing})  # type: ignore[arg-type]
    shape = Shape(contributions=n)
    started = time.perf_counter()
    write_store(store, shape)
    out: dict[str, Any] = {"contributions": n, "members": shape.members, "routing": routing,
                           "store_rows_s": round(time.perf_counter() - started, 1)}
    encoders = index_encoders(settings)
    started = time.perf_counter()
    out["stored"] = store_vectors(store, settings, encoders)
    out["store_vectors_s"] = round(time.perf_counter() - started, 1)
    out["encode_rate"] = encode_rate(encoders, store, settings, rate_texts, data)
    store.close()
    del encoders  # the server loads its own models; free these before it starts
    out["start"] = replica_start(url, work / "replica-home", routing)
    texts = out["stored"]["texts"]
    out["empty_store_estimate_h"] = {  # every text once per index, at each measured rate
        name: round(texts / r["texts_per_s"] / 3600, 2) for name, r in out["encode_rate"].items()}
    out["empty_store_estimate_h"]["all indexes, sample texts"] = round(sum(
        texts / r["texts_per_s"] / 3600 for k, r in out["encode_rate"].items()
        if k.endswith("sample texts")), 2)
    return out


def kill_and_rerun(cluster: Any, data: Path, kill_at: float, routing: str, work: Path
                   ) -> dict[str, Any]:
    """bench/resume_index.py's steps on an empty PostgreSQL database."""
    load_before = load()
    out = resume_index.run(data, kill_at, routing, work / "resume", cluster.new_database())
    out["load_before"], out["load_after"] = load_before, load()
    out["routing"] = routing
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--routing", default="route", choices=["off", "route", "fuse"],
                        help="the replica's WELLSPRING_LANGUAGE_ROUTING (route: both indexes, "
                             "the default setting; off: the English index only)")
    parser.add_argument("--rate-texts", type=int, default=256,
                        help="texts encoded to measure each encoder's rate")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--kill-at", type=float, default=0.5)
    parser.add_argument("--resume-routing", default="off", choices=["off", "route"],
                        help="WELLSPRING_LANGUAGE_ROUTING of the kill/rerun runs")
    parser.add_argument("--skip-start", action="store_true")
    parser.add_argument("--skip-resume", action="store_true")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    command = "python -m bench.replica_start " + shlex.join(sys.argv[1:])
    report: dict[str, Any] = {"load_before": load()}
    with tempfile.TemporaryDirectory(prefix="ws-replica-start-") as tmp, \
            start_cluster() as cluster:
        work = Path(tmp)
        if not args.skip_resume:
            report["resume"] = kill_and_rerun(cluster, args.data.resolve(), args.kill_at,
                                              args.resume_routing, work)
            print(json.dumps({"resume": report["resume"]}), flush=True)
        if not args.skip_start:
            report["big_start"] = start_on_big_store(cluster, args.contributions, args.routing,
                                                     args.rate_texts, work,
                                                     args.data.resolve())
            print(json.dumps({"big_start": report["big_start"]}), flush=True)
    report["load_after"] = load()
    print(json.dumps(report, indent=1))
    if not args.no_report:
        write_report(command, report)
    return 0


def write_report(command: str, r: dict[str, Any]) -> None:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows: list[tuple[str, str]] = []
    if "big_start" in r:
        b, s = r["big_start"], r["big_start"]["start"]
        sync = s["startup_sync"]
        est, rate = b["empty_store_estimate_h"], b["encode_rate"]
        estimate = "; ".join(
            f"{name} ~{est[f'{name}, sample texts']} h at "
            f"{rate[f'{name}, sample texts']['texts_per_s']} texts/s on the sample's real "
            f"texts (~{est[f'{name}, synthetic texts']} h at "
            f"{rate[f'{name}, synthetic texts']['texts_per_s']} texts/s on the store's short "
            "synthetic ones)" for name in b["stored"]["fingerprints"])
        loads = ", ".join(sorted({v["load"] for v in rate.values()}))
        indexes = " and ".join(b["stored"]["fingerprints"])
        rows += [
            (f"replica start on {b['contributions']:,} contributions + {b['members']:,} "
             f"members, vectors stored ({indexes} index; routing `{b['routing']}`)",
             f"ready in **{s['ready_s']} s** ({s['vectors']:,} vectors, {s['factory']}); "
             f"`startup_sync`: **{sync['encoded_texts']} encoded**, {sync['stored_texts']:,} "
             f"from the store in {sync['seconds']} s; `text_vectors` rows "
             f"{s['text_vectors_before']:,} before, {s['text_vectors_after']:,} after; peak RSS "
             f"{s['server_peak_rss_mib']} MiB (load {s['load_before']} → {s['load_after']})"),
            ("same start with `text_vectors` empty (estimated, not run)",
             f"{b['stored']['texts']:,} texts to encode per index: {estimate}; all indexes, "
             f"real-length texts: **~{est['all indexes, sample texts']} h** (rates measured "
             f"on {next(iter(rate.values()))['texts']} texts each, load {loads})"),
            ("building that store (bench side)",
             f"rows {b['store_rows_s']} s, {b['stored']['texts']:,} synthetic vectors per index "
             f"into `text_vectors` {b['store_vectors_s']} s"),
        ]
    if "resume" in r:
        x = r["resume"]
        rows += [
            (f"`kill -9` of `wellspring index` on PostgreSQL (sample, {x['texts']:,} texts), "
             "then a rerun",
             f"killed after {x['killed_after_s']} s with {x['stored_at_kill']:,} vectors "
             f"stored (generation saved before the kill: {x['generation_saved_before_kill']}); "
             f"the rerun encoded **{x['rerun']['encoded']:,} of {x['texts']:,}** "
             f"({x['rerun_encoded_share']:.1%}), took {x['rerun']['taken_from_store']:,} from "
             f"the store, in {x['rerun']['wall_s']} s (load {x['load_before']} → "
             f"{x['load_after']})"),
            ("index folder deleted, `wellspring index` again (PostgreSQL)",
             f"{x['build_from_stored_vectors']['encoded']} encoded, "
             f"{x['build_from_stored_vectors']['taken_from_store']:,} from the store, in "
             f"{x['build_from_stored_vectors']['wall_s']} s"),
        ]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    notes = []
    if "big_start" in r:
        notes.append("Synthetic community (bench/synthetic.py: clustered unit vectors, rows "
                     "bulk-inserted); the replica is a real `wellspring serve` with the bundled "
                     "models and a fresh home (no saved index), so its start-up builds both "
                     "FAISS indexes from the stored vectors. `startup_sync` counts the "
                     "English index's sync; the multilingual index's is shown by the "
                     "`text_vectors` row count, unchanged (a text either index encoded would "
                     "have been saved there).")
    if "resume" in r:
        x = r["resume"]
        again = x["stored_at_kill"] + x["rerun"]["encoded"] - x["texts"]
        notes.append(f"Kill/rerun: bench/resume_index.py's steps with `database_url` "
                     f"(killed once `--kill-at` of the vectors were stored, polled, so at a "
                     f"committed batch's end; routing `{x.get('routing', 'off')}`: the English "
                     f"index only). Texts encoded twice (stored at the kill + encoded by the "
                     f"rerun − total): **{again}**; before #16 the rerun re-encoded all 3,594.")
    text = (f"\n### {when} — bench/replica_start.py (replicas that never re-encode)\n\n"
            f"`{command}`  \nMachine: {machine()}; PostgreSQL 15 (throwaway cluster); load "
            f"before {r['load_before']}, after {r['load_after']}\n\n| measure | figure |\n"
            f"|---|---|\n{table}\n\n" + " ".join(notes) + "\n")
    append_to_docs(text)


if __name__ == "__main__":
    sys.exit(main())
