"""Property-based test of every analytics endpoint from its own OpenAPI document
(schemathesis, in process over ASGI, on the real test database), as police (who may call
everything) and as a department analyst (suppression, 403s): whatever the input, never a 5xx, and every error is application/problem+json.
Bounded to a few examples per operation. The SSE stream is left out (it never ends)."""

from __future__ import annotations

import pytest
import schemathesis

from luutru_analytics.app import create_app
from luutru_analytics.settings import AnalyticsSettings
from tests.integration.conftest import service_instance
from tests.integration.openapi_fuzz import assert_never_a_server_error, operations

_DOCUMENT = create_app(AnalyticsSettings(environment="test")).openapi()
OPERATIONS = [
    (method, path) for method, path, _ in operations(_DOCUMENT, exclude=("/v1/alerts/stream",))
]


@pytest.fixture(scope="module")
def analytics_schema(shared_env, signer):
    app = service_instance("analytics", shared_env, signer)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


ROLES = {
    "police": {"role": "police_admin"},
    "analyst": {"role": "department_analyst", "department": "VHTTDL"},
}


@pytest.mark.parametrize("who", list(ROLES))
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_input_yields_a_server_error(analytics_schema, signer, method, path, who):
    operation = analytics_schema[path][method]
    token = signer.token(ttl=3600, **ROLES[who])
    headers = {"Authorization": f"Bearer {token}"}

    assert_never_a_server_error(operation, headers, max_examples=15)
