"""Member and organisation lists from spreadsheets (CSV, XLSX), with a column mapping.

Columns map to fields by ``--map column=field`` (or a mapping file), else by their header when
it names a field or a usual synonym ("Full name", "Pays", "E-mail"...). Countries may be codes
or names in five languages, levels names ("Active member", "núcleo"), organisations ids or
names. Ids, when no column gives them, derive from the ORCID iD or the name (stable).
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from pathlib import Path

from indexing.countries import normalise_name
from indexing.errors import ImportTooLarge, RecordError, ValidationFailed
from indexing.imports.model import ImportOptions, SourceBatch, Table, input_files, read_text
from indexing.imports.rows import MEMBER_FIELDS, ORGANISATION_FIELDS, RowConverter
from indexing.ingest import ParsedFile, RecordKind
from indexing.store import Store

SYNONYMS: dict[str, str] = {
    "full name": "name", "nom": "name", "nombre": "name", "nome": "name", "member": "name",
    "organization": "organisation", "organisation name": "organisation",
    "organization name": "organisation", "employer": "organisation", "institution": "organisation",
    "organisme": "organisation", "organizacion": "organisation", "organizacao": "organisation",
    "organisation id": "organisation_id", "organization id": "organisation_id",
    "pays": "country", "pais": "country", "nation": "country",
    "membership level": "level", "niveau": "level", "nivel": "level", "tier": "level",
    "language": "languages", "langues": "languages", "idiomas": "languages",
    "expertise": "bio", "biography": "bio", "about": "bio", "keywords": "topics",
    "topic": "topics", "themes": "topics", "email": "contact", "e mail": "contact",
    "courriel": "contact", "correo": "contact", "orcid id": "orcid", "type": "kind",
    "organisation type": "kind", "organization type": "kind", "member id": "id",
    "open to invitations": "open_to_invitations", "invitable": "open_to_invitations",
    "sign in email": "sign_in_email", "login email": "sign_in_email",
    "sso email": "sign_in_email",
}


def parse_column_map(pairs: list[str], source: str = "--map") -> dict[str, str]:
    """``column=field`` pairs (also the lines of a mapping file) as a dict."""
    out: dict[str, str] = {}
    for pair in pairs:
        if not pair.strip() or pair.lstrip().startswith("#"):
            continue
        column, sep, fieldname = pair.partition("=")
        if not sep or not column.strip() or not fieldname.strip():
            raise ValidationFailed([RecordError(source, None, None, "map",
                                                f"'{pair}' is not column=field",
                                                "not_column_field", {"pair": pair.strip()})])
        out[column.strip()] = fieldname.strip()
    return out


def _kind(path: Path, header: list[str], options: ImportOptions) -> RecordKind:
    if options.records in ("members", "organisations"):
        return options.records
    name = path.name.lower()
    if name.startswith(("organisation", "organization", "org")):
        return "organisations"
    if name.startswith("member"):
        return "members"
    mapped = {_field(h, options) for h in header}
    return "organisations" if "kind" in mapped and "level" not in mapped else "members"


def _field(column: str, options: ImportOptions) -> str | None:
    if column in options.column_map:
        return options.column_map[column]
    key = normalise_name(column)
    allowed = set(MEMBER_FIELDS) | set(ORGANISATION_FIELDS) | {"organisation"}
    return key.replace(" ", "_") if key.replace(" ", "_") in allowed else SYNONYMS.get(key)


def _check_map(options: ImportOptions, kind: RecordKind, header: list[str], source: str) -> None:
    fields = set(MEMBER_FIELDS if kind == "members" else ORGANISATION_FIELDS) | {"organisation"}
    errors = [RecordError(source, 1, None, "map", f"column '{c}' is mapped to '{f}', which is "
                          f"not a field of {kind}: {', '.join(sorted(fields))}", "not_a_field",
                          {"column": c, "field": f, "allowed": sorted(fields)})
              for c, f in options.column_map.items() if c in header and f not in fields]
    if errors:
        raise ValidationFailed(errors)


def table_files(store: Store, tables: list[Table], options: ImportOptions
                ) -> list[ParsedFile]:
    """The tables' rows as member or organisation records, organisation lists first so members
    can name an organisation by its name (organisations stored or in the batch)."""
    converter = RowConverter(store)
    files: list[ParsedFile] = []
    for table in sorted(tables, key=lambda t: _org_first(t.path)):
        parsed = _rows(table.path, converter, options, table.rows)
        if parsed is not None:
            files.append(parsed)
    return files


def _rows(path: Path, converter: RowConverter, options: ImportOptions,
          table: list[tuple[int, list[str]]]) -> ParsedFile | None:
    if not table:
        return ParsedFile(path=path, kind="members", errors=[
            RecordError(str(path), None, None, "file", "empty: no header row", "empty_table")])
    header = [h.strip() for h in table[0][1]]
    kind = _kind(path, header, options)
    _check_map(options, kind, header, str(path))
    columns = {i: f for i, h in enumerate(header) if (f := _field(h, options))}
    if kind == "organisations":  # in an organisations list, "Organisation" is its name
        columns = {i: "name" if f == "organisation" and "name" not in columns.values() else f
                   for i, f in columns.items()}
    parsed = ParsedFile(path=path, kind=kind)
    for line, cells in table[1:]:
        if not any(c.strip() for c in cells):
            continue
        values: dict[str, str] = {}
        for i, value in enumerate(cells):
            if i in columns and value.strip():
                values[columns[i]] = value.strip()
        converter.add(parsed, line, values, {f: header[i] for i, f in columns.items()})
    return parsed


def read_csv(path: Path, options: ImportOptions) -> SourceBatch:
    """Rows of a CSV file (or every CSV in a folder), at most ``options.max_rows`` each."""
    batch = SourceBatch()
    for file in input_files(path, (".csv",)):
        text = read_text(file, batch.errors, batch.notes)
        if text is None:
            continue
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel
        with contextlib.suppress(csv.Error):  # an unusual file: plain commas
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        reader = csv.reader(io.StringIO(text), dialect)
        rows: list[tuple[int, list[str]]] = []
        for cells in reader:
            _count_row(file, len(rows) + 1, options)
            rows.append((reader.line_num, cells))
        batch.tables.append(Table(file, rows))
    return batch


def _count_row(file: Path, rows: int, options: ImportOptions) -> None:
    if rows > options.max_rows:
        raise ImportTooLarge(file.name, f"more than {options.max_rows} rows; split it")


def check_workbook(file: Path, limit: int) -> None:
    """Refuse a workbook whose parts inflate past ``limit`` bytes, by the sizes its zip
    directory declares and by the bytes they actually inflate to (read in chunks, never
    held), before any XML is parsed; a damaged zip is a ValueError."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            declared = sum(m.file_size for m in members)
            if declared > limit:
                raise ImportTooLarge(file.name, f"inflates to {declared} bytes, more than the "
                                     f"{limit} allowed (import_max_uncompressed_bytes)")
            actual = 0
            for member in members:
                with archive.open(member) as part:
                    while chunk := part.read(1 << 20):
                        actual += len(chunk)
                        if actual > limit:
                            raise ImportTooLarge(file.name, f"inflates past the {limit} bytes "
                                                 "allowed (import_max_uncompressed_bytes)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise ValueError(f"not a readable .xlsx workbook: {exc}") from exc


def read_xlsx(path: Path, options: ImportOptions) -> SourceBatch:
    """Rows of the first sheet of an XLSX workbook (or of each in a folder): its size checked
    first (``check_workbook``), then read streaming (openpyxl read-only), row by row."""
    import openpyxl

    batch = SourceBatch()
    for file in input_files(path, (".xlsx",)):
        try:
            check_workbook(file, options.max_uncompressed_bytes)
        except ValueError as exc:
            batch.errors.append(RecordError(str(file), None, None, "file", str(exc),
                                            "unreadable_workbook"))
            continue
        try:
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            batch.errors.append(RecordError(str(file), None, None, "file",
                                            f"not a readable .xlsx workbook: {exc}",
                                            "unreadable_workbook"))
            continue
        try:
            rows: list[tuple[int, list[str]]] = []
            sheet = book.worksheets[0]
            if hasattr(sheet, "reset_dimensions"):  # read every row, not the declared range
                sheet.reset_dimensions()
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                _count_row(file, n, options)
                rows.append((n, ["" if v is None else str(v) for v in row]))
        finally:
            book.close()
        batch.tables.append(Table(file, rows))
    return batch


def _org_first(path: Path) -> tuple[bool, str]:
    """Organisation lists before member lists, so members can name their organisation."""
    return (not path.name.lower().startswith("org"), path.name)
