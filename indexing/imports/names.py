"""Person names compared the way people write them: accents, initials and name order.

``name_score`` is 0-100: rapidfuzz's token-sort ratio of the normalised names (so "Ndiaye,
Aïssatou" and "Aissatou Ndiaye" score 100), or, when one side abbreviates given names to
initials, the ratio of both names written as initials + surname, slightly discounted (an
initial is weaker evidence than a whole name).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from indexing.countries import normalise_name

INITIALS_DISCOUNT = 0.95


def name_tokens(name: str) -> list[str]:
    """Normalised tokens in given-names-then-surname order ("Wanjiru, G." -> g wanjiru)."""
    text = name.strip()
    if text.count(",") == 1:  # "Surname, Given names"
        surname, _, given = text.partition(",")
        text = f"{given} {surname}"
    return normalise_name(text).split()


def _abbreviated(tokens: list[str]) -> str:
    return " ".join([t[0] for t in tokens[:-1]] + tokens[-1:])


def name_score(source: str, member: str) -> float:
    """How alike two person names are, 0-100 (see the module docstring)."""
    a, b = name_tokens(source), name_tokens(member)
    if not a or not b:
        return 0.0
    score = float(fuzz.token_sort_ratio(" ".join(a), " ".join(b)))
    if any(len(t) == 1 for t in a + b):
        orders = [(a, b), (a[::-1], b), (a, b[::-1])]  # surname-first writing on either side
        abbreviated = max(fuzz.ratio(_abbreviated(x), _abbreviated(y)) for x, y in orders)
        score = max(score, abbreviated * INITIALS_DISCOUNT)
    return round(score, 1)
