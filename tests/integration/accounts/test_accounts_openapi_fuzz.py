"""Property-based test of every accounts endpoint from its own OpenAPI document (schemathesis,
in process over ASGI, on the real test database): whatever the input, the answer is never a
5xx, and every error is application/problem+json. Bounded to a few examples per operation so
it stays part of the normal suite.

Input that breaks the schema (negative) is drawn too for every operation that takes input."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode

from luutru_accounts.app import create_app
from luutru_accounts.settings import AccountsSettings
from tests.integration.conftest import service_instance
from tests.integration.openapi_fuzz import assert_never_a_server_error, operations

# The operations, read from the document without starting the app (no database needed).
_DOCUMENT = create_app(AccountsSettings(environment="test")).openapi()
OPERATIONS = operations(_DOCUMENT)
# Valid-looking input (positive) for every operation; input that breaks the schema (negative)
# for every operation that takes any input.
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode}")
    for method, path, has_input in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if has_input or mode is GenerationMode.POSITIVE
]


@pytest.fixture(scope="module")
def accounts_schema(shared_env, signer):
    # Requests carry a police admin's token from a test key accounts trusts, so generated
    # input reaches the validation and the service code, not only the authentication.
    app = service_instance("accounts", shared_env, signer)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_input_yields_a_server_error(accounts_schema, signer, method, path, mode):
    operation = accounts_schema[path][method]
    headers = {"Authorization": f"Bearer {signer.token(role='police_admin', ttl=3600)}"}

    assert_never_a_server_error(operation, headers, max_examples=10, mode=mode)
