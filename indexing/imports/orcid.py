"""ORCID public API v3.0 JSON, saved as files: a ``/record`` (with ``activities-summary.works``),
a ``/works`` response (``group[].work-summary[]``), or a bulk ``/works/{put-codes}`` response
(``bulk[].work``). Every work belongs to the profile's holder: the member the caller names
(``--member``), else the member with that ORCID iD (a works response holds no name, so its
holder cannot be created)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexing.errors import RecordError
from indexing.imports.model import (
    ImportOptions,
    Person,
    SourceBatch,
    Work,
    clean_doi,
    clean_orcid,
    first_text,
    input_files,
    make_date,
    read_json,
)
from indexing.imports.types import contribution_type


def _value(node: Any, *keys: str) -> Any:
    """node[k1][k2]...['value'] with ORCID's {"value": ...} wrappers; None when absent."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node.get("value") if isinstance(node, dict) else node


def _holder(data: dict[str, Any]) -> Person | None:
    orcid = clean_orcid(_value(data, "orcid-identifier", "path"))
    path = data.get("path")
    if orcid is None and isinstance(path, str):
        orcid = clean_orcid(path.strip("/").split("/")[0])
    if orcid is None:
        return None
    name = data.get("person", {}).get("name") if isinstance(data.get("person"), dict) else None
    credit = _value(name, "credit-name")
    given, family = _value(name, "given-names"), _value(name, "family-name")
    full = first_text(credit, " ".join(x for x in (given, family) if isinstance(x, str)))
    return Person(name=full, orcid=orcid)


def _summaries(data: dict[str, Any]) -> list[dict[str, Any]]:
    works = data.get("activities-summary", {}).get("works") \
        if isinstance(data.get("activities-summary"), dict) else data
    out: list[dict[str, Any]] = []
    if isinstance(works, dict):
        for group in works.get("group") or []:
            summaries = group.get("work-summary") if isinstance(group, dict) else None
            if summaries:
                out.append(summaries[0])  # ORCID's preferred version comes first
    for item in data.get("bulk") or []:
        if isinstance(item, dict) and isinstance(item.get("work"), dict):
            out.append(item["work"])
    return out


def _doi(summary: dict[str, Any]) -> str | None:
    ext_ids = summary.get("external-ids")
    items = ext_ids.get("external-id") if isinstance(ext_ids, dict) else None
    for ext in items or []:
        if isinstance(ext, dict) and str(ext.get("external-id-type", "")).lower() == "doi":
            return clean_doi(_value(ext, "external-id-normalized") or
                             ext.get("external-id-value"))
    return None


def read(path: Path, options: ImportOptions) -> SourceBatch:
    """Works of the ORCID records or works responses in a file or folder."""
    batch = SourceBatch()
    for file in input_files(path, (".json",)):
        data = read_json(file, batch.errors)
        if data is None:
            continue
        if not isinstance(data, dict):
            batch.errors.append(RecordError(str(file), None, None, "file",
                                            "expected an ORCID record or works object",
                                            "unexpected_shape", {"expected": "/record, /works"}))
            continue
        holder = _holder(data)
        summaries = _summaries(data)
        for summary in summaries:
            if holder is None:  # a works response without its "path": take the work's path
                holder = _holder({"path": summary.get("path", "")})
        if holder is None:
            batch.errors.append(RecordError(str(file), None, None, "orcid-identifier",
                                            "no ORCID iD in the file (orcid-identifier.path or "
                                            "path)", "no_orcid_id"))
            continue
        if options.member:
            holder = Person(name=holder.name, orcid=holder.orcid, member_id=options.member)
        for n, summary in enumerate(summaries, start=1):
            _work(batch, file, n, summary, holder)
    return batch


def _work(batch: SourceBatch, file: Path, n: int, summary: dict[str, Any], holder: Person
          ) -> None:
    put_code = str(summary.get("put-code") or f"entry-{n}")
    where = f"{file.name}: work {n} (put-code {put_code})"
    title = first_text(_value(summary, "title", "title"))
    date = summary.get("publication-date")
    year = _value(date, "year") if isinstance(date, dict) else None
    published = make_date(year, _value(date, "month"), _value(date, "day")) \
        if year else None
    for name, missing in (("title.title", not title), ("publication-date", published is None)):
        if missing:
            batch.errors.append(RecordError(f"{file}: work {n}", None, put_code, name,
                                            "missing", "missing"))
    if not title or published is None:
        return
    batch.works.append(Work(
        source="orcid", source_id=f"{holder.orcid}/{put_code}", file=str(file),
        where=where, title=title,
        date=published, type=contribution_type(summary.get("type")), people=[holder],
        text=first_text(summary.get("short-description")), doi=_doi(summary)))
