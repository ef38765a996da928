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
    a, b = _agreement_tokens(source) or a, _agreement_tokens(member) or b  # "FGP" -> f g p
    if any(len(t) == 1 for t in a + b):
        orders = [(a, b), (a[::-1], b), (a, b[::-1])]  # surname-first writing on either side
        abbreviated = max(fuzz.ratio(_abbreviated(x), _abbreviated(y)) for x, y in orders)
        score = max(score, abbreviated * INITIALS_DISCOUNT)
    return round(score, 1)


def _agreement_tokens(name: str) -> list[str]:
    """``name_tokens`` with clusters of capital initials split ("Baffigo, FGP" -> f g p
    baffigo), so initials written together compare letter by letter."""
    text = name.strip()
    if text.count(",") == 1:
        surname, _, given = text.partition(",")
        given = " ".join(" ".join(w) if w.isupper() and len(w) <= 3 and w.isalpha() else w
                         for w in given.replace(".", " ").split())
        text = f"{given} {surname}"
    return normalise_name(text).split()


def _orders(tokens: list[str]) -> list[tuple[list[str], str]]:
    """(given names, surname) readings: Western order, and surname first (as many Asian
    names are written) when there are two tokens or more."""
    readings = [(tokens[:-1], tokens[-1])]
    if len(tokens) > 1:
        readings.append((tokens[1:], tokens[0]))
    return readings


def _given_agree(a: list[str], b: list[str]) -> bool:
    for x, y in zip(a, b, strict=False):
        if x[0] != y[0]:
            return False
        if len(x) > 1 and len(y) > 1 and not (x.startswith(y) or y.startswith(x)):
            return False  # two whole given names that differ: Lei is not Li
    return True


def names_agree(source: str, member: str) -> bool:
    """Whether two names can be the same person beyond their string likeness: the same
    surname, and given names consistent one by one (an initial agrees with a name that starts
    with it; two whole names agree when one begins the other). "Zou, Jing" and "Jing Zhou"
    do not agree, nor "Zhang, Lei" and "Li Zhang"; "Baffigo, FGP" and "Baffigo, F. G.
    Pinillos" do."""
    a, b = _agreement_tokens(source), _agreement_tokens(member)
    if not a or not b:
        return False
    return any(sa == sb and _given_agree(ga, gb)
               for ga, sa in _orders(a) for gb, sb in _orders(b))
