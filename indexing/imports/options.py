"""Import options from what a person types (CLI flags, HTTP form fields), checked by name."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from indexing.countries import country_code
from indexing.errors import RecordError, ValidationFailed
from indexing.imports.discourse import read_username_map
from indexing.imports.model import ImportOptions
from indexing.imports.tabular import parse_column_map
from indexing.schema import Level, SpaceName
from indexing.settings import Settings
from indexing.vocabulary import configured_vocabulary

_LEVEL = TypeAdapter(Level)
_SPACE = TypeAdapter(SpaceName)


def _refuse(field: str, message: str, code: str, params: dict[str, object] | None = None
            ) -> ValidationFailed:
    return ValidationFailed([RecordError("options", None, None, field, message, code,
                                         params or {})])


@dataclass(frozen=True)
class ImportForm:
    """The options of an import as a person typed them (CLI flags, HTTP form fields)."""

    dry_run: bool = False
    skip_invalid: bool = False
    map_pairs: tuple[str, ...] = ()
    map_text: str = ""
    records: str | None = None
    create_members: str | None = None
    country: str | None = None
    users_text: str = ""
    name_threshold: float | None = None
    member: str | None = None
    default_space: str | None = None


def make_options(settings: Settings, form: ImportForm) -> ImportOptions:
    """ImportOptions, or ValidationFailed naming the option (``map``, ``records``,
    ``create_members``, ``country``, ``users``, ``name_threshold``, ``default_space``) that is
    wrong. Creating members needs a country for those the source gives none: a missing
    ``country`` is refused rather than silently creating nobody."""
    f = form
    records, create_members, country = f.records, f.create_members, f.country
    name_threshold, member, default_space = f.name_threshold, f.member, f.default_space
    dry_run, skip_invalid, users_text = f.dry_run, f.skip_invalid, f.users_text
    column_map = parse_column_map(f.map_text.splitlines(), "map_file")
    column_map.update(parse_column_map(list(f.map_pairs)))
    if records not in (None, "", "members", "organisations"):
        raise _refuse("records", f"'{records}' is neither 'members' nor 'organisations'",
                      "one_of", {"allowed": ["members", "organisations"]})
    level = None
    if create_members:
        try:
            level = _LEVEL.validate_python(create_members.strip().lower())
        except ValidationError as exc:
            raise _refuse("create_members", f"'{create_members}' is not a level: "
                          f"{', '.join(x.value for x in Level)}", "one_of",
                          {"allowed": [x.value for x in Level]}) from exc
    code = None
    if country:
        code = country_code(country)
        if code is None:
            raise _refuse("country", f"'{country}' is not a country name or code",
                          "not_country_name", {"value": country})
    if level is not None and code is None:
        raise _refuse("country", "create_members needs a country (ISO code or name) for the "
                      "members it creates when the source gives none", "country_needed")
    space = None
    if default_space:
        try:
            space = _SPACE.validate_python(default_space.strip())
        except ValidationError as exc:
            raise _refuse("default_space", f"'{default_space}' is not a space name (lower-case "
                          "letters, digits, - and _)", "not_space_name",
                          {"value": default_space}) from exc
    threshold = settings.imports.import_name_threshold if name_threshold is None else name_threshold
    if not 50 <= threshold <= 100:
        raise _refuse("name_threshold", "between 50 and 100", "between",
                      {"low": 50, "high": 100})
    usernames = read_username_map(users_text, "users") if users_text.strip() else {}
    return ImportOptions(
        dry_run=dry_run, skip_invalid=skip_invalid, create_members=level, create_country=code,
        name_threshold=threshold, column_map=column_map,
        records=records or None,  # type: ignore[arg-type]
        usernames=usernames, vocabulary=configured_vocabulary(settings.imports.vocabulary),
        member=member.strip() if member and member.strip() else None, default_space=space,
        max_uncompressed_bytes=settings.imports.import_max_uncompressed_bytes,
        max_rows=settings.imports.import_max_rows)
