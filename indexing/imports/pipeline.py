"""One import: read the source (no store, no lock), then link its people, merge its works and
ingest it as one transaction (or dry-run).

``read_source`` parses a file or folder alone, so the HTTP service parses an upload before it
takes the community's write lock; ``import_batch`` does the rest against the store. The
records go through ``indexing.ingest.ingest_parsed`` (reference and vocabulary checks, root
causes, dry run), first as a plan: by default an import with any bad entry writes nothing at
all, members and organisations included; with ``skip_invalid`` the bad entries are left out,
and so are the members created only for them, and the report lists each of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from indexing.errors import ImportTooLarge, RecordError, ValidationFailed
from indexing.imports.model import ImportOptions, SourceBatch
from indexing.imports.report import ImportReport
from indexing.imports.tabular import table_files
from indexing.imports.works import IMPORTED_ORGANISATION, WorkRecords
from indexing.ingest import IngestReport, ParsedFile, ingest_parsed
from indexing.schema import Contribution, Member
from indexing.store import Store
from indexing.vocabulary import folder_vocabulary

ImportFormat = Literal["csv", "xlsx", "orcid", "openalex", "bibtex", "ris", "discourse"]
FORMATS: tuple[ImportFormat, ...] = ("csv", "xlsx", "orcid", "openalex", "bibtex", "ris",
                                     "discourse")
__all__ = ["FORMATS", "IMPORTED_ORGANISATION", "ImportFormat", "import_batch", "read_source",
           "run_import"]

Reader = Callable[[Path, ImportOptions], SourceBatch]


def _readers() -> dict[str, Reader]:
    from indexing.imports import bibtex, discourse, openalex, orcid, ris, tabular

    return {"csv": tabular.read_csv, "xlsx": tabular.read_xlsx, "orcid": orcid.read,
            "openalex": openalex.read, "bibtex": bibtex.read, "ris": ris.read,
            "discourse": discourse.read}


def read_source(fmt: str, path: Path, options: ImportOptions) -> SourceBatch:
    """Parse a file (or folder) of this format; no store is touched. A file its library cannot
    read is a ValidationFailed naming it; one too large an ImportTooLarge."""
    readers = _readers()
    if fmt not in readers:
        raise ValidationFailed([RecordError(str(path), None, None, "format", f"unknown format "
                                            f"'{fmt}'; one of {', '.join(FORMATS)}", "one_of",
                                            {"allowed": list(FORMATS)})])
    try:
        return readers[fmt](path, options)
    except (ImportTooLarge, ValidationFailed, FileNotFoundError):
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError,
            UnicodeError) as exc:
        # a reader meeting input its library does not understand: the file's fault, named
        raise ValidationFailed([RecordError(str(path), None, None, "file",
                                            f"cannot be read as {fmt}: {exc}", "cannot_read_as",
                                            {"format": fmt})]) from exc


@dataclass(frozen=True)
class Access:
    """What the caller may touch: ``visible`` says whether a space's records exist for them
    (dedup ignores the others); ``check`` may refuse the records to be written."""

    visible: Callable[[str], bool] = lambda space: True
    check: Callable[[list[BaseModel]], None] | None = None


def run_import(store: Store, fmt: str, path: Path, options: ImportOptions,
               access: Access | None = None) -> ImportReport:
    """Read and import one file or folder (the CLI's path; see the module docstring)."""
    return import_batch(store, fmt, path, options, read_source(fmt, path, options), access)


def import_batch(store: Store, fmt: str, path: Path, options: ImportOptions,
                 batch: SourceBatch, access: Access | None = None) -> ImportReport:
    """Match, merge and ingest what ``read_source`` read, as one transaction."""
    access = access or Access()
    if options.member is not None and not store.existing_ids("members", [options.member]):
        raise ValidationFailed([RecordError("options", None, options.member, "member",
                                            f"no member '{options.member}'", "not_found",
                                            {"kind": "member", "value": options.member})])
    vocabulary = options.vocabulary.extended(folder_vocabulary([path]))
    works = WorkRecords(store, fmt, path, options, access.visible)
    contributions, created = works.records(batch.works)
    files = table_files(store, batch.tables, options)
    base = [*files, *contributions, *created]
    if batch.errors:
        base.append(ParsedFile(path=Path(f"{path} (entries)"), kind="contributions",
                               errors=list(batch.errors)))
    if access.check is not None:
        access.check([r for f in base for r in f.records])
    plan = ingest_parsed(store, _fresh(base), options.skip_invalid, vocabulary, dry_run=True)
    refused = bool(plan.errors or plan.root_causes) and not options.skip_invalid
    if refused:
        ingest = plan
    else:
        kept = _without_unused_members(base, plan)
        ingest = plan if options.dry_run and kept is base else ingest_parsed(
            store, _fresh(kept), options.skip_invalid, vocabulary, options.dry_run)
        works.keep_created(_ids(ingest, "members"))
    return ImportReport(format=fmt, paths=[str(path)], ingest=ingest, refused=refused,
                        matches=works.decisions(), skipped=works.skipped,
                        created_members=works.created_ids(), merged=batch.merged + works.merged,
                        notes=list(batch.notes), corporate=works.corporate)


def _fresh(files: list[ParsedFile]) -> list[ParsedFile]:
    """Copies that ingest may annotate (it appends reference errors and dependents)."""
    return [ParsedFile(path=f.path, kind=f.kind, records=list(f.records), lines=list(f.lines),
                       errors=list(f.errors)) for f in files]


def _ids(ingest: IngestReport, kind: str) -> set[str]:
    plan = ingest.plan
    outcomes = plan.outcomes.get(kind, {}) if plan is not None else {}
    return {i for ids in outcomes.values() for i in ids}


def _without_unused_members(files: list[ParsedFile], plan: IngestReport) -> list[ParsedFile]:
    """The files less the members this import created for entries that were left out (and
    its organisation when no created member is left): nobody is created for nothing."""
    accepted = _ids(plan, "contributions")
    authors = {a for f in files for r in f.records if isinstance(r, Contribution)
               and r.id in accepted for a in r.authors}
    out: list[ParsedFile] = []
    changed = False
    for f in files:
        if f.path.name.endswith("(created members)"):
            keep = [(r, n) for r, n in zip(f.records, f.lines, strict=True)
                    if isinstance(r, Member) and r.id in authors]
            changed |= len(keep) != len(f.records)
            if not keep:
                continue
            f = ParsedFile(path=f.path, kind=f.kind, records=[r for r, _ in keep],
                           lines=[n for _, n in keep])
        out.append(f)
    if not any(f.path.name.endswith("(created members)") for f in out):
        before = len(out)
        out = [f for f in out if not f.path.name.endswith("(created organisation)")]
        changed |= len(out) != before
    return out if changed else files
