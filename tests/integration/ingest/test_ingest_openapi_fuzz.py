"""Property-based test of every ingest endpoint from its own OpenAPI document (schemathesis,
in process over ASGI, on the real test database): whatever the input, never a 5xx, and every
error is application/problem+json. Bounded to a few examples per operation.

As for accounts, each operation is a parametrized test drawing cases from
`operation.as_strategy()` (schemathesis' pytest loader does not work with pytest 9)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
import schemathesis

from luutru_ingest.app import create_app
from luutru_ingest.settings import IngestSettings
from tests.integration.conftest import service_instance
from tests.integration.openapi_fuzz import assert_never_a_server_error, operations

_DOCUMENT = create_app(IngestSettings(environment="test")).openapi()
OPERATIONS = [(method, path) for method, path, _ in operations(_DOCUMENT)]


@pytest.fixture(scope="module")
def facilities(test_database) -> dict[str, uuid.UUID]:
    """An active hotel and an active coach operator in ingest's read model."""
    ids = {"hotel": uuid.uuid4(), "coach": uuid.uuid4()}

    async def insert():
        conn = await asyncpg.connect(test_database.replace("+asyncpg", ""))
        for kind, fid in ids.items():
            await conn.execute(
                "INSERT INTO ingest.facilities (id, code, name, facility_type, province_code, "
                "commune_code, beds, status, as_of) VALUES ($1, $2, 'Fuzz', $3, 75, 26068, 50, "
                "'active', $4)",
                fid,
                f"F-{fid.hex[:6]}",
                kind,
                datetime.now(UTC),
            )
        await conn.close()

    asyncio.run(insert())
    return ids


@pytest.fixture(scope="module")
def ingest_schema(shared_env, signer):
    app = service_instance("ingest", shared_env, signer)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_input_yields_a_server_error(ingest_schema, signer, facilities, method, path):
    operation = ingest_schema[path][method]
    kind = "coach" if "trips" in path else "hotel"
    token = signer.token(role="facility_manager", facility_id=facilities[kind], ttl=3600)
    headers = {"Authorization": f"Bearer {token}"}

    assert_never_a_server_error(operation, headers, max_examples=15)
