"""Domain errors of the matcher; the API maps them to HTTP status by type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from indexing.errors import WellspringError

# What an InvalidRequest can say, as a code a client puts in its own words (the page's
# catalogues hold ``error.code.<code>`` in five languages), with the figures in ``params``:
CODES = frozenset({
    "empty",               # the field is empty
    "longer_than",         # params: limit (characters)
    "between",             # params: low, high (a number)
    "length_between",      # params: low, high (characters)
    "one_of",              # params: allowed (a list)
    "unknown",             # params: value (an id or a term the community does not hold)
    "not_country",         # params: value
    "control_characters",  # text with control characters
    "no_letter",           # text without a letter or a digit
    "too_many",            # params: limit
    "year_order",          # params: from_year, to_year
    "no_needs",            # neither a description nor needs
    "no_expertise",        # a description that names no expertise the vocabulary knows
    "never_public",        # a project's spaces include the public
    "id_mismatch",         # params: body, path
})


class InvalidRequest(WellspringError):
    """A request the matcher cannot answer as asked; ``field`` names the culprit, ``reason``
    says what is wrong in English, ``code`` and ``params`` say it for a client to translate
    (one of ``CODES``)."""

    def __init__(self, field: str, message: str, code: str,
                 params: Mapping[str, str | int | list[str]] | None = None) -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.field = field
        self.reason = message
        super().__init__(f"{field}: {message}", code, params or {})


class KeyRequired(WellspringError):
    """A request that only a keyed caller may make as asked; ``field`` names what needs it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def between(field: str, low: int, high: int) -> InvalidRequest:
    """A number outside ``low``..``high``."""
    return InvalidRequest(field, f"must be between {low} and {high}", "between",
                          {"low": low, "high": high})


def top_out_of_range(max_top: int) -> InvalidRequest:
    """``top`` outside 1..``max_top`` (the setting)."""
    return between("top", 1, max_top)


def one_of(field: str, allowed: Sequence[str]) -> InvalidRequest:
    """A value that is none of ``allowed``."""
    return InvalidRequest(field, f"must be one of {', '.join(allowed)}", "one_of",
                          {"allowed": list(allowed)})
