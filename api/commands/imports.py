"""import: bring a community's existing records in (spreadsheets, ORCID, OpenAlex, BibTeX, RIS,
Discourse)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from api.commands.common import CliError, load_settings, print_json


def register(sub: Any) -> None:
    from indexing.imports.pipeline import FORMATS

    p = sub.add_parser("import", help="import members, organisations or contributions from "
                       "another tool's export (same checks as ingest)")
    p.add_argument("format", choices=FORMATS)
    p.add_argument("path", type=Path, help="the exported file, or a folder of them")
    p.add_argument("--dry-run", action="store_true",
                   help="report what would be inserted, updated and skipped; write nothing")
    p.add_argument("--skip-invalid", action="store_true",
                   help="write the valid entries of an import that has invalid ones (each "
                        "listed with file, line and field; exit status 3); without it one "
                        "invalid entry writes nothing (exit status 1)")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="csv/xlsx: the field a column holds; repeatable")
    p.add_argument("--map-file", type=Path, help="csv/xlsx: a file of COLUMN=FIELD lines")
    p.add_argument("--records", choices=["members", "organisations"],
                   help="csv/xlsx: what the rows are (default: from the file name or columns)")
    p.add_argument("--create-members", metavar="LEVEL",
                   help="create unmatched people as members of this level, flagged as imported")
    p.add_argument("--country", help="country of created members when the source has none "
                   "(required with --create-members)")
    p.add_argument("--users", type=Path,
                   help="discourse: user name -> member id (JSON object or CSV)")
    p.add_argument("--default-space", metavar="SPACE",
                   help="discourse: the space of topics whose category the archive does not "
                        "describe (no categories.json)")
    p.add_argument("--member", metavar="ID",
                   help="orcid: the member whose ORCID works these are (a works response "
                        "names no one)")
    p.add_argument("--name-threshold", type=float,
                   help="lowest name score (0-100) that links an author; default "
                        "WELLSPRING_IMPORT_NAME_THRESHOLD")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=cmd_import)


def _text(path: Path | None, option: str) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{option} {path}: {exc}") from exc


def cmd_import(args: argparse.Namespace) -> int:
    from indexing.imports.options import ImportForm, make_options
    from indexing.imports.pipeline import run_import
    from indexing.store import open_store

    settings = load_settings()
    options = make_options(settings, ImportForm(
        dry_run=args.dry_run, skip_invalid=args.skip_invalid, map_pairs=tuple(args.map),
        map_text=_text(args.map_file, "--map-file"), records=args.records,
        create_members=args.create_members, country=args.country,
        users_text=_text(args.users, "--users"), name_threshold=args.name_threshold,
        member=args.member, default_space=args.default_space))
    started = time.perf_counter()
    try:
        report = run_import(open_store(settings.storage), args.format, args.path, options)
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(report.to_dict())
    else:
        *details, summary = report.lines()
        for line in details:
            print(line, file=sys.stderr)
        print(f"{summary} ({time.perf_counter() - started:.1f}s)")
    # 0 all written (or would be); 1 refused, nothing written; 3 written without the invalid
    # entries (--skip-invalid), each listed above
    return 1 if report.refused else 3 if report.partial else 0
