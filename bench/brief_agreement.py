"""How far two professionals agree on a brief's needs, beside how far the derivation agrees (#36).

    python bench/brief_agreement.py --packets DIR  # what a rater reads: lists shuffled, unnamed
    python bench/brief_agreement.py                # the figures, from each set's agreement.jsonl

For the blind sets that carry a second labeller's needs (``labels_second.jsonl``, written by a
session that saw neither the first labels nor any derivation), three lists name each brief's
needs: the first labeller's (A), the second's (B) and the derivation's first, blind run (D, the
first lines of ``judgements.jsonl``, those ``judgements_second.jsonl`` also judged). A rater who
wrote none of them reads each brief with the three lists under neutral names, in an order drawn
from the brief's id, and says for every item whether it is expertise a professional would accept
(the rubric of docs/QUALITY.md) and which items of the other lists name the same expertise,
however worded, a little broader or narrower (``agreement.jsonl``).

Figures, pooled over briefs, for each ordered pair (X found by Y): *recall* = items of X that
some item of Y names / items of X, read two ways: *any* (an item of Y may name several of X) and
*one-to-one* (a maximum matching, as a derived need matched one label in the earlier rounds);
and each list's *precision* = items the rater accepts / items. *Consensus*: the first labeller's
items the second names too, and the share of them the derivation names.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SETS = ("blind4", "blind5", "blind6", "blind7")
NAMES = ("P", "Q", "R")


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def lists(folder: Path) -> dict[str, dict[str, Any]]:
    """Per brief: its file, language and the three lists A, B, D."""
    first = {x["id"]: x for x in _lines(folder / "labels.jsonl")}
    second = {x["id"]: x for x in _lines(folder / "labels_second.jsonl")}
    run = len(_lines(folder / "judgements_second.jsonl"))
    derived: dict[str, list[str]] = {}
    for row in _lines(folder / "judgements.jsonl")[:run]:
        derived.setdefault(row["id"], []).append(row["need"])
    out = {}
    for bid, brief in first.items():
        if bid not in second:
            continue
        out[bid] = {"file": brief["file"], "language": brief["language"],
                    "A": list(brief["needs"]), "B": list(second[bid]["needs"]),
                    "D": derived.get(bid, [])}
    return out


def names(bid: str) -> dict[str, str]:
    """Which neutral name each list takes for this brief (drawn from its id, so it is the same
    every time the packets or the figures are made)."""
    order = ["A", "B", "D"]
    random.Random(bid).shuffle(order)
    return dict(zip(order, NAMES, strict=True))


def packets(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in SETS:
        folder = ROOT / "bench/briefs" / name
        rows = []
        for bid, b in lists(folder).items():
            mapping = names(bid)
            shown = {mapping[k]: [f"{mapping[k]}{i + 1}: {t}" for i, t in enumerate(b[k])]
                     for k in ("A", "B", "D")}
            rows.append({"id": bid, "language": b["language"], "set": name,
                         "brief": str(folder / b["file"]),
                         "lists": {n: shown[n] for n in NAMES}})
        if rows:
            (out / f"{name}.jsonl").write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _matching(edges: dict[int, set[int]]) -> int:
    """Size of a maximum one-to-one matching (augmenting paths; lists of under ten items)."""
    owner: dict[int, int] = {}

    def augment(x: int, seen: set[int]) -> bool:
        for y in edges.get(x, ()):
            if y in seen:
                continue
            seen.add(y)
            if y not in owner or augment(owner[y], seen):
                owner[y] = x
                return True
        return False

    return sum(augment(x, set()) for x in edges)


def figures(sets: tuple[str, ...] = SETS) -> dict[str, Any]:
    tally: dict[str, list[int]] = {}
    accepted = {k: [0, 0] for k in ("A", "B", "D")}
    consensus = [0, 0]  # A's items that B names too, and of them those D names
    briefs = 0
    for name in sets:
        folder = ROOT / "bench/briefs" / name
        rated = {x["id"]: x for x in _lines(folder / "agreement.jsonl")}
        for bid, b in lists(folder).items():
            if bid not in rated:
                continue
            briefs += 1
            mapping = names(bid)  # A -> P ...
            back = {v: k for k, v in mapping.items()}
            keys = {k: [f"{mapping[k]}{i + 1}" for i in range(len(b[k]))] for k in mapping}
            items = rated[bid]["items"]
            same: dict[str, set[str]] = {}  # each item's matches in the other lists, both ways
            for key, judged in items.items():
                for other in judged.get("same_as", []):
                    same.setdefault(key, set()).add(other)
                    same.setdefault(other, set()).add(key)
            for key, judged in items.items():
                lst = back[key[0]]
                accepted[lst][0] += bool(judged["expertise"])
                accepted[lst][1] += 1
            for x in ("A", "B", "D"):
                for y in ("A", "B", "D"):
                    if x == y:
                        continue
                    ky = {k: i for i, k in enumerate(keys[y])}
                    edges = {i: {ky[o] for o in same.get(k, ()) if o in ky}
                             for i, k in enumerate(keys[x])}
                    row = tally.setdefault(f"{x} found by {y}", [0, 0, 0])
                    row[0] += sum(bool(e) for e in edges.values())
                    row[1] += _matching(edges)
                    row[2] += len(keys[x])
            both = [k for k in keys["A"] if same.get(k, set()) & set(keys["B"])]
            found = [k for k in both if same.get(k, set()) & set(keys["D"])]
            consensus[0] += len(found)
            consensus[1] += len(both)
    return {
        "briefs": briefs,
        "precision": {k: round(a / n, 3) if n else None for k, (a, n) in accepted.items()},
        "items": {k: n for k, (a, n) in accepted.items()},
        "consensus": {"items": consensus[1], "found by D":
                      round(consensus[0] / consensus[1], 3) if consensus[1] else None},
        "recall": {k: {"any": round(a / n, 3), "one_to_one": round(m / n, 3), "of": n}
                   for k, (a, m, n) in tally.items() if n},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=Path, help="write the rater's packets here")
    args = parser.parse_args()
    if args.packets:
        packets(args.packets)
        return
    out = {"all": figures()}
    for name in SETS:
        out[name] = figures((name,))
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
