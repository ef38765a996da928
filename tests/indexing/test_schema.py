"""Schema validation names the record and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from indexing.ingest import parse_file
from indexing.schema import Contribution, Member

GOOD_MEMBER = {
    "id": "m-1", "name": "Ana", "organisation_id": "org-1", "country": "ke",
    "languages": ["EN"], "level": "active", "bio": "Leak detection.", "topics": ["nrw"],
}
GOOD_CONTRIBUTION = {
    "id": "c-1", "type": "publication", "title": "T", "text": "x", "date": "2024-01-02",
    "authors": ["m-1"],
}


def test_member_normalises_codes() -> None:
    m = Member.model_validate(GOOD_MEMBER)
    assert m.country == "KE"
    assert m.languages == ["en"]
    assert m.open_to_invitations and not m.hidden


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "Kenya"}, "country"),
        ({"level": "lurker"}, "level"),
        ({"languages": ["english"]}, "languages"),
        ({"id": ""}, "id"),
        ({"id": "has space"}, "id"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_member_fields_are_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Member.model_validate({**GOOD_MEMBER, **change})
    locs = [".".join(str(x) for x in e["loc"]) for e in exc.value.errors()]
    assert any(loc.startswith(field) for loc in locs), locs


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"authors": []}, "authors"),
        ({"authors": ["m-1", "m-1"]}, "authors"),
        ({"type": "Tweet post"}, "type"),  # not a term; terms outside the vocabulary: ingest
        ({"date": "yesterday"}, "date"),
        ({"space": "Has Space"}, "space"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_contribution_fields_are_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Contribution.model_validate({**GOOD_CONTRIBUTION, **change})
    assert any(str(e["loc"][0]) == field for e in exc.value.errors())


def test_missing_author_field() -> None:
    data = dict(GOOD_CONTRIBUTION)
    del data["authors"]
    with pytest.raises(ValidationError) as exc:
        Contribution.model_validate(data)
    assert exc.value.errors()[0]["loc"] == ("authors",)


def test_parse_file_reports_every_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "members.jsonl"
    lines = [
        json.dumps(GOOD_MEMBER),
        "{not json",
        json.dumps({**GOOD_MEMBER, "id": "m-2", "country": "QQ"}),
        json.dumps(GOOD_MEMBER),  # duplicate id
        "[1, 2]",
    ]
    path.write_text("\n".join(lines) + "\n")
    parsed = parse_file(path)
    assert len(parsed.records) == 1
    by_line = {e.line: e for e in parsed.errors}
    assert set(by_line) == {2, 3, 4, 5}
    assert by_line[2].field == "line" and "bad JSON" in by_line[2].message
    assert by_line[3].field == "country" and by_line[3].record_id == "m-2"
    assert by_line[4].field == "id" and "duplicate" in by_line[4].message
    assert "members.jsonl:3" in str(by_line[3])


@given(st.text(max_size=40))
def test_country_validator_accepts_only_iso_codes(value: str) -> None:
    from indexing.countries import COUNTRY_CODES

    try:
        m = Member.model_validate({**GOOD_MEMBER, "country": value})
    except ValidationError:
        assert value.strip().upper() not in COUNTRY_CODES
    else:
        assert m.country in COUNTRY_CODES


@pytest.mark.parametrize("value", [0, 1_700_000_000, 1.5, "0", "2024", " 1700000000 "])
def test_a_number_is_not_a_date(value: object) -> None:
    """pydantic reads 0 or "2024" as seconds since 1970 (1970-01-01): a contribution's date
    is written YYYY-MM-DD, and a number is refused naming the field (found by schemathesis)."""
    body = {"id": "c-1", "type": "publication", "date": value, "authors": ["m-1"], "title": "t"}
    with pytest.raises(ValidationError) as refused:
        Contribution.model_validate(body)
    assert refused.value.errors()[0]["loc"] == ("date",)
    assert str(Contribution.model_validate({**body, "date": "2024-03-01"}).date) == "2024-03-01"
