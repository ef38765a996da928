"""One spreadsheet row (field -> text) to a member or organisation record, naming the column
of whatever is wrong with it."""

from __future__ import annotations

import re

import pycountry
from pydantic import BaseModel, ValidationError

from indexing.countries import country_code, normalise_name
from indexing.errors import RecordError
from indexing.imports.dedup import slug
from indexing.imports.model import clean_orcid
from indexing.ingest import ParsedFile, validation_errors
from indexing.schema import Member, Organisation
from indexing.store import Store

MEMBER_FIELDS = ("id", "name", "organisation_id", "country", "languages", "level", "bio",
                 "topics", "open_to_invitations", "hidden", "contact", "orcid", "sign_in_email")
ORGANISATION_FIELDS = ("id", "name", "kind", "country")
LEVEL_NAMES: dict[str, tuple[str, ...]] = {
    "core": ("core", "coeur", "noyau", "nucleo", "central", "اساسي", "أساسي"),
    "active": ("active", "actif", "activo", "ativo", "نشط"),
    "occasional": ("occasional", "occasionnel", "ocasional", "عرضي"),
    "peripheral": ("peripheral", "peripherique", "periferico", "محيطي"),
    "transactional": ("transactional", "transactionnel", "transaccional", "transacional",
                      "معاملاتي"),
}
TRUE = {"yes", "y", "true", "1", "oui", "si", "sim", "نعم", "x"}
FALSE = {"no", "n", "false", "0", "non", "nao", "لا", ""}


def level_name(value: str) -> str:
    """A level from its name in one of the five languages ("Active member" -> active)."""
    words = normalise_name(value).split()
    for level, names in LEVEL_NAMES.items():
        if any(normalise_name(n) in words for n in names):
            return level
    return value  # the schema names it as invalid


def _bool(value: str) -> bool | str:
    key = normalise_name(value)
    return True if key in TRUE else False if key in FALSE else value


def _languages(value: str) -> list[str]:
    out = []
    for part in re.split(r"[,;/|]+|\s+", value.strip()):
        if not part:
            continue
        if len(part) == 2:
            out.append(part.lower())
            continue
        try:
            found = pycountry.languages.lookup(part)
        except LookupError:
            out.append(part)  # the schema names it as invalid
            continue
        out.append(getattr(found, "alpha_2", part))
    return out


class RowConverter:
    """Rows to records; organisations seen earlier (store or batch) can be named by name."""

    def __init__(self, store: Store) -> None:
        self.org_ids: set[str] = set()
        self.org_by_name: dict[str, str] = {}
        self._seen: dict[str, dict[str, int]] = {}  # file -> record id -> line
        for org in store.organisations():
            self._know(org.id, org.name)

    def _know(self, org_id: str, name: str) -> None:
        self.org_ids.add(org_id)
        self.org_by_name.setdefault(normalise_name(name), org_id)

    def add(self, parsed: ParsedFile, line: int, values: dict[str, str],
            columns: dict[str, str]) -> None:
        source = str(parsed.path)
        errors: list[RecordError] = []
        data = self._organisation(values) if parsed.kind == "organisations" else \
            self._member(values, errors, source, line, columns)
        rid = str(data["id"]) if isinstance(data.get("id"), str) else None
        model: type[BaseModel] = Organisation if parsed.kind == "organisations" else Member
        record = None
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            for e in validation_errors(exc, source, line, rid):
                column = columns.get(e.field.split(".")[0])
                message, code = e.message, e.code
                if e.field == "country" and values.get("country"):
                    message, code = (f"'{values['country']}' is not a country name or code "
                                     "(ISO 3166-1, or a name in English, French, Spanish, "
                                     "Portuguese or Arabic)"), "not_country_name"
                params: dict[str, object] = ({"value": values["country"]} if code != e.code
                                             else e.params)
                errors.append(RecordError(e.source, e.line, e.record_id, e.field,
                                          f"{message} (column '{column}')" if column else
                                          message, code,
                                          params | ({"column": column} if column else {})))
        seen = self._seen.setdefault(source, {})
        if record is not None and rid in seen:
            errors.append(RecordError(source, line, rid, "id",
                                      f"duplicate id (first seen on line {seen[rid]})"))
        if errors:
            parsed.errors.extend(errors)
            return
        assert record is not None
        parsed.records.append(record)
        parsed.lines.append(line)
        seen[str(rid)] = line
        if isinstance(record, Organisation):
            self._know(record.id, record.name)

    def _organisation(self, v: dict[str, str]) -> dict[str, object]:
        data: dict[str, object] = {k: v[k] for k in ORGANISATION_FIELDS if k in v}
        name = v.get("name", "")
        data.setdefault("id", f"org-{slug(normalise_name(name).replace(' ', '-'), 60)}"
                        if name else "")
        if "kind" in v:
            data["kind"] = normalise_name(v["kind"]).replace(" ", "_")
        if "country" in v:
            data["country"] = country_code(v["country"]) or v["country"]
        return data

    def _member(self, v: dict[str, str], errors: list[RecordError], source: str, line: int,
                columns: dict[str, str]) -> dict[str, object]:
        data: dict[str, object] = {k: v[k] for k in MEMBER_FIELDS if k in v}
        orcid = clean_orcid(v.get("orcid"))
        if "orcid" in v:
            data["orcid"] = orcid or v["orcid"]
        name = v.get("name", "")
        if "id" not in v:
            data["id"] = f"m-orcid-{orcid}" if orcid else \
                f"m-{slug(normalise_name(name).replace(' ', '-'), 60)}" if name else ""
        if "country" in v:
            data["country"] = country_code(v["country"]) or v["country"]
        if "level" in v:
            data["level"] = level_name(v["level"])
        if "languages" in v:
            data["languages"] = _languages(v["languages"])
        if "topics" in v:
            data["topics"] = [t.strip() for t in re.split(r"[;,]", v["topics"]) if t.strip()]
        for flag in ("open_to_invitations", "hidden"):
            if flag in v:
                data[flag] = _bool(v[flag])
        org = v.get("organisation_id") or v.get("organisation")
        if org:
            data["organisation_id"] = self._organisation_id(org, errors, source, line, columns,
                                                           str(data.get("id") or ""))
        return data

    def _organisation_id(self, value: str, errors: list[RecordError], source: str, line: int,
                         columns: dict[str, str], rid: str) -> str:
        if value in self.org_ids or re.fullmatch(r"org[-_][A-Za-z0-9_.:\-]+", value):
            return value  # an id (an unknown one is reported by the reference check)
        found = self.org_by_name.get(normalise_name(value))
        if found is None:
            column = columns.get("organisation") or columns.get("organisation_id")
            errors.append(RecordError(source, line, rid or None, "organisation_id",
                                      f"no organisation named '{value}' (column '{column}'); "
                                      "give its id, or import the organisations list first"))
            return "org-unknown"
        return found
