"""RIS (EndNote, Zotero, Mendeley, Scopus, Embase, Web of Science, Google Scholar exports),
parsed entry by entry with rispy so that an entry without ``TY`` or ``ER`` is reported at its
line instead of silently dropped. Author lines may hold several authors separated by ";"
(``people.py``); the file's encoding is detected."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import rispy

from indexing.countries import normalise_name
from indexing.errors import RecordError
from indexing.imports.model import (
    ImportOptions,
    Person,
    SourceBatch,
    Work,
    clean_doi,
    first_text,
    input_files,
    parse_iso_date,
    read_text,
)
from indexing.imports.people import author_list, split_ris_authors
from indexing.imports.types import contribution_type

_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")


def _entries(text: str) -> list[tuple[int, list[str], bool]]:
    """(first line, lines, closed by ER) for each entry, in file order."""
    out: list[tuple[int, list[str], bool]] = []
    current: list[str] | None = None
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip("\ufeff")
        tag = _TAG.match(line)
        if tag and tag.group(1) == "TY":
            if current is not None:
                out.append((start, current, False))
            current, start = [line], number
        elif tag and tag.group(1) == "ER":
            if current is None:
                out.append((number, [line], True))
            else:
                current.append(line)
                out.append((start, current, True))
            current = None
        elif current is not None:
            current.append(line)
        elif line.strip():
            out.append((number, [line], False))
    if current is not None:
        out.append((start, current, False))
    return out


def read(path: Path, options: ImportOptions) -> SourceBatch:
    """Works of the RIS records in a .ris file or folder of them."""
    batch = SourceBatch()
    for file in input_files(path, (".ris", ".txt")):
        text = read_text(file, batch.errors, batch.notes)
        if text is None:
            continue
        for n, (line, lines, closed) in enumerate(_entries(text), start=1):
            if not lines[0].startswith("TY  -"):
                batch.errors.append(RecordError(str(file), line, None, "TY",
                                                "text outside a record (a record starts with "
                                                "'TY  - ')", "outside_record",
                                                {"opener": "TY  - "}))
                continue
            if not closed:
                batch.errors.append(RecordError(str(file), line, None, "ER",
                                                "record not closed by 'ER  - '", "not_closed",
                                                {"closer": "ER  - "}))
                continue
            records = rispy.loads("\n".join(lines) + "\n")
            if records:
                _work(batch, file, line, n, records[0])
    return batch


def _work(batch: SourceBatch, file: Path, line: int, n: int, rec: dict[str, Any]) -> None:
    rid = first_text(rec.get("id")) or None
    title = first_text(rec.get("title"), rec.get("primary_title"), rec.get("secondary_title"))
    date = parse_iso_date(rec.get("date")) or parse_iso_date(rec.get("year")) or \
        parse_iso_date(rec.get("publication_year"))
    for name, missing in (("TI", not title), ("PY", date is None)):
        if missing:
            batch.errors.append(RecordError(str(file), line, rid, name, "missing", "missing"))
    if not title or date is None:
        return
    doi = clean_doi(rec.get("doi"))
    names = [first_text(x) for x in [*(rec.get("first_authors") or []),
                                     *(rec.get("authors") or [])] if isinstance(x, str)]
    authors = author_list(split_ris_authors(list(dict.fromkeys(names))))
    # an entry without ID or DO is known by its title and year (stable across re-exports)
    digest = hashlib.sha256(f"{normalise_name(title)}|{date.year}".encode()).hexdigest()[:12]
    source_id = rid or doi or f"t-{digest}"
    batch.works.append(Work(
        source="ris", source_id=source_id, file=str(file), where=f"{file.name}:{line}", title=title,
        date=date, type=contribution_type(rec.get("type_of_reference")),
        people=[Person(name=n) for n in dict.fromkeys(authors.people)],
        corporate=authors.corporate, author_count=authors.author_count, line=line,
        text=first_text(rec.get("abstract"), rec.get("notes_abstract")), doi=doi))
