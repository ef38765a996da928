"""POST /imports/{format}: upload another tool's export; the same report as `wellspring import`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, UploadFile
from pydantic import BaseModel, Field

from api.auth import EditorDep, KeysDep
from api.deps import CommunityDep, SettingsDep
from api.imports import FileTooLarge, import_files
from api.settings import ServiceSettings
from indexing.imports.options import ImportForm, make_options
from indexing.imports.pipeline import ImportFormat

router = APIRouter(tags=["imports"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No API key, or an invalid one"},
    403: {"description": "Not an editor or admin key, or a space the key does not hold"},
    413: {"description": "A file larger than max_import_bytes (or the body than max_body_bytes)"},
    422: {"description": "A bad option or a bad file (nothing written); `field` names it"},
}


class ImportResponse(BaseModel):
    """What the import wrote (or, with dry_run, would write), matched and skipped."""

    format: str
    dry_run: bool
    state: str = Field(description="written, partial (invalid entries left out: skip_invalid), "
                       "dry_run or refused (nothing written)")
    inserted: int
    updated: int
    unchanged: int
    invalid: int = Field(description="Invalid entries (each listed under errors, by field)")
    records: dict[str, dict[str, list[str]]] = Field(
        description="Ids per record kind: inserted, updated, unchanged")
    errors: list[dict[str, Any]] = Field(description="Bad records: source, line, id, field")
    root_causes: list[dict[str, Any]] = Field(
        description="Rejected records others depend on, with their dependents counted")
    matches: list[dict[str, Any]] = Field(
        description="Each person linked (or close but not linked), with method and score")
    unmatched: dict[str, Any]
    skipped: dict[str, Any] = Field(description="Entries that became no contribution, each "
                                    "with where it is and why")
    created_members: list[str]
    merged: list[str] = Field(description="Entries merged into another record, and why")
    corporate_authors: list[str] = Field(description="Organisations among the authors (not "
                                         "made into people)")
    notes: list[str]
    vocabulary_added: list[str]


def _read(upload: UploadFile, limit: int) -> tuple[str, bytes]:
    content = upload.file.read(limit + 1)
    if len(content) > limit:
        raise FileTooLarge(f"file '{upload.filename}' is larger than {limit} bytes")
    return upload.filename or "upload", content


class ImportFormIn(BaseModel):
    """The multipart form of POST /imports/{format}."""

    file: list[UploadFile] = Field(min_length=1, description="The export; several for a "
                                   "folder (e.g. categories.json and topics)")
    dry_run: bool = False
    skip_invalid: bool = False
    map: list[str] = Field([], description="csv/xlsx: column=field")
    records: str | None = Field(None, max_length=20)
    create_members: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=100)
    users: UploadFile | None = Field(None, description="discourse: user name map")
    name_threshold: float | None = Field(None, ge=50, le=100)
    member: str | None = Field(None, max_length=128, description="orcid: the member whose "
                               "works these are")
    default_space: str | None = Field(None, max_length=64, description="discourse: the space "
                                      "of topics of undescribed categories")

    def options_form(self, users_text: str) -> ImportForm:
        return ImportForm(
            dry_run=self.dry_run, skip_invalid=self.skip_invalid, map_pairs=tuple(self.map),
            records=self.records, create_members=self.create_members, country=self.country,
            users_text=users_text, name_threshold=self.name_threshold, member=self.member,
            default_space=self.default_space)


@router.post("/imports/{format}", response_model=ImportResponse, responses=ERRORS)
def import_upload(
    community: CommunityDep, keys: KeysDep, caller: EditorDep, settings: SettingsDep,
    format: Annotated[ImportFormat, Path(description="csv, xlsx, orcid, openalex, bibtex, "
                                                     "ris or discourse")],
    form: Annotated[ImportFormIn, Form(media_type="multipart/form-data")],
) -> ImportResponse:
    """Import a file in one transaction: all of it, or (with skip_invalid) its good records."""
    limit = ServiceSettings.of(settings).http.max_import_bytes
    uploads = [_read(f, limit) for f in form.file]
    users_text = _read(form.users, limit)[1].decode("utf-8", "replace") if form.users else ""
    options = make_options(settings, form.options_form(users_text))
    report = import_files(community, keys, caller, format, uploads, options)
    return ImportResponse.model_validate(report.to_dict())
