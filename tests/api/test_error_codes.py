"""Errors a client can say in its own words: every invalid request names its field, what is
wrong in English (``message``), and the same as a ``code`` with its figures (``params``), for the
core's checks and for the request's validation alike; the page's catalogues hold a sentence for
each code the core can give."""

from __future__ import annotations

import json
import re
from pathlib import Path

from api.routes import page
from api.state import NOT_READY
from matcher.errors import CODES
from tests.api.conftest import Api
from tests.code_scan import coded_calls, literal

ROOT = Path(__file__).resolve().parents[2]
CONTEXT_ONLY = ("The ministry and the municipality signed an agreement in March 2021 in Niamey. "
                "The mission will last three months and reports to the director of the "
                "programme. Applications are due on 4 May; the contract follows the donor's "
                "rules.")


def _problem(body: dict[str, object]) -> dict[str, object]:
    errors = body["errors"]
    assert isinstance(errors, list) and len(errors) == 1, body
    problem = errors[0]
    assert isinstance(problem, dict)
    return problem


def test_a_core_check_gives_its_code_and_figures(api: Api) -> None:
    r = api.client.post("/projects/match", json={"title": "t", "description": CONTEXT_ONLY})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"] == "description"
    assert _problem(body) == {
        "field": "description", "code": "no_expertise", "params": {},
        "message": "names no expertise the community's vocabulary knows; list the needs"}

    r = api.client.get("/experts", params={"q": "leaks", "top": 10_000})
    problem = _problem(r.json())
    assert r.status_code == 422 and problem["code"] == "between"
    assert problem["params"] == {"low": 1, "high": api.settings.matching.max_top}
    assert problem["message"] == f"must be between 1 and {api.settings.matching.max_top}"

    r = api.client.post("/projects/match", json={"title": "t", "needs": ["leaks"],
                                                 "exclude_countries": ["XX"]})
    problem = _problem(r.json())
    assert r.status_code == 422 and problem["code"] == "not_country"
    assert problem["params"] == {"value": "XX"} and problem["field"] == "exclude_countries"


def test_a_validation_error_gives_pydantics_code_and_figures(api: Api) -> None:
    r = api.client.get("/experts", params={"q": "leaks", "top": 0})
    assert r.status_code == 422, r.text
    problem = _problem(r.json())
    assert problem["field"] == "top" and problem["code"] == "greater_than_equal"
    assert problem["params"] == {"ge": 1}

    r = api.client.get("/experts", params={"q": "leaks", "places": "never"})
    problem = _problem(r.json())
    assert problem["code"] == "literal_error" and "boost" in str(problem["params"]["expected"])


def test_an_unknown_id_gives_its_code_and_the_id(api: Api) -> None:
    r = api.client.get("/members/m-9999")
    assert r.status_code == 404, r.text
    problem = _problem(r.json())
    assert problem["code"] == "not_found"
    assert problem["params"] == {"kind": "member", "value": "m-9999"}


def test_a_refused_key_or_role_says_why_as_a_code(api: Api) -> None:
    r = api.client.get("/experts", params={"q": "leaks"}, headers={"X-API-Key": "ws_nope"})
    assert r.status_code == 401, r.text
    assert _problem(r.json())["code"] == "key_refused"
    r = api.client.post("/contributions/batch", json={"records": []})
    assert r.status_code == 401, r.text
    problem = _problem(r.json())
    assert problem["code"] == "key_needed" and problem["params"] == {"role": "editor"}
    r = api.client.post("/contributions/batch", json={"records": []}, headers=api.h(api.reader))
    assert r.status_code == 403, r.text
    problem = _problem(r.json())
    assert problem["code"] == "role_needed"
    assert problem["params"] == {"role": "editor", "has": "reader"}
    r = api.client.get("/me", headers=api.h(api.editor))
    assert r.status_code == 403 and _problem(r.json())["code"] == "members_only"


def test_every_raise_names_a_known_code_and_the_page_can_say_each() -> None:
    """A typo in a rarely taken branch would be a 500 (InvalidRequest refuses unknown codes)."""
    seen = 0
    for path, line, code, _ in coded_calls({"InvalidRequest": 2}, ("matcher", "api", "indexing")):
        assert literal(code) in CODES, f"{path}:{line}: {literal(code)!r}"
        seen += 1
    assert seen >= 20
    english = json.loads((Path(page.STATIC_DIR) / "i18n" / "en.json").read_text("utf-8"))
    assert not {f"error.code.{c}" for c in CODES} - set(english)


# the codes of the other errors a page may be answered with (401, 403, 404, 409, 429, an
# imported record's country): set where each error is raised, not checked by a constructor
OTHER_CODES = {"not_found", "key_refused", "key_needed", "role_needed", "space_not_held",
               "members_only", "too_many_attempts", "project_closed", "not_country_name"}


def test_every_code_a_client_may_receive_has_a_sentence() -> None:
    """Each code the source sets (``code="..."`` or ``code = "..."``, the core's CODES and the
    imports' IMPORT_CODES) is one the page can say: a new one without a sentence fails here
    (the catalogue tests then ask it of every language, with the same figures)."""
    from indexing.errors import IMPORT_CODES

    known = set(CODES) | set(IMPORT_CODES) | OTHER_CODES
    literal = re.compile(r"\bcode\s*=\s*\"([a-z_]+)\"")
    seen = set()
    for package in ("matcher", "api", "indexing"):
        for path in (ROOT / package).rglob("*.py"):
            for code in literal.findall(path.read_text(encoding="utf-8")):
                assert code in known, f"{path}: {code!r}"
                seen.add(code)
    assert {"not_found", "too_many_attempts", "project_closed", "role_needed"} <= seen
    for code in OTHER_CODES:  # each is still set somewhere (a stale entry is caught too)
        assert any(f'"{code}"' in p.read_text(encoding="utf-8")
                   for package in ("matcher", "api", "indexing")
                   for p in (ROOT / package).rglob("*.py")), code
    english = json.loads((Path(page.STATIC_DIR) / "i18n" / "en.json").read_text("utf-8"))
    assert not {f"error.code.{c}" for c in known} - set(english)
    # a 503's reason (``not_ready {reason}``) is said by its own sentences
    assert not {f"notReady.{r}" for r in NOT_READY} - set(english)


def test_a_validation_context_is_plain_json() -> None:
    """What pydantic puts in a context becomes JSON the response can always hold (an infinite
    bound or an exception as words, never a value json.dumps refuses)."""
    from indexing.errors import plain_context

    ctx = {"ge": 1, "le": float("inf"), "strict": True, "error": ValueError("no"), "x": 0.5,
           "expected": "'a' or 'b'"}
    assert plain_context(ctx) == {"ge": 1, "le": "inf", "strict": "True", "error": "no",
                                  "x": 0.5, "expected": "'a' or 'b'"}
    json.dumps(plain_context(ctx), allow_nan=False)
