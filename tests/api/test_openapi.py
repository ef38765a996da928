"""The OpenAPI description says what the service does (#35): the error body it answers, keys
optional where the public may call, the running limits, the vocabulary, and 405's Allow."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.openapi import ERROR_STATUSES
from tests.api.conftest import Api
from tests.conftest import make_settings


def test_errors_security_and_limits_are_described_as_they_are(tmp_path: Path) -> None:
    schema = create_app(make_settings(tmp_path, matching={"max_top": 40, "max_query_chars": 300},
                                      teams={"max_team_size": 9})).openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ERROR_STATUSES:
                ref = operation["responses"][status]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/ErrorBody"}, (path, method, status)
    experts = schema["paths"]["/experts"]["get"]
    assert experts["security"] == [{}, {"ApiKey": []}]  # the public may call
    limits = {p["name"]: p["schema"] for p in experts["parameters"]}
    assert limits["top"]["maximum"] == 40 and limits["q"]["maxLength"] == 300
    assert schema["paths"]["/members"]["post"]["security"] == [{"ApiKey": []}]  # an editor
    assert schema["paths"]["/admin/keys"]["get"]["security"] == [{"ApiKey": []}]
    assert schema["components"]["schemas"]["ProjectIn"]["properties"]["size"]["maximum"] == 9


def test_the_vocabulary_is_an_enum_once_the_community_is_open(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    types = schema["components"]["schemas"]["Contribution"]["properties"]["type"]["enum"]
    assert "case_study" in types and "publication" in types
    type_filter = next(p for p in schema["paths"]["/experts"]["get"]["parameters"]
                       if p["name"] == "type")
    assert type_filter["schema"]["items"]["enum"] == types
    country = schema["components"]["schemas"]["Member"]["properties"]["country"]
    assert "KE" in country["enum"] and "ZZ" not in country["enum"]


def test_a_405_allows_every_method_of_its_path(tmp_path: Path) -> None:
    client = TestClient(create_app(make_settings(tmp_path)))
    for path, allowed in (("/contributions/c-1", "DELETE, GET, HEAD, PUT"),
                          ("/contributions/batch", "POST"), ("/members", "GET, HEAD, POST")):
        r = client.options(path)
        assert r.status_code == 405 and r.headers["allow"] == allowed, path
        assert r.json() == {"detail": "Method Not Allowed"}
