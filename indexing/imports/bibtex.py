"""BibTeX (Zotero, Mendeley, JabRef exports), parsed with bibtexparser v2: LaTeX accents
decoded, ``author`` split on "and"; a block the parser cannot read is an error at its line."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
from bibtexparser import middlewares

from indexing.errors import RecordError
from indexing.imports.model import (
    ImportOptions,
    Person,
    SourceBatch,
    Work,
    clean_doi,
    first_text,
    input_files,
    make_date,
    read_text,
)
from indexing.imports.types import contribution_type
from indexing.store import Store

MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                      "sep", "oct", "nov", "dec"), start=1)}


def _month(value: str) -> int | None:
    text = value.strip().lower()[:3]
    return MONTHS.get(text) or (int(text) if text.isdigit() and 1 <= int(text) <= 12 else None)


def read(path: Path, options: ImportOptions, store: Store) -> SourceBatch:
    """Works of the BibTeX entries in a .bib file or folder of them."""
    batch = SourceBatch()
    for file in input_files(path, (".bib", ".bibtex")):
        text = read_text(file, batch.errors)
        if text is None:
            continue
        library = bibtexparser.parse_string(text, append_middleware=[
            middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors()])
        for block in library.failed_blocks:
            key = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,", str(block.raw or ""))
            error = getattr(block, "error", None)
            why = str(getattr(error, "abort_reason", "") or error or "").strip()
            batch.errors.append(RecordError(
                str(file), (block.start_line or 0) + 1, key.group(1) if key else None, "entry",
                f"entry cannot be parsed: {why}" if why else "entry cannot be parsed"))
        for entry in library.entries:
            _work(batch, file, entry)
    return batch


def _work(batch: SourceBatch, file: Path, entry: bibtexparser.model.Entry) -> None:
    fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
    line = (entry.start_line or 0) + 1
    title = first_text(fields.get("title"))
    year = str(fields.get("year") or "").strip()
    month = _month(str(fields["month"])) if fields.get("month") else None
    date = make_date(year, month) if re.match(r"^\d{4}", year) else None
    for name, missing in (("title", not title), ("year", date is None)):
        if missing:
            batch.errors.append(RecordError(str(file), line, entry.key, name,
                                            "missing" if name == "title" or not year
                                            else f"'{year}' is not a year"))
    if not title or date is None:
        return
    authors = fields.get("author") or fields.get("editor") or []
    names = authors if isinstance(authors, list) else [str(authors)]
    batch.works.append(Work(
        source="bibtex", source_id=entry.key, where=f"{file.name}:{line} ({entry.key})",
        title=title, date=date, type=contribution_type(entry.entry_type.lower()),
        people=[Person(name=first_text(n)) for n in names if first_text(n)],
        text=first_text(fields.get("abstract")), doi=clean_doi(fields.get("doi")),
        language=_language(fields.get("langid") or fields.get("language"))))


def _language(value: object) -> str | None:
    codes = {"english": "en", "french": "fr", "spanish": "es", "portuguese": "pt",
             "arabic": "ar"}
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    return text if len(text) == 2 and text.isalpha() else codes.get(text)
