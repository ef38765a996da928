"""#26: answers that do not depend on what the caller may not see, and bad input refused with
the field named (items 5 and 7), through TestClient with real keys."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

BRIEF = {"title": "NRW", "needs": ["acoustic leak detection"]}


def test_a_hidden_member_is_as_unknown_as_an_unknown_one(api: Api) -> None:
    answers = []
    for mid in ("m-0012", "m-9999"):  # hidden, unknown
        r = api.client.post("/projects/match", json={**BRIEF, "exclude_members": [mid]})
        answers.append((r.status_code, r.json()["field"], r.json()["detail"].replace(mid, "?")))
    assert answers[0] == answers[1] and answers[0][0] == 422


@pytest.mark.parametrize("params,field", [
    ({"q": "leak", "country": "ZZ"}, "country"),
    ({"q": "\x00" * 12}, "q"),
    ({"q": "leak\x1bdetection"}, "q"),
    ({"q": "!!! ???"}, "q"),
])
def test_bad_needs_and_countries_are_refused_naming_the_field(api: Api, params: dict[str, str],
                                                               field: str) -> None:
    r = api.client.get("/experts", params=params)
    assert r.status_code == 422 and r.json()["field"] == field, r.text


@pytest.mark.parametrize("body,field", [
    ({**BRIEF, "title": "NRW\x00"}, "title"),
    ({"title": "NRW", "description": "water\x00 supply"}, "description"),
    ({"title": "NRW", "needs": ["\x07\x07"]}, "needs"),
    ({**BRIEF, "exclude_countries": ["ZZ"]}, "exclude_countries"),
])
def test_bad_briefs_are_refused_naming_the_field(api: Api, body: dict[str, object],
                                                 field: str) -> None:
    r = api.client.post("/projects/match", json=body)
    assert r.status_code == 422 and r.json()["field"] == field, r.text

