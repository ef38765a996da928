"""English model vs multilingual model vs routing/fusion, per language, in one run.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/multilingual.py \
        [--data data] [--queries bench/queries/water_needs.jsonl] \
        [--translated bench/queries/water_needs_translated.jsonl] [--native] [--grid] [--home DIR]

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
- ``route_feedback``: ``route`` plus cross-lingual feedback for non-English needs, without the
  glossary (the default before the glossary: ``Matcher.rank_need`` with ``glossary=none`` and
  ``cross_lingual_english_weight=1``);
- ``glossary``: the English index queried with the need's glossary reading alone (no fusion);
  needs without any glossary term fall back to ``route_feedback``;
- ``route_glossary``: the shipped path, ``Matcher.rank_need`` with the default settings: the
  English index queried with the glossary reading plus feedback, fused with the multilingual
  ranking.

With ``--grid`` the shipped path is also run under a grid of its two settings
(``glossary_feedback`` x ``cross_lingual_english_weight``) to show how sharp the choice is.

With ``--native`` the held-out needs written natively in French, Spanish, Portuguese and Arabic
(bench/queries/native_needs.jsonl, blind to the glossary) are measured too: each native need
through every variant, next to its English rendering with the English model.

Prints one JSON object: per variant and language NDCG@10 and MRR, the ratio of each language's
NDCG@10 to the English model's English NDCG@10, and the routes taken.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
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
from indexing.settings import Settings
from indexing.store import SqliteStore
from indexing.vectors.multilingual_index import load_multilingual_encoder
from matcher.benchmarks import GradedNeed, load_graded_needs
from matcher.evaluation import ndcg_at_k, reciprocal_rank
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.glossary import glossary_file
from matcher.languages import rrf_fuse
from matcher.reach import Reach

LANGUAGES = ("en", "fr", "es", "pt", "ar")
VARIANTS = ("english", "multilingual", "fuse", "route", "route_fuse", "route_feedback",
            "glossary", "route_glossary")


def _load_translations(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            out[str(obj["id"])] = {lang: obj[lang] for lang in LANGUAGES if obj.get(lang)}
    return out


def _metrics(needs: list[GradedNeed], order: dict[str, list[str]],
             reference: float | None = None) -> dict[str, float]:
    """Mean NDCG@10 and MRR; with a ``reference`` NDCG@10, also the ratio to it."""
    ndcg = [ndcg_at_k(order[q.id], q.grades, 10) for q in needs]
    rr = [reciprocal_rank(order[q.id], [m for m, g in q.grades.items() if g > 0]) for q in needs]
    out = {"ndcg@10": round(sum(ndcg) / len(ndcg), 4), "mrr": round(sum(rr) / len(rr), 4)}
    if reference is not None:
        out["ratio_to_english"] = round(out["ndcg@10"] / reference, 3)
    return out


def _load_native(path: Path) -> list[tuple[GradedNeed, str, str]]:
    """Held-out needs: (the need with its English rendering and grades, language, native text)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            need = GradedNeed(str(obj["id"]), obj["en"],
                              {str(m): float(g) for m, g in obj["relevance"].items()})
            out.append((need, str(obj["language"]), str(obj["need"])))
    return out


class _Variants:
    """Every variant's member ranking of one need text, from vectors encoded in batches."""

    def __init__(self, community: Community, settings: Settings) -> None:
        self.settings = settings
        self.community = community
        self.ml_index = community.multilingual_index
        assert self.ml_index is not None
        self.matcher = Matcher.configured(community)  # the shipped path
        # the path before the glossary: feedback only, the two rankings weighted alike
        self.feedback_only = Matcher(
            community, settings.with_(language={"cross_lingual_english_weight": 1.0}), None)
        with community.index.reader() as reader:
            self.n_members = max(1, len(reader.catalog.members))

    def _order(self, matcher: Matcher, text: str, vec: Any = None, index: Any = None
               ) -> list[str]:
        everything = Reach(SearchFilters(), Access(all_spaces=True), self.n_members,
                           exhaustive=True)
        with matcher.snapshot() as snap:
            if vec is None:
                ranked = matcher.rank_need(snap, text, everything)
            else:
                ranked = matcher.rank(snap, text, vec, everything, index=index or "english")
        return [r.member_id for r in ranked]

    def orders(self, texts: list[str]) -> list[tuple[str, dict[str, list[str]]]]:
        """(route, {variant: member order}) for each text."""
        assert self.ml_index is not None
        en_vecs = self.community.encoder.encode_queries(texts)
        ml_vecs = self.ml_index.encoder.encode_queries(texts)
        out = []
        for text, ev, mv in zip(texts, en_vecs, ml_vecs, strict=True):
            m = self.matcher
            en_order, ml_order = self._order(m, text, ev), self._order(m, text, mv, "multilingual")
            fused = rrf_fuse([en_order, ml_order], self.settings.matching.rrf_k)
            fused_order = sorted(fused, key=lambda x: (-fused[x], x))
            language = m.need_language(text)  # the routing rule of the shipped path
            route, gloss = language.route, language.gloss
            by_route = {"english": en_order, "multilingual": ml_order, "fused": fused_order}
            feedback = self._order(self.feedback_only, text)
            glossary = (self._order(m, text, m.community.encoder.encode_queries([gloss.text])[0])
                        if gloss is not None else feedback)
            out.append((f"{route}:{language.code}", {
                "english": en_order, "multilingual": ml_order, "fuse": fused_order,
                "route": by_route[route],
                "route_fuse": by_route[route] if route == "english" else fused_order,
                "route_feedback": feedback, "glossary": glossary,
                "route_glossary": self._order(m, text),  # the shipped path itself
            }))
        return out


def run(data: Path, queries: Path, translated: Path, home: Path,
        native: Path | None = None, grid: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    graded = load_graded_needs(queries)
    texts = _load_translations(translated)
    needs = [q for q in graded if q.id in texts and all(x in texts[q.id] for x in LANGUAGES[1:])]
    settings = Settings(storage={"home": home}, language={"language_routing": "route"})
    store = SqliteStore(settings.storage.database_path)
    report = ingest_paths(store, [data])
    if report.errors:
        raise SystemExit(f"{data}: {len(report.errors)} invalid record(s): {report.errors[0]}")
    community, _ = Community.open(settings, encoder=load_encoder(settings), store=store,
                                  multilingual_encoder=load_multilingual_encoder(settings))
    built = time.perf_counter() - started
    variants = _Variants(community, settings)
    # every need in every language
    batch = [(q.id, lang, q.need if lang == "en" else texts[q.id][lang])
             for lang in LANGUAGES for q in needs]
    orders: dict[str, dict[str, dict[str, list[str]]]] = {
        v: {lang: {} for lang in LANGUAGES} for v in VARIANTS}
    routes: dict[str, dict[str, int]] = {lang: {} for lang in LANGUAGES}
    detected_ok: dict[str, int] = dict.fromkeys(LANGUAGES, 0)
    for (qid, lang, _), (route, by_variant) in zip(
            batch, variants.orders([t for _, _, t in batch]), strict=True):
        route_name, code = route.split(":")
        detected_ok[lang] += code == lang
        routes[lang][route_name] = routes[lang].get(route_name, 0) + 1
        for v, order in by_variant.items():
            orders[v][lang][qid] = order
    english_ndcg = _metrics(needs, orders["english"]["en"])["ndcg@10"]
    table = {v: {lang: _metrics(needs, orders[v][lang], english_ndcg) for lang in LANGUAGES}
             for v in VARIANTS}
    glossary = variants.matcher.glossary
    readings = {lang: [glossary.gloss(text, lang) if glossary else None
                       for _, lg, text in batch if lg == lang] for lang in LANGUAGES[1:]}
    result: dict[str, Any] = {
        "needs": len(needs), "languages": list(LANGUAGES),
        "variants": table, "routes": routes,
        # share of a need's content words its glossary reading covers (0 without a reading)
        "glossary_coverage": {lang: round(statistics.mean(g.coverage if g else 0.0 for g in gs), 3)
                              for lang, gs in readings.items()},
        "detection_accuracy": {lang: round(detected_ok[lang] / len(needs), 3)
                               for lang in LANGUAGES},
    }
    result["latency_ms"] = _latency(variants, batch)
    if grid:
        result["grid"] = _grid(variants, [b for b in batch if b[1] != "en"], needs, english_ndcg)
    if native is not None:
        result["held_out_native"] = _run_native(variants, native)
    counts = store.counts()
    store.close()
    result.update({
        "community": {"members": counts["members"], "contributions": counts["contributions"]},
        "models": {"english": community.encoder.name,
                   "multilingual": variants.ml_index.encoder.name if variants.ml_index else None},
        "glossary": {"path": str(glossary_file(settings.language.glossary)),
                     "concepts": glossary.size if glossary else 0},
        "seconds": {"build": round(built, 1), "total": round(time.perf_counter() - started, 1)},
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPU only",
        "date": time.strftime("%Y-%m-%d"),
    })
    return result


GRID_FEEDBACK = (0.0, 0.25, 0.5, 1.0)  # glossary_feedback
GRID_WEIGHT = (1.0, 2.0, 3.0)  # cross_lingual_english_weight


def _grid(variants: _Variants, batch: list[tuple[str, str, str]], needs: list[GradedNeed],
          english_ndcg: float) -> dict[str, dict[str, float]]:
    """The shipped path's sensitivity to its two settings: the NDCG@10 ratio to English per
    language for each (glossary_feedback, cross_lingual_english_weight)."""
    out: dict[str, dict[str, float]] = {}
    for beta in GRID_FEEDBACK:
        for weight in GRID_WEIGHT:
            m = Matcher.configured(variants.community, variants.settings.with_(language={
                "glossary_feedback": beta, "cross_lingual_english_weight": weight}))
            orders: dict[str, dict[str, list[str]]] = {}
            for qid, lang, text in batch:
                orders.setdefault(lang, {})[qid] = variants._order(m, text)
            out[f"feedback={beta} weight={weight}"] = {
                lang: _metrics(needs, by_id, english_ndcg)["ratio_to_english"]
                for lang, by_id in orders.items()}
    return out


def _latency(variants: _Variants, batch: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Median in-process ``find_experts`` time (top 10, encoding included) per language, the
    shipped path and the path without the glossary alternating need by need."""
    times: dict[str, dict[str, list[float]]] = {}
    for _, lang, text in batch:
        for name, matcher in (("route_glossary", variants.matcher),
                              ("route_feedback", variants.feedback_only)):
            started = time.perf_counter()
            matcher.find_experts(text, top=10)
            times.setdefault(name, {}).setdefault(lang, []).append(
                (time.perf_counter() - started) * 1000)
    return {name: {lang: round(statistics.median(v), 1) for lang, v in by_lang.items()}
            for name, by_lang in times.items()}


def _run_native(variants: _Variants, path: Path) -> dict[str, Any]:
    """Held-out native needs: each language's needs through every variant, and the same needs'
    English renderings with the English model as that language's reference."""
    items = _load_native(path)
    langs = sorted({lang for _, lang, _ in items}, key=LANGUAGES.index)
    by_lang = {lang: [n for n, lg, _ in items if lg == lang] for lang in langs}
    native_orders = variants.orders([text for _, _, text in items])
    english_orders = variants.orders([n.need for n, _, _ in items])
    out: dict[str, Any] = {"needs": {lang: len(by_lang[lang]) for lang in langs}, "languages": {}}
    for lang in langs:
        rows = [(n, o, e) for (n, lg, _), o, e in zip(items, native_orders, english_orders,
                                                      strict=True) if lg == lang]
        needs = [n for n, _, _ in rows]
        english = _metrics(needs, {n.id: e[1]["english"] for n, _, e in rows})
        per_variant = {v: _metrics(needs, {n.id: o[1][v] for n, o, _ in rows},
                                   english["ndcg@10"]) for v in VARIANTS}
        out["languages"][lang] = {
            "english_rendering": english, "variants": per_variant,
            "detected": sum(o[0].endswith(":" + lang) for _, o, _ in rows),
        }
    return out


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=root / "data")
    p.add_argument("--queries", type=Path, default=root / "bench/queries/water_needs.jsonl")
    p.add_argument("--translated", type=Path,
                   default=root / "bench/queries/water_needs_translated.jsonl")
    p.add_argument("--native", type=Path, nargs="?",
                   const=root / "bench/queries/native_needs.jsonl",
                   help="also measure the held-out native needs (default file if no path)")
    p.add_argument("--grid", action="store_true",
                   help="also the shipped path under a grid of glossary_feedback x "
                        "cross_lingual_english_weight")
    p.add_argument("--home", type=Path, default=None,
                   help="keep the store and indexes here between runs (default: a temporary "
                        "folder, encoded afresh)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="ws-multilingual-") as tmp:
        home = args.home or Path(tmp)
        print(json.dumps(run(args.data, args.queries, args.translated, home, args.native,
                             args.grid), indent=2))


if __name__ == "__main__":
    main()
