"""Schemathesis hooks: generated requests obey the cross-field rules JSON Schema cannot state.

The OpenAPI description states each rule in words (docs/GUIDE.md's HTTP reference too); these
hooks make the generator respect them, so that a request the description calls valid is one the
service must accept. Only the fields a rule ties together are touched, and only where both are
present: everything else stays as generated.

* PUT /members/{id}, /organisations/{id}, /contributions/{id}: the body's ``id`` is the path's.
* GET /map and /map/topics/{id}: ``from_year`` is not after ``to_year``.

And one rule of the run itself: it never revokes the key it runs with (``CONTRACT_KEY_ID``),
or every later request would test only the refusal of a revoked key.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

PUT_RECORDS = {"/members/{member_id}": "member_id",
               "/organisations/{organisation_id}": "organisation_id",
               "/contributions/{contribution_id}": "contribution_id"}
YEAR_WINDOWS = ("/map", "/map/topics/{topic_id}")


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    own = os.environ.get("CONTRACT_KEY_ID")
    return not (own and case.method.upper() == "DELETE"
                and case.operation.path == "/admin/keys/{key_id}"
                and (case.path_parameters or {}).get("key_id") == own)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    return obey_cross_field_rules(case)


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Again just before sending: the stateful phase fills ids from earlier answers (links)
    after generation, e.g. a member id from GET /members into a PUT's path but not its body."""
    obey_cross_field_rules(case)


def obey_cross_field_rules(case: Any) -> Any:
    path = case.operation.path
    if case.method.upper() == "PUT" and path in PUT_RECORDS:
        record_id = (case.path_parameters or {}).get(PUT_RECORDS[path])
        if isinstance(case.body, dict) and "id" in case.body and isinstance(record_id, str):
            case.body = {**case.body, "id": record_id}
    if path in YEAR_WINDOWS and isinstance(case.query, dict):
        start, end = _year(case.query.get("from_year")), _year(case.query.get("to_year"))
        if start is not None and end is not None and start > end:
            case.query = {**case.query, "from_year": case.query["to_year"],
                          "to_year": case.query["from_year"]}
    return case

def _year(value: object) -> int | None:
    """A year as generated: an integer, or its digits (the coverage phase sends strings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None
