"""The community's records: organisations, members and contributions (pydantic v2)."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StringConstraints,
    field_validator,
)

from indexing.countries import COUNTRY_CODES

RecordId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$"
    ),
]
SpaceName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$"
    ),
]
# A term of a vocabulary (contribution type, organisation kind): checked against the store's
# vocabulary when written (indexing/vocabulary.py), so a community can extend the defaults.
VocabularyTerm = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$"
    ),
]
Orcid = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")]
# Records strip white space before checking a length, so a required text must hold a character
# that the stripping keeps. pydantic-core strips Unicode White_Space (Rust's trim(), which keeps
# \x1c-\x1f unlike str.strip()); the pattern spells that set out for JSON Schema (ECMA 262),
# whose \s differs again, so the OpenAPI description says what the validators do.
WHITE_SPACE = ("\\t\\n\\u000b\\f\\r\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a"
               "\\u2028\\u2029\\u202f\\u205f\\u3000")  # a character class's body
NOT_BLANK = f"[^{WHITE_SPACE}]"
NOT_BLANK_TEXT: dict[str, JsonValue] = {"pattern": NOT_BLANK}  # a Field's json_schema_extra
_NOT_BLANK = Field(json_schema_extra=NOT_BLANK_TEXT)
# required texts of at most so many characters, not blank once stripped
Text64 = Annotated[str, StringConstraints(min_length=1, max_length=64), _NOT_BLANK]
Text100 = Annotated[str, StringConstraints(min_length=1, max_length=100), _NOT_BLANK]
Text300 = Annotated[str, StringConstraints(min_length=1, max_length=300), _NOT_BLANK]
Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500), _NOT_BLANK]


def _json_integer(value: object) -> object:
    """A JSON integer (2 and 2.0 alike, as JSON Schema has it), never a string or a boolean."""
    if isinstance(value, (bool, str)):
        raise ValueError("must be an integer")
    return value


Count = Annotated[int, Field(ge=0), BeforeValidator(_json_integer)]  # a count: 0 or more
# what the validators accept, stated in the JSON schema (OpenAPI): ISO 3166-1 alpha-2 codes
CountryCode = Annotated[str, Field(json_schema_extra={"enum": sorted(COUNTRY_CODES)})]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^\s*[A-Za-z]{2}\s*$")]


def _written_date(v: object) -> object:
    """A date is YYYY-MM-DD (or a date object): a number, or a string of digits, is refused
    rather than read as seconds since 1970 (pydantic's lax reading of ``0`` or ``"0"``)."""
    if isinstance(v, int | float) or (isinstance(v, str) and v.strip().lstrip("-").isdigit()):
        raise ValueError("a date is written YYYY-MM-DD")
    return v


WrittenDate = Annotated[dt.date, BeforeValidator(_written_date)]
PUBLIC_SPACE = "public"
_LANG = re.compile(r"^[a-z]{2}$")


class Level(StrEnum):
    """Level of participation in the community, from the core outwards."""

    core = "core"
    active = "active"
    occasional = "occasional"
    peripheral = "peripheral"
    transactional = "transactional"


class OrganisationKind(StrEnum):
    """The default organisation kinds; a community adds its own (indexing/vocabulary.py)."""

    utility = "utility"
    ministry = "ministry"
    university = "university"
    ngo = "ngo"
    consultancy = "consultancy"
    international = "international"
    private_company = "private_company"
    research_institute = "research_institute"
    association = "association"
    funder = "funder"
    other = "other"


class ContributionType(StrEnum):
    """The default contribution types; a community adds its own (indexing/vocabulary.py)."""

    publication = "publication"
    forum_post = "forum_post"
    project_report = "project_report"
    webinar = "webinar"
    dataset = "dataset"
    newsletter_article = "newsletter_article"
    case_study = "case_study"
    presentation = "presentation"
    training_material = "training_material"
    policy_brief = "policy_brief"
    other = "other"


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code


def normalise_orcid(value: str) -> str:
    """An ORCID iD without its https://orcid.org/ prefix, check digit X upper-cased."""
    text = value.strip()
    for prefix in ("https://orcid.org/", "http://orcid.org/", "orcid.org/"):
        text = text.removeprefix(prefix)
    return text.upper()


def _language(value: str) -> str:
    code = value.strip().lower()
    if not _LANG.match(code):
        raise ValueError(f"'{value}' is not an ISO 639-1 language code")
    return code


# an address as identity providers give it (lower-cased on input); not a full RFC 5322 parser
# (no white space as pydantic-core counts it, spelt out: ECMA 262's \s, which JSON Schema's
# patterns use, is another set; see WHITE_SPACE above)
_NO_AT_OR_SPACE = f"[^@{WHITE_SPACE}]"
SignInEmail = Annotated[str, StringConstraints(
    min_length=3, max_length=254,
    pattern=f"^{_NO_AT_OR_SPACE}{{1,64}}@{_NO_AT_OR_SPACE}{{1,190}}$")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Organisation(_Record):
    id: RecordId
    name: Text300
    kind: VocabularyTerm
    country: CountryCode | None = None

    @field_validator("country")
    @classmethod
    def _check_country(cls, v: str | None) -> str | None:
        return None if v is None else _country(v)


class Member(_Record):
    id: RecordId
    name: Text300
    organisation_id: RecordId
    country: CountryCode
    languages: list[LanguageCode] = Field(default_factory=lambda: ["en"], max_length=20)
    level: Level
    bio: Annotated[str, StringConstraints(max_length=5000)] = ""
    topics: list[Text100] = Field(
        default_factory=list, max_length=50
    )
    open_to_invitations: StrictBool = True  # JSON true/false, not 0/1 (imports convert)
    hidden: StrictBool = False
    contact: Annotated[str, StringConstraints(max_length=300)] | None = None
    orcid: Orcid | None = None
    imported_from: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="Set when an import created this member: the source, for review")
    sign_in_email: SignInEmail | None = Field(
        None, description="The e-mail this member signs in with: an identity provider's "
        "verified e-mail that equals it binds the sign-in to this member (issue #28)")

    @field_validator("sign_in_email", mode="before")
    @classmethod
    def _lower_email(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("country")
    @classmethod
    def _check_country(cls, v: str) -> str:
        return _country(v)

    @field_validator("orcid", mode="before")
    @classmethod
    def _check_orcid(cls, v: object) -> object:
        return normalise_orcid(v) if isinstance(v, str) else v

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, v: list[str]) -> list[str]:
        return [_language(x) for x in v]

    def profile_text(self) -> str:
        """The text that stands for the member's own statement of expertise."""
        topics = ", ".join(t.replace("_", " ") for t in self.topics)
        return f"{self.bio}\nTopics: {topics}".strip() if topics else self.bio


class SourceAuthor(_Record):
    """An author as a source gave them, and the member they were matched to (if any)."""

    name: Annotated[str, StringConstraints(max_length=300)] = ""
    orcid: Orcid | None = None
    member_id: RecordId | None = None


class ContributionSource(_Record):
    """Where (part of) a contribution came from: one source's record and its authors."""

    source: Text64
    source_id: Text300
    authors: list[SourceAuthor] = Field(default_factory=list, max_length=500)
    # every author the source lists, when more than ``authors`` (long lists are cut)
    author_count: Count | None = None


class Contribution(_Record):
    id: RecordId
    type: VocabularyTerm
    title: Text500
    text: Annotated[str, StringConstraints(max_length=200_000)] = ""
    date: WrittenDate
    language: LanguageCode | None = None
    authors: list[RecordId] = Field(min_length=1, max_length=50,
                                    json_schema_extra={"uniqueItems": True})
    space: SpaceName = PUBLIC_SPACE
    doi: Annotated[str, StringConstraints(max_length=300)] | None = None
    sources: list[ContributionSource] = Field(default_factory=list, max_length=50)

    @field_validator("language")
    @classmethod
    def _check_language(cls, v: str | None) -> str | None:
        return None if v is None else _language(v)

    @field_validator("authors")
    @classmethod
    def _unique_authors(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("an author is listed twice")
        return v

    def index_text(self) -> str:
        """Title and body as one text: what is embedded and searched."""
        return f"{self.title}\n{self.text}".strip()


class ItemKey(str):
    """The index key of an item: ``m:<member id>`` (a member's profile) or ``c:<contribution
    id>``. Built and taken apart only here; it is a ``str`` so that it is stored, hashed and
    written to JSON as the plain text it has always been."""

    __slots__ = ()
    PROFILE = "m"
    CONTRIBUTION = "c"

    @classmethod
    def member(cls, member_id: str) -> ItemKey:
        return cls(f"{cls.PROFILE}:{member_id}")

    @classmethod
    def contribution(cls, contribution_id: str) -> ItemKey:
        return cls(f"{cls.CONTRIBUTION}:{contribution_id}")

    @classmethod
    def parse(cls, text: str) -> ItemKey:
        """A key read back from a file or another store; ValueError for anything else."""
        kind, sep, record_id = text.partition(":")
        if not sep or not record_id or kind not in (cls.PROFILE, cls.CONTRIBUTION):
            raise ValueError(f"'{text}' is not an item key (m:<member id> or c:<contribution id>)")
        return text if isinstance(text, ItemKey) else cls(text)

    @property
    def is_profile(self) -> bool:
        return self.startswith(f"{self.PROFILE}:")

    @property
    def is_contribution(self) -> bool:
        return self.startswith(f"{self.CONTRIBUTION}:")

    @property
    def record_id(self) -> str:
        """The member id of a profile, the contribution id of a contribution."""
        return self.partition(":")[2]


def member_key(member_id: str) -> ItemKey:
    """The index key of a member's profile."""
    return ItemKey.member(member_id)


def contribution_key(contribution_id: str) -> ItemKey:
    """The index key of a contribution."""
    return ItemKey.contribution(contribution_id)
