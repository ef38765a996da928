"""One request object per answer, built by one constructor from what any face parsed.

The HTTP routes and the CLI commands parse their input into a form (``ExpertsForm``,
``ProjectRequest``), say who asks (``Asker``: what they may see, whether they hold a key), and
build the request with the one constructor below; the service (``matcher.feedback.Feedback``)
answers it. So the command line and the page give the same members in the same order for the
same question and caller (issue #35): the only difference between the faces is who asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indexing.schema import Level
from indexing.settings import Settings
from indexing.store.keys import ApiKey
from matcher.errors import InvalidRequest, KeyRequired, one_of, top_out_of_range
from matcher.filters import Access, SearchFilters
from matcher.needs import ProjectRequest

LEVELS = tuple(level.value for level in Level)


@dataclass(frozen=True)
class Asker:
    """Who asks: what they may see, and the key they hold (None for the public)."""

    access: Access
    key_id: str | None = None

    @property
    def keyed(self) -> bool:
        return self.key_id is not None

    @classmethod
    def public(cls) -> Asker:
        return cls(Access.public())

    @classmethod
    def of_key(cls, key: ApiKey | None) -> Asker:
        """The holder of ``key`` (None: the public): an admin sees every space, other roles
        their spaces; any key but a member's sees contact details."""
        if key is None:
            return cls.public()
        if key.role == "admin":
            return cls(Access(see_contacts=True, all_spaces=True), key.key_id)
        if key.role == "member":  # the public's view and the member's own (issue #28); asks
            return cls(Access(member_id=key.member_id))  # as the public: no project, unrecorded
        return cls(Access(spaces=frozenset(key.spaces), see_contacts=True), key.key_id)


@dataclass(frozen=True)
class Tracking:
    """What an answer is tracked as: the caller's project (its declined members are left out),
    whether it is shown to a person (exposure), and whether it is stored as a suggestion at all
    (``recorded``: keyed callers, or every caller with ``record_public_suggestions``)."""

    project_id: str | None = None
    shown: bool = False
    recorded: bool = True

    @classmethod
    def of(cls, asker: Asker, settings: Settings, project_id: str | None = None,
           shown: bool = False) -> Tracking:
        """How this asker's answer is tracked (docs/SECURITY.md): ``project_id`` needs a key
        (a project's outcomes, such as who declined it, are its coordinators'), and a keyless
        answer is stored, and its show counted, only with ``record_public_suggestions``."""
        if project_id is not None and not asker.keyed:
            raise KeyRequired("project_id", "needs an API key: a project's outcomes are seen "
                                            "by keyed callers only")
        recorded = asker.keyed or settings.feedback.record_public_suggestions
        return cls(project_id, shown and recorded, recorded)


TRACKED = Tracking()  # no project, not shown, stored (evaluations, benchmarks)


@dataclass(frozen=True)
class ExpertsForm:
    """Who knows X as a face parsed it (HTTP query parameters, CLI options)."""

    q: str
    top: int = 10
    country: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    since: dt.date | None = None
    places: str = "boost"  # boost | off
    project_id: str | None = None
    shown: bool = False
    exposure: str = "off"  # off | cap


@dataclass(frozen=True)
class ExpertsRequest:
    """Who knows X, ready to answer: the need, filters, who asks and how it is tracked."""

    need: str
    filters: SearchFilters
    asker: Asker
    tracking: Tracking = TRACKED
    top: int = 10
    places: bool = True
    exposure: bool = False

    @property
    def access(self) -> Access:
        return self.asker.access

    @classmethod
    def of(cls, form: ExpertsForm, asker: Asker, settings: Settings) -> ExpertsRequest:
        """The one constructor: codes normalised (countries upper, languages lower), fields
        checked against the settings the core reads (InvalidRequest names it); the need and
        the countries are checked where every ranking checks them (``Matcher.find_experts``)."""
        if not 1 <= form.top <= settings.matching.max_top:
            raise top_out_of_range(settings.matching.max_top)
        countries = tuple(c.strip().upper() for c in form.country)  # checked by the matcher
        for level in form.level:
            if level not in LEVELS:
                raise InvalidRequest("level", f"'{level}' is not one of {', '.join(LEVELS)}",
                                     "one_of", {"allowed": list(LEVELS)})
        _choice("places", form.places, ("boost", "off"))
        _choice("exposure", form.exposure, ("off", "cap"))
        filters = SearchFilters(
            countries=countries, organisations=tuple(form.organisation),
            levels=tuple(form.level), types=tuple(form.type),
            languages=tuple(x.strip().lower() for x in form.language), since=form.since)
        return cls(form.q, filters, asker, Tracking.of(asker, settings, form.project_id,
                                                       form.shown),
                   form.top, form.places == "boost", form.exposure == "cap")


@dataclass(frozen=True)
class TeamRequest:
    """A team for a project, ready to answer."""

    project: ProjectRequest
    asker: Asker
    tracking: Tracking = TRACKED

    @classmethod
    def of(cls, project: ProjectRequest, asker: Asker, settings: Settings,
           project_id: str | None = None, shown: bool = False) -> TeamRequest:
        return cls(project, asker, Tracking.of(asker, settings, project_id, shown))


@dataclass(frozen=True)
class InvitationsRequest:
    """Occasional experts to invite for a project, ready to answer."""

    project: ProjectRequest
    asker: Asker
    tracking: Tracking = TRACKED
    top: int = 10

    @classmethod
    def of(cls, project: ProjectRequest, asker: Asker, settings: Settings, top: int = 10,
           project_id: str | None = None, shown: bool = False) -> InvitationsRequest:
        if not 1 <= top <= settings.matching.max_top:
            raise top_out_of_range(settings.matching.max_top)
        return cls(project, asker, Tracking.of(asker, settings, project_id, shown), top)


@dataclass(frozen=True)
class SimilarRequest:
    """Members who work on the same things as ``member_id``."""

    member_id: str
    asker: Asker
    top: int = 10


def _choice(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise one_of(field, allowed)
