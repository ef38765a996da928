"""Property-based run of every operation in the OpenAPI schema: never a server error.

The schema comes from an app built (not started) at import; each generated request is sent
through the test's own running app. Bounded (a few examples per operation) so it stays well
under the suite's budget; every call carries an admin key so that write and admin routes get
past authentication too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from api.app import create_app
from tests.api.conftest import Api
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_dict(create_app(make_settings(Path("unused"))).openapi())


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, api: Api) -> None:
    kwargs: dict[str, Any] = case.as_transport_kwargs(base_url="http://testserver",
                                                      headers=api.h(api.admin))
    request = {k: v for k, v in kwargs.items() if k in ("method", "url", "params", "headers",
                                                         "json", "data", "cookies")}
    if isinstance(request.get("data"), (bytes, str)):
        request["content"] = request.pop("data")
    response = api.client.request(**request)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    assert "Traceback" not in response.text
