"""An OpenAPI description that tells the truth about what the service does (#35).

FastAPI documents what the route signatures say; the service does more, in one place each, and
this module writes that into the description once the routes are known:

* **errors**: every error body is ``{"detail", "field", "errors"}`` (``api/errors.py``), for every
  4xx and 503 the service can answer on any route (a bad key, too many wrong secrets, a body too
  large, a service not ready), never FastAPI's ``HTTPValidationError``;
* **security**: a key is optional on routes the public may call (the public is who calls
  without one) and required only where a role is;
* **limits from the settings**: the bounds the core checks (``max_top``, ``max_query_chars``,
  ``max_team_size``) are the values this service runs with;
* **the community's vocabulary**: a contribution's ``type`` and an organisation's ``kind`` are
  enums of the terms the community uses now (the description is made again when they change).
  What JSON Schema cannot say (an ORCID iD's check digit, an author or organisation that must
  exist) the fields' descriptions and the 404/422 answers say.

``allowed_methods`` gives a 405's ``Allow`` header every method of the path, not those of the
one route Starlette happened to try first.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field
from starlette.routing import Match
from starlette.types import Scope

from indexing.countries import COUNTRY_CODES
from indexing.schema import NOT_BLANK
from indexing.settings import Settings
from indexing.vocabulary import load_vocabulary

ERROR_STATUSES: dict[str, str] = {
    "400": "A body that is not JSON (or not the form described), or another refused request",
    "401": "An invalid or revoked API key, or a route that needs one called without",
    "403": "The key's role or spaces do not allow this",
    "404": "Unknown id, or a record the caller may not see",
    "409": "The id already exists, or the record is still referenced",
    "413": "A body, query string or file larger than the service's limits",
    "422": "Invalid input; `field` names the culprit, `errors` lists each problem",
    "429": "Too many wrong secrets for one key id from this client (Retry-After)",
    "503": "The service is not ready (starting, or its index or store is unusable)",
}
ROLE_DEPENDENCIES = {"require_reader", "require_editor", "require_admin"}


class ErrorItem(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """Every error the service answers (api/errors.py)."""

    detail: str = Field(description="What is wrong, in words")
    field: str | None = Field(None, description="The field, parameter or header at fault")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Each problem: field and message (records also: record, id, line); "
        "an invalid request also `code` and `params`, what is wrong for a client to say in its "
        "own words (a code of the core's, or of pydantic's validation errors, with their figures)")


def _routes(app: FastAPI) -> list[Any]:
    """The app's routes, those of included routers expanded (FastAPI keeps an included router
    as one entry and hands out its routes as ``effective_candidates``)."""
    out: list[Any] = []
    for route in app.router.routes:
        expand = getattr(route, "effective_candidates", None)
        out.extend(expand() if callable(expand) else [route])
    return out


def _needs_role(route: Any) -> bool:
    dependant = getattr(route, "dependant", None)
    names = {getattr(d.call, "__name__", "") for d in getattr(dependant, "dependencies", ())}
    return bool(names & ROLE_DEPENDENCIES)


def _limit(parameter: dict[str, Any], **bounds: int) -> None:
    schema = parameter.setdefault("schema", {})
    for key, value in bounds.items():
        schema[key] = value


def _settings_limits(schema: dict[str, Any], settings: Settings) -> None:
    for path, item in schema.get("paths", {}).items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter.get("in") != "query":
                continue
            if parameter["name"] == "top":
                _limit(parameter, maximum=settings.matching.max_top)
            if parameter["name"] == "q" and path == "/experts":
                _limit(parameter, maxLength=settings.matching.max_query_chars)
    components = schema.get("components", {}).get("schemas", {})
    for name in ("ProjectIn", "InvitationsIn"):
        properties = components.get(name, {}).get("properties", {})
        if "size" in properties:
            properties["size"]["maximum"] = settings.teams.max_team_size
        if "top" in properties:
            properties["top"]["maximum"] = settings.matching.max_top


COUNTRY_LISTS = (("/experts", "country"),)  # query parameters whose codes are checked
COUNTRY_PROPERTIES = (("ProjectIn", "exclude_countries"), ("InvitationsIn", "exclude_countries"))


def _country_enums(schema: dict[str, Any]) -> None:
    """The country codes the core checks (``check_countries``, either case), as enums."""
    codes = sorted(COUNTRY_CODES) + sorted(c.lower() for c in COUNTRY_CODES)
    for path, name in COUNTRY_LISTS:
        for parameter in schema.get("paths", {}).get(path, {}).get("get", {}).get(
                "parameters", []):
            if parameter.get("name") == name and parameter.get("in") == "query":
                parameter.setdefault("schema", {}).setdefault("items", {})["enum"] = codes
    components = schema.get("components", {}).get("schemas", {})
    for model, field in COUNTRY_PROPERTIES:
        prop = components.get(model, {}).get("properties", {}).get(field)
        if prop is not None:
            prop.setdefault("items", {})["enum"] = codes


def _needs_or_description(schema: dict[str, Any]) -> None:
    """A project names its needs or describes itself (``matcher.needs``): one of the two."""
    components = schema.get("components", {}).get("schemas", {})
    for model in ("ProjectIn", "InvitationsIn", "ProjectCreate"):
        if model in components:
            components[model]["anyOf"] = [
                {"required": ["description"],
                 "properties": {"description": {"minLength": 1, "pattern": NOT_BLANK}}},
                {"required": ["needs"], "properties": {"needs": {"type": "array",
                                                             "minItems": 1}}},
            ]


def _vocabulary_terms(app: FastAPI) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The community's contribution types and organisation kinds, once it is open."""
    community = getattr(getattr(app.state, "wellspring", None), "community", None)
    if community is None:
        return None
    vocabulary = load_vocabulary(community.store)
    return vocabulary.contribution_types, vocabulary.organisation_kinds


def _vocabulary_enums(schema: dict[str, Any], terms: tuple[tuple[str, ...], tuple[str, ...]]
                      ) -> None:
    for item in schema.get("paths", {}).values():  # the `type` filter of /experts
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter.get("name") == "type" and parameter.get("in") == "query":
                items = parameter.get("schema", {}).get("items")
                if isinstance(items, dict):
                    items["enum"] = list(terms[0])
    components = schema.get("components", {}).get("schemas", {})
    for model, field, allowed in (("Contribution", "type", terms[0]),
                                  ("Organisation", "kind", terms[1])):
        for name, component in components.items():
            if name == model or name.startswith(f"{model}-"):
                prop = component.get("properties", {}).get(field)
                if prop is not None:
                    prop["enum"] = list(allowed)


def _plain_optional_files(components: dict[str, Any]) -> None:
    """An optional file of a multipart form is a part that may be absent, not a part holding
    ``null``: its schema is the binary string alone (not required)."""
    for component in components.values():
        for name, prop in component.get("properties", {}).items():
            options = prop.get("anyOf", [])
            files = [o for o in options if o.get("format") == "binary"
                     or o.get("contentMediaType") == "application/octet-stream"]
            if files and all(o in files or o == {"type": "null"} for o in options):
                component["properties"][name] = {
                    **{k: v for k, v in prop.items() if k != "anyOf"}, **files[0]}


def describe(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The service's OpenAPI description (made again only when the community's vocabulary,
    which types and kinds a record may have, changed)."""
    terms = _vocabulary_terms(app)
    cached = getattr(app.state, "openapi_for", None)
    if app.openapi_schema and cached == terms:
        return app.openapi_schema
    app.state.openapi_for = terms
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/"
                                                          "{model}")
    components.update(components["ErrorBody"].pop("$defs", {}))
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    error = {"content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/ErrorBody"}}}}
    keyed = {(route.path, method.lower()) for route in _routes(app) if _needs_role(route)
             for method in getattr(route, "methods", None) or ()}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                current = responses.get(status, {})
                responses[status] = {"description": current.get("description", description),
                                     **error}
            if (path, method) not in keyed and "security" in operation:
                operation["security"] = [{}, *operation["security"]]  # the public may call
    _settings_limits(schema, settings)
    _plain_optional_files(components)
    _country_enums(schema)
    _needs_or_description(schema)
    if terms is not None:
        _vocabulary_enums(schema, terms)
    app.openapi_schema = schema
    return schema


def install(app: FastAPI, settings: Settings) -> None:
    app.openapi = lambda: describe(app, settings)  # type: ignore[method-assign]


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route serves at this request's path (a 405's ``Allow``)."""
    matching = [route for route in _routes(app)
                if route.matches(scope)[0] != Match.NONE]  # FULL, or PARTIAL: another method
    literal = [r for r in matching if getattr(r, "path", None) == scope.get("path")]
    methods: set[str] = set()
    for route in literal or matching:  # /members/batch is its own path, not /members/{id}
        methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
