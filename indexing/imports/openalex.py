"""OpenAlex ``/works`` API responses saved as files (``{"meta": ..., "results": [...]}``), or
one work object. Abstracts are rebuilt from ``abstract_inverted_index``; authors come from
``authorships[]`` (``author.display_name``, ``author.orcid``, ``countries``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexing.errors import RecordError
from indexing.imports.model import (
    AUTHORS_KEPT,
    ImportOptions,
    Person,
    SourceBatch,
    Work,
    clean_doi,
    clean_orcid,
    first_text,
    input_files,
    make_date,
    parse_iso_date,
    read_json,
)
from indexing.imports.people import is_corporate
from indexing.imports.types import contribution_type

# the shapes a refusal names, as written in any language
_PAGE = '{"results": [...]}'
_WORK = '{"id": ..., "title": ...}'

def abstract_text(inverted: object) -> str:
    """The abstract from OpenAlex's inverted index (word -> positions)."""
    if not isinstance(inverted, dict):
        return ""
    slots: dict[int, str] = {}
    for word, positions in inverted.items():
        for pos in positions if isinstance(positions, list) else []:
            if isinstance(pos, int):
                slots[pos] = str(word)
    return " ".join(slots[i] for i in sorted(slots))


def _people(work: dict[str, Any]) -> tuple[list[Person], list[str], int]:
    """The first AUTHORS_KEPT people, the organisations among the authors, and the count."""
    people: list[Person] = []
    corporate: list[str] = []
    count = 0
    for a in work.get("authorships") or []:
        if not isinstance(a, dict):
            continue
        author: dict[str, Any] = a["author"] if isinstance(a.get("author"), dict) else {}
        countries = [c for c in a.get("countries") or [] if isinstance(c, str)]
        if not countries:
            countries = [str(i["country_code"]) for i in a.get("institutions") or []
                         if isinstance(i, dict) and isinstance(i.get("country_code"), str)]
        name = first_text(author.get("display_name"), a.get("raw_author_name"))
        if not name:
            continue
        count += 1
        orcid = clean_orcid(author.get("orcid"))
        if orcid is None and is_corporate(name):
            corporate.append(name)
        elif len(people) < AUTHORS_KEPT:
            people.append(Person(name=name, orcid=orcid,
                                 country=countries[0].upper() if countries else None))
    return people, corporate, count


def read(path: Path, options: ImportOptions) -> SourceBatch:
    """Works of the OpenAlex results pages (or single works) in a file or folder."""
    batch = SourceBatch()
    for file in input_files(path, (".json",)):
        data = read_json(file, batch.errors)
        if data is None:
            continue
        results = data.get("results") if isinstance(data, dict) and "results" in data else \
            [data] if isinstance(data, dict) else None
        if not isinstance(results, list):
            batch.errors.append(RecordError(str(file), None, None, "results",
                                            "expected a works page {\"results\": [...]}",
                                            "unexpected_shape", {"expected": _PAGE}))
            continue
        for n, work in enumerate(results):
            _work(batch, file, n, work)
    return batch


def _work(batch: SourceBatch, file: Path, n: int, work: object) -> None:
    entry = f"{file}: results[{n}]"
    if not isinstance(work, dict):
        batch.errors.append(RecordError(entry, None, None, "record", "expected a work object",
                                        "unexpected_shape", {"expected": _WORK}))
        return
    wid = str(work.get("id") or "").rsplit("/", 1)[-1]
    title = first_text(work.get("title"), work.get("display_name"))
    date = parse_iso_date(work.get("publication_date")) or make_date(
        work.get("publication_year"))
    problems = [("id", not wid), ("title", not title), ("publication_date", date is None)]
    for name, missing in problems:
        if missing:
            batch.errors.append(RecordError(entry, None, wid or None, name, "missing", "missing"))
    if not wid or not title or date is None:
        return
    ids: dict[str, Any] = work["ids"] if isinstance(work.get("ids"), dict) else {}
    people, corporate, count = _people(work)
    language = work.get("language")
    batch.works.append(Work(
        source="openalex", source_id=wid, file=str(file),
        where=f"{file.name}: results[{n}] ({wid})",
        title=title, date=date, type=contribution_type(work.get("type")), people=people,
        corporate=corporate, author_count=count if count > len(people) + len(corporate) else None,
        text=first_text(abstract_text(work.get("abstract_inverted_index"))),
        doi=clean_doi(work.get("doi")) or clean_doi(ids.get("doi")),
        language=language if isinstance(language, str) and len(language) == 2 else None))
