"""Index build throughput (texts/s) vs the raw encoder's, measured in the same run, and memory.

Real texts (the first N contributions of data/, their authors' profiles), the real model. Raw
throughput = ``encode_documents`` over exactly the texts the build encodes (same chunking), timed
before and after the build and averaged, because the machine is shared. Build = the full path of
``wellspring index --rebuild``: read the store, chunk, encode, add to FAISS batch by batch, set
the filter attributes, save the folder.

    .venv/bin/python -m bench.index_build --contributions 400
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.synthetic import append_report, peak_rss_mib, real_corpus
from indexing.community import Community, load_encoder
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore, Store
from indexing.vectors.chunking import chunk_text


class RssSampler:
    """The highest resident memory seen while a block runs (sampled every 50 ms)."""

    def __init__(self) -> None:
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with open("/proc/self/statm", encoding="utf-8") as fh:
                rss = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
            self.peak_mib = max(self.peak_mib, rss)
            time.sleep(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def index_texts(store: Store, settings: Settings) -> list[str]:
    """The texts a build encodes: profiles, and contribution chunks prefixed by their title."""
    texts = [m.profile_text() for m in store.members()]
    for c in store.iter_contributions():
        texts += [f"{c.title}\n{chunk}".strip()
                  for chunk in chunk_text(c.text, settings.encoding.chunk_words,
                                          settings.encoding.chunk_overlap)]
    return texts


def prepared_corpus(tmp: Path, n: int, torch_threads: int
                    ) -> tuple[Settings, Store, Any, list[str]]:
    """A home in ``tmp`` with ``n`` real contributions ingested, the English encoder, and the
    texts a build encodes (shared by this script and bench/vs_txtai.py)."""
    settings = Settings(storage={"home": tmp}, language={"language_routing": "off"},
                        encoding={"torch_threads": torch_threads})
    store = SqliteStore(settings.storage.database_path)
    report = ingest_paths(store, [real_corpus(tmp / "corpus", n)])
    assert not report.errors, report.errors
    return settings, store, load_encoder(settings), index_texts(store, settings)


def raw_throughput(encoder: Any, texts: list[str]) -> float:
    t0 = time.perf_counter()
    encoder.encode_documents(texts)
    return len(texts) / (time.perf_counter() - t0)


def run(n: int, torch_threads: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ws-build-") as tmp:
        settings, store, encoder, texts = prepared_corpus(Path(tmp), n, torch_threads)
        encoder.encode_documents(texts[:32])  # warm-up
        raw_before = raw_throughput(encoder, texts)
        rss_before = peak_rss_mib()
        with RssSampler() as sampler:
            t0 = time.perf_counter()
            community, stats = Community.rebuild(settings, encoder=encoder, store=store)
            build_s = time.perf_counter() - t0
        raw_after = raw_throughput(encoder, texts)
        raw = (raw_before + raw_after) / 2
        build = stats.encoded_texts / build_s
        return {
            "contributions": n, "members": len(community.index._catalog.members),
            "texts": len(texts), "encoded_by_build": stats.encoded_texts,
            "factory": community.index.factory, "torch_threads": torch_threads,
            "raw_texts_per_s": round(raw, 1), "raw_before": round(raw_before, 1),
            "raw_after": round(raw_after, 1), "build_texts_per_s": round(build, 1),
            "build_s": round(build_s, 1), "build_vs_raw": round(build / raw, 3),
            "rss_before_build_mib": round(rss_before), "peak_rss_during_build_mib":
                round(sampler.peak_mib),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contributions", type=int, default=400)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    r = run(args.contributions, args.torch_threads)
    print(json.dumps(r))
    if not args.no_report:
        goal = "met" if r["build_vs_raw"] >= 0.9 else f"missed by {0.9 - r['build_vs_raw']:.2f}"
        table = ("| contributions (texts) | raw encoder texts/s (before / after) | build texts/s "
                 "| build / raw (goal ≥ 0.90) | peak RSS during build |\n|---|---|---|---|---|\n"
                 f"| {r['contributions']} ({r['texts']}) | {r['raw_texts_per_s']} "
                 f"({r['raw_before']} / {r['raw_after']}) | {r['build_texts_per_s']} | "
                 f"{r['build_vs_raw']} ({goal}) | {r['peak_rss_during_build_mib']} MiB "
                 f"(before: {r['rss_before_build_mib']} MiB) |")
        append_report("bench/index_build.py", "python -m bench.index_build "
                      + shlex.join(sys.argv[1:]), table)


if __name__ == "__main__":
    main()
