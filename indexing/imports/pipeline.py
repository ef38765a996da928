"""One import: read the source, link its people, merge its works, then ingest (or dry-run).

The records go through ``indexing.ingest.ingest_parsed``: the same reference and vocabulary
checks, all-or-nothing per file, root causes and dry run as ``wellspring ingest``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from indexing.errors import RecordError, ValidationFailed
from indexing.imports.dedup import Deduplicator, slug
from indexing.imports.matching import MemberMatcher, PersonMatch
from indexing.imports.model import ImportOptions, Person, SourceBatch, Work
from indexing.imports.names import name_tokens
from indexing.imports.report import ImportReport, Skipped
from indexing.ingest import ParsedFile, ingest_parsed, validation_errors
from indexing.schema import Contribution, Level, Member, Organisation
from indexing.store import Store
from indexing.vocabulary import folder_vocabulary

ImportFormat = Literal["csv", "xlsx", "orcid", "openalex", "bibtex", "ris", "discourse"]
FORMATS: tuple[ImportFormat, ...] = ("csv", "xlsx", "orcid", "openalex", "bibtex", "ris",
                                     "discourse")
IMPORTED_ORGANISATION = Organisation(id="org-imported", name="Imported, to review",
                                     kind="other")


Reader = Callable[[Path, ImportOptions, Store], SourceBatch]


def _readers() -> dict[str, Reader]:
    from indexing.imports import bibtex, discourse, openalex, orcid, ris, tabular

    return {"csv": tabular.read_csv, "xlsx": tabular.read_xlsx, "orcid": orcid.read,
            "openalex": openalex.read, "bibtex": bibtex.read, "ris": ris.read,
            "discourse": discourse.read}


def run_import(store: Store, fmt: str, path: Path, options: ImportOptions,
               check_records: Callable[[list[BaseModel]], None] | None = None) -> ImportReport:
    """Import one file (or folder of files) of this format; see the module docstring.

    ``check_records`` sees every record before anything is written and may refuse by raising
    (the HTTP service checks that an editor holds the spaces of the contributions)."""
    readers = _readers()
    if fmt not in readers:
        raise ValidationFailed([RecordError(str(path), None, None, "format", f"unknown format "
                                            f"'{fmt}'; one of {', '.join(FORMATS)}")])
    try:
        batch = readers[fmt](path, options, store)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        # a reader meeting input its library does not understand: the file's fault, named
        raise ValidationFailed([RecordError(str(path), None, None, "file",
                                            f"cannot be read as {fmt}: {exc}")]) from exc
    vocabulary = options.vocabulary.extended(folder_vocabulary([path]))
    works = _Works(store, fmt, path, options)
    files = list(batch.files)
    if batch.works or not batch.files:
        files += works.to_files(batch)
    if check_records is not None:
        check_records([r for f in files for r in f.records])
    ingest = ingest_parsed(store, files, options.skip_invalid, vocabulary, options.dry_run)
    return ImportReport(format=fmt, paths=[str(path)], ingest=ingest,
                        matches=list(works.decisions.values()), skipped=works.skipped,
                        created_members=[m.id for m in works.created.values()],
                        merged=works.merged)


class _Works:
    """Matching and merging of a batch's works into contribution records."""

    def __init__(self, store: Store, fmt: str, path: Path, options: ImportOptions) -> None:
        self.store, self.fmt, self.path, self.options = store, fmt, path, options
        self.matcher = MemberMatcher(store.members(), options.name_threshold, options.usernames)
        self.dedup = Deduplicator(store)
        self.decisions: dict[Person, PersonMatch] = {}
        self.created: dict[str, Member] = {}
        self.skipped: list[Skipped] = []
        self.merged: list[str] = []

    def _match(self, person: Person) -> PersonMatch:
        decision = self.matcher.match(person)
        # only people nobody resembles are created; a near miss may be a member misspelt
        if decision.outcome == "unmatched" and self.options.create_members is not None:
            member = self._create(person)
            if member is not None:
                decision = self.matcher.match(person)
        self.decisions[person] = decision
        return decision

    def _create(self, person: Person) -> Member | None:
        country = person.country or self.options.create_country
        if not country or not (person.name or person.username):
            return None
        name = person.name or person.username or ""
        words = "-".join(name_tokens(name)) or "member"
        base = f"m-orcid-{person.orcid}" if person.orcid else f"m-{slug(words, 60)}"
        mid = base if base not in self.matcher.members else \
            f"{base}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
        member = Member(id=mid, name=name, organisation_id=IMPORTED_ORGANISATION.id,
                        country=country, level=self.options.create_members or Level.peripheral,
                        orcid=person.orcid, imported_from=self.fmt)
        self.created[mid] = member
        self.matcher.add(member)
        if person.username:  # a forum user is then found by their user name
            self.matcher.usernames[person.username.lower()] = mid
        return member

    def to_files(self, batch: SourceBatch) -> list[ParsedFile]:
        order: dict[str, int] = {}
        errors = list(batch.errors)
        for number, work in enumerate(batch.works, start=1):
            self._add(work, number, order, errors)
        records: list[Contribution] = []
        lines: list[int] = []
        for cid, number in order.items():
            try:
                records.append(Contribution.model_validate(
                    self.dedup.by_id[cid].model_dump(), strict=False))
                lines.append(number)
            except ValidationError as exc:
                errors.extend(validation_errors(exc, batch.works[number - 1].where, None, cid))
        files = [ParsedFile(path=self.path, kind="contributions", records=list(records),
                            lines=lines, errors=errors)]
        if self.created:
            known = self.store.existing_ids("organisations", [IMPORTED_ORGANISATION.id])
            if not known:
                files.append(ParsedFile(path=Path(f"{self.path} (created organisation)"),
                                        kind="organisations", records=[IMPORTED_ORGANISATION],
                                        lines=[1]))
            created = list(self.created.values())
            files.append(ParsedFile(path=Path(f"{self.path} (created members)"), kind="members",
                                    records=list(created), lines=list(range(1, len(created) + 1))))
        return files

    def _add(self, work: Work, number: int, order: dict[str, int],
             errors: list[RecordError]) -> None:
        matches = [self._match(p) for p in work.people]
        result = self.dedup.merge(work, matches)
        if not result.contribution.authors:
            self.dedup.forget(result.contribution.id)
            reason = "no author is a member" if work.people else "no author given"
            self.skipped.append(Skipped(work.where, work.title, reason))
            return
        order.setdefault(result.contribution.id, number)
        if result.merged_with_other_source:
            self.merged.append(f"{result.contribution.id} <- {', '.join(result.sources)}")
