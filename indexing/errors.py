"""Domain errors of the indexing layer; the API maps them to HTTP status by type."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


class WellspringError(Exception):
    """Base class of every domain error. Where an error sets ``code`` (with its figures in
    ``params``), it says what is wrong for a client to put in its own words (the page's
    catalogues hold ``error.code.<code>``); the message stays the English one."""

    code: str | None = None
    params: Mapping[str, object] = MappingProxyType({})

    def __init__(self, message: str = "", code: str | None = None,
                 params: Mapping[str, object] | None = None) -> None:
        if code is not None:  # else the class's own (unset on the base)
            self.code = code
        if params is not None:
            self.params = dict(params)
        super().__init__(message)


def plain_context(ctx: Mapping[str, object]) -> dict[str, object]:
    """A validation error's context (pydantic's ``ctx``) as JSON a client can fill a sentence
    with: numbers and strings as they are (limits, the expected values), anything else (an
    exception a validator raised, a bound that is no finite number) as its words."""
    def plain(v: object) -> object:
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            return str(v)
        return v if not isinstance(v, float) or math.isfinite(v) else str(v)

    return {k: plain(v) for k, v in ctx.items()}


# The codes of what an import file or its options get wrong beyond a field's validation (which
# carries pydantic's own type), each with the names of its figures; the page's catalogues say
# each (error.code.<code>). RecordError takes any code: tests/indexing/test_import_codes.py
# checks that every one the import readers write is listed here and has a sentence.
IMPORT_CODES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "not_utf8": ("byte",),  # the file's line is the error's own
    "bad_json": (),
    "unreadable_entry": (),  # a BibTeX entry the parser gives up on
    "outside_record": ("opener",),  # RIS text before a record's "TY  - "
    "not_closed": ("closer",),  # a RIS record without its "ER  - "
    "unexpected_shape": ("expected",),  # JSON or rows that are not the export named
    "no_orcid_id": (),
    "empty_table": (),
    "unreadable_workbook": (),
    "cannot_read_as": ("format",),  # what a reader's library refused, the file named
    "not_column_field": ("pair",),  # a column map's line without "column=field"
    "not_a_field": ("column", "field", "allowed"),  # a column mapped to no field of the kind
    "country_needed": (),  # members created from an import need a country
    "not_space_name": ("value",),
    "unknown_category": ("value",),  # a Discourse topic's category no categories.json names
})


@dataclass(frozen=True)
class RecordError:
    """One bad record: where it is and what is wrong with it (``message``, in English; for a
    field's validation also as pydantic's ``code`` and its figures, for a client to translate)."""

    source: str
    line: int | None
    record_id: str | None
    field: str
    message: str
    code: str | None = None
    params: dict[str, object] = dataclasses.field(default_factory=dict, hash=False,
                                                  compare=False)  # (its name is a field's)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        rid = f" (id {self.record_id})" if self.record_id else ""
        return f"{where}{rid}: field '{self.field}': {self.message}"


class ValidationFailed(WellspringError):
    """One or more records failed validation; nothing was committed."""

    def __init__(self, errors: list[RecordError]) -> None:
        self.errors = errors
        head = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} invalid record(s): {head}{more}")


class ImportTooLarge(WellspringError):
    """An import file that would inflate past a limit (uncompressed size, rows): refused
    before it is parsed whole (413 over HTTP)."""

    field = "file"

    def __init__(self, file_name: str, message: str) -> None:
        self.file_name = file_name
        super().__init__(f"file '{file_name}': {message}")


class NotFound(WellspringError):
    """An id that the store does not hold."""

    code = "not_found"  # with params kind and value, for a client to translate

    def __init__(self, kind: str, record_id: str, field: str = "id") -> None:
        self.kind = kind
        self.record_id = record_id
        self.field = field
        super().__init__(f"{kind} '{record_id}' not found",
                         params={"kind": kind, "value": record_id})


class Conflict(WellspringError):
    """A create whose id already exists, or a delete that would orphan other records (``code``
    and ``params`` where a client is to say it in its own words: ``project_closed {value}``)."""

    def __init__(self, message: str, field: str = "id", code: str | None = None,
                 params: dict[str, object] | None = None) -> None:
        self.field = field
        super().__init__(message, code, params)


class SpaceDenied(WellspringError):
    """A write that would change a record in a space the caller does not hold.

    The message never names the space: a caller learns only that it may not make this change.
    """

    def __init__(self, message: str, field: str = "space") -> None:
        self.field = field
        super().__init__(message)


class IndexMismatch(WellspringError):
    """The index on disk was built with other settings (model, dimension, schema)."""


class IndexCorrupt(WellspringError):
    """The index on disk is damaged (checksum, counts or files disagree)."""


class StoreCorrupt(WellspringError):
    """The SQLite store fails its integrity check: restore it from a backup."""


class IndexNotReady(WellspringError):
    """No usable index is loaded."""
