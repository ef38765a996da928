"""What a reader of a brief's words can reach of its labels, and two ways to infer the rest (#36).

    PYTHONPATH=. HF_HUB_OFFLINE=1 .venv/bin/python bench/brief_inference.py

For every labelled brief (all sets; for the blind sets with a second labeller, both labellers'
needs), read at the level of glossary concepts as the derivation reads them
(``need_expertise.named_concepts``), keeping only *specific* concepts (not the broad, generic or
context ones of not_expertise.txt):

- the labels' concepts, those the brief's text names anywhere, and those the derived needs
  (the product's path, as bench/brief_needs.py) name: the share of label concepts a reader of
  the words can reach, and the share of those it reaches;
- two general ways of inferring concepts the text does not name, each adding its top k
  concepts not already derived, scored by how many of them the labels name: the multilingual
  encoder's nearest glossary concepts (the concept's term in the brief's language) to the
  brief's title and to its opening 600 characters; and the concepts the labels of briefs in
  *other* sets name beside the derived concepts (co-occurrence, named at least twice).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.brief_misses import read_briefs  # noqa: E402
from bench.brief_needs import REAL, _lines  # noqa: E402
from indexing.encoders.use_m3 import UniversalSentenceEncoder  # noqa: E402
from matcher.need_expertise import named_concepts  # noqa: E402

GLOSSARY = ROOT / "matcher/data/glossary.jsonl"
TOP = (1, 2, 3, 5)


def _briefs() -> tuple[list[dict[str, Any]], frozenset[int]]:
    glossary, unspecific, briefs = read_briefs()
    folders = {p.name: p for p in (ROOT / "bench/briefs").glob("blind*")}
    rows = []
    for b, text in briefs:
        folder = folders.get(b["set"], REAL)
        lang = b["language"]
        labels = [n for f in ("labels.jsonl", "labels_second.jsonl")
                  for x in _lines(folder / f) if x["id"] == b["id"] for n in x["needs"]]

        def concepts(texts: list[str], lang: str = lang) -> set[int]:
            return {c for t in texts for c in named_concepts(t, lang, glossary)} - unspecific

        rows.append({"set": b["set"], "language": lang, "labels": concepts(labels),
                     "derived": concepts(b["needs"]), "text": concepts([text]),
                     "title": text.strip().splitlines()[0], "opening": text[:600]})
    return rows, unspecific


def _score(rows: list[dict[str, Any]], added: list[list[int]]) -> dict[str, Any]:
    n = sum(len(a) for a in added)
    hit = sum(len(set(a) & r["labels"]) for r, a in zip(rows, added, strict=True))
    return {"added": n, "labelled": hit, "share": round(hit / n, 3) if n else None}


def main() -> None:
    rows, unspecific = _briefs()
    raw = [json.loads(x) for x in GLOSSARY.read_text(encoding="utf-8").splitlines() if x.strip()]
    candidates = [i for i in range(len(raw)) if i not in unspecific]
    encoder = UniversalSentenceEncoder()
    by_language: dict[str, np.ndarray] = {}
    out: dict[str, Any] = {"briefs": len(rows)}
    labels = sum(len(r["labels"]) for r in rows)
    in_text = sum(len(r["labels"] & r["text"]) for r in rows)
    derived = sum(len(r["labels"] & r["derived"]) for r in rows)
    out["label_concepts"] = {"all": labels, "named_in_text": in_text, "derived": derived,
                             "reachable_share": round(in_text / labels, 3),
                             "reached_of_reachable": round(derived / in_text, 3)}
    for part in ("title", "opening"):
        ranked = []
        for r in rows:
            if r["language"] not in by_language:
                by_language[r["language"]] = encoder.encode_documents(
                    [(raw[i].get(r["language"]) or raw[i]["en"])[0] for i in candidates])
            scores = by_language[r["language"]] @ encoder.encode_queries([r[part]])[0]
            ranked.append([candidates[j] for j in np.argsort(-scores)[:20]
                           if candidates[j] not in r["derived"]])
        out[f"encoder_{part}"] = {k: _score(rows, [x[:k] for x in ranked]) for k in TOP}
    cooc = []
    for r in rows:
        counts: Counter[int] = Counter()
        for o in rows:
            if o["set"] != r["set"] and r["derived"] & o["labels"]:
                counts.update(c for c in o["labels"] if c not in r["derived"])
        cooc.append([c for c, n in counts.most_common() if n >= 2])
    out["cooccurrence"] = {k: _score(rows, [x[:k] for x in cooc]) for k in TOP}
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
