"""English model vs multilingual model vs routing/fusion, per language, in one run.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/multilingual.py \
        [--data data] [--queries bench/queries/water_needs.jsonl] \
        [--translated bench/queries/water_needs_translated.jsonl]

The sample community is ingested into a temporary home and encoded once per encoder (MiniLM for
the main index, USE-m3 for the multilingual one). Every need is encoded once per encoder in each
language (en, fr, es, pt, ar); each variant then ranks every member exhaustively through
``Matcher.rank`` with the same vectors:

- ``english``: the English model alone (the default before this feature);
- ``multilingual``: the multilingual model alone;
- ``fuse``: both rankings, reciprocal-rank fused, for every need;
- ``route``: the routing rule alone (matcher/languages.py ``choose_route``): the need's
  detected language picks English, multilingual, or fused when unclear;
- ``route_fuse``: English needs as ``route``; other languages fused instead of multilingual;
- ``route_feedback``: the shipped path, ``Matcher.rank_need`` with the default settings:
  ``route`` plus cross-lingual feedback (setting ``cross_lingual_feedback``) for non-English
  needs.

Prints one JSON object: per variant and language NDCG@10 and MRR, the ratio of each language's
NDCG@10 to the English model's English NDCG@10, and the routes taken.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexing.community import Community, load_encoder
from indexing.ingest import ingest_paths
from indexing.multilingual_index import load_multilingual_encoder
from indexing.settings import Settings
from indexing.store import Store
from matcher.benchmarks import GradedNeed, load_graded_needs
from matcher.evaluation import ndcg_at_k, reciprocal_rank
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.languages import choose_route, detect_need_language, rrf_fuse

LANGUAGES = ("en", "fr", "es", "pt", "ar")
VARIANTS = ("english", "multilingual", "fuse", "route", "route_fuse", "route_feedback")


def _load_translations(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            out[str(obj["id"])] = {lang: obj[lang] for lang in LANGUAGES if obj.get(lang)}
    return out


def _metrics(needs: list[GradedNeed], order: dict[str, list[str]]) -> dict[str, float]:
    ndcg = [ndcg_at_k(order[q.id], q.grades, 10) for q in needs]
    rr = [reciprocal_rank(order[q.id], [m for m, g in q.grades.items() if g > 0]) for q in needs]
    return {"ndcg@10": round(sum(ndcg) / len(ndcg), 4), "mrr": round(sum(rr) / len(rr), 4)}


def run(data: Path, queries: Path, translated: Path, home: Path) -> dict[str, Any]:
    started = time.perf_counter()
    graded = load_graded_needs(queries)
    texts = _load_translations(translated)
    needs = [q for q in graded if q.id in texts and all(x in texts[q.id] for x in LANGUAGES[1:])]
    settings = Settings(home=home, language_routing="route")
    store = Store(settings.database_path)
    report = ingest_paths(store, [data])
    if report.errors:
        raise SystemExit(f"{data}: {len(report.errors)} invalid record(s): {report.errors[0]}")
    community, _ = Community.open(settings, encoder=load_encoder(settings), store=store,
                                  multilingual_encoder=load_multilingual_encoder(settings))
    built = time.perf_counter() - started
    ml_index = community.multilingual_index
    assert ml_index is not None
    matcher = Matcher(community)
    n_members = max(1, len(community.index.catalog.members))
    # every need in every language, encoded once per encoder
    batch = [(q.id, lang, q.need if lang == "en" else texts[q.id][lang])
             for lang in LANGUAGES for q in needs]
    en_vecs = community.encoder.encode_queries([t for _, _, t in batch])
    ml_vecs = ml_index.encoder.encode_queries([t for _, _, t in batch])

    def order(text: str, vec: Any, index: Any = None) -> list[str]:
        ranked = matcher.rank(text, vec, SearchFilters(), Access(all_spaces=True),
                              top=n_members, exhaustive=True, index=index)
        return [r.member_id for r in ranked]

    orders: dict[str, dict[str, dict[str, list[str]]]] = {
        v: {lang: {} for lang in LANGUAGES} for v in VARIANTS}
    routes: dict[str, dict[str, int]] = {lang: {} for lang in LANGUAGES}
    detected_ok: dict[str, int] = dict.fromkeys(LANGUAGES, 0)
    for (qid, lang, text), ev, mv in zip(batch, en_vecs, ml_vecs, strict=True):
        en_order, ml_order = order(text, ev), order(text, mv, ml_index)
        fused = rrf_fuse([en_order, ml_order], settings.rrf_k)
        fused_order = sorted(fused, key=lambda m: (-fused[m], m))
        found = detect_need_language(" ".join(text.split()))
        detected_ok[lang] += found.code == lang
        route = choose_route(found, "route", settings.language_min_confidence, True)
        routes[lang][route] = routes[lang].get(route, 0) + 1
        by_route = {"english": en_order, "multilingual": ml_order, "fused": fused_order}
        orders["english"][lang][qid] = en_order
        orders["multilingual"][lang][qid] = ml_order
        orders["fuse"][lang][qid] = fused_order
        orders["route"][lang][qid] = by_route[route]
        orders["route_fuse"][lang][qid] = (
            by_route[route] if route == "english" else fused_order)
        # the shipped path itself (Matcher.rank_need): route + cross-lingual feedback
        shipped = matcher.rank_need(text, SearchFilters(), Access(all_spaces=True),
                                    top=n_members, exhaustive=True)
        orders["route_feedback"][lang][qid] = [r.member_id for r in shipped]
    table = {v: {lang: _metrics(needs, orders[v][lang]) for lang in LANGUAGES} for v in VARIANTS}
    english_ndcg = table["english"]["en"]["ndcg@10"]
    for v in VARIANTS:
        for lang in LANGUAGES:
            table[v][lang]["ratio_to_english"] = round(table[v][lang]["ndcg@10"] / english_ndcg, 3)
    counts = store.counts()
    store.close()
    return {
        "needs": len(needs), "languages": list(LANGUAGES),
        "community": {"members": counts["members"], "contributions": counts["contributions"]},
        "variants": table, "routes": routes,
        "detection_accuracy": {lang: round(detected_ok[lang] / len(needs), 3)
                               for lang in LANGUAGES},
        "models": {"english": community.encoder.name, "multilingual": ml_index.encoder.name},
        "seconds": {"build": round(built, 1), "total": round(time.perf_counter() - started, 1)},
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPU only",
        "date": time.strftime("%Y-%m-%d"),
    }


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=root / "data")
    p.add_argument("--queries", type=Path, default=root / "bench/queries/water_needs.jsonl")
    p.add_argument("--translated", type=Path,
                   default=root / "bench/queries/water_needs_translated.jsonl")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="ws-multilingual-") as tmp:
        print(json.dumps(run(args.data, args.queries, args.translated, Path(tmp)), indent=2))


if __name__ == "__main__":
    main()
