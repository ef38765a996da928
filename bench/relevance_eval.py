"""Issue #27 figures through ``Matcher.find_experts`` on an indexed sample (English and
multilingual indexes): the top member's relevance of each translated water need against its
English twin's, unrelated needs, NDCG@10 of the answer (evidence first) against the ranking
alone, members found on the profile alone in the top 10, and which needs carry a hint.

    cd REPO && PYTHONPATH=. WELLSPRING_HOME=<indexed sample> .venv/bin/python bench/relevance_eval.py
"""
# ruff: noqa
import json, statistics, sys
from api.commands.common import load_settings, open_matcher
from matcher.evaluation import ndcg_at_k
from indexing.vectors.filters import Access, SearchFilters
from matcher.reach import Reach
m = open_matcher(load_settings())
rows = [json.loads(l) for l in open("bench/queries/water_needs_translated.jsonl")]
grades = {json.loads(l)["id"]: json.loads(l) for l in open("bench/queries/water_needs.jsonl")}
langs = ["en", "fr", "es", "pt", "ar"]
top = {l: {} for l in langs}; nd_ans = {l: [] for l in langs}; nd_rank = {l: [] for l in langs}
hints = {l: 0 for l in langs}; prof = {l: 0 for l in langs}
for row in rows:
    g = row.get("relevance") or grades[row["id"]]["relevance"]
    for l in langs:
        f = m.find_experts(row[l], top=10)
        top[l][row["id"]] = f[0].score if len(f) else 0.0
        nd_ans[l].append(ndcg_at_k([x.member.id for x in f], g, 10))
        with m.snapshot() as snap:
            r = m.rank_need(snap, row[l], Reach(SearchFilters(), Access.public(), 10))
            nd_rank[l].append(ndcg_at_k([x.member_id for x in r[:10]], g, 10))
        if f.hint is not None:
            hints[l] += 1
            print("hint:", l, row["id"], row[l], file=sys.stderr)
        prof[l] += sum(not x.has_contribution for x in f)
out = {}
for l in langs:
    gaps = [top[l][q] - top["en"][q] for q in top["en"]]
    out[l] = {"median_top": round(statistics.median(top[l].values()), 3),
              "median_gap_vs_en": round(statistics.median(gaps), 3),
              "median_abs_gap_vs_en": round(statistics.median(abs(x) for x in gaps), 3),
              "ndcg10_answer": round(sum(nd_ans[l]) / len(nd_ans[l]), 4),
              "ndcg10_ranking": round(sum(nd_rank[l]) / len(nd_rank[l]), 4),
              "needs_with_hint": hints[l], "profile_only_in_top10": prof[l]}
UNREL = {"en": "a recipe for chocolate cake with strawberries", "fr": "une recette de gâteau au chocolat avec des fraises",
         "es": "una receta de pastel de chocolate con fresas", "pt": "uma receita de bolo de chocolate com morangos",
         "ar": "وصفة كعكة الشوكولاتة بالفراولة"}
out["unrelated_top"] = {l: round(m.find_experts(t, top=3)[0].score, 3) for l, t in UNREL.items()}
BROAD = ["water", "eau", "agua", "water management", "sanitation", "climate change", "groundwater"]
out["broad"] = {}
for t in BROAD:
    f = m.find_experts(t, top=10)
    out["broad"][t] = {"hint": f.hint is not None, "profile_only_top3": sum(not x.has_contribution for x in f[:3]),
                       "top": f[0].score}
print(json.dumps(out, indent=1, ensure_ascii=False))
