from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support import (
    KAFKA_BOOTSTRAP,
    TEST_TAG,
    TestSigner,
    database_url,
    recreate_database,
)

TEST_DB = f"luutru_test{TEST_TAG}"


@pytest.fixture(scope="session")
def test_database(infrastructure) -> str:
    recreate_database(TEST_DB)
    return database_url(TEST_DB)


@pytest.fixture(scope="session")
def signer() -> TestSigner:
    return TestSigner()


@pytest.fixture
def group_prefix() -> str:
    """Consumer groups of one test: their own offsets, their own dead-letter topics."""
    return f"t{uuid.uuid4().hex[:8]}-"


@pytest.fixture
def service_env(test_database, group_prefix) -> dict:
    return {
        "database_url": test_database,
        "kafka_bootstrap": KAFKA_BOOTSTRAP,
        "consumer_group_prefix": group_prefix,
        "environment": "test",
        "outbox_poll_interval_s": 0.2,
        "jwks_url": "http://127.0.0.1:9/unused",
    }


@pytest.fixture
async def db(test_database):
    engine = create_async_engine(test_database)
    yield engine
    await engine.dispose()


async def add_facility_view(
    engine, *, facility_type="hotel", status="active", beds=10, facility_id=None
) -> uuid.UUID:
    """Put a facility straight into ingest's read model, as the facility.v1 consumer would
    (``facility_id``: one registered in accounts)."""
    fid = uuid.UUID(str(facility_id)) if facility_id else uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO ingest.facilities (id, code, name, facility_type, province_code,"
                " commune_code, beds, status, as_of) VALUES (:id, :code, 'Test', :t, 75, 26068,"
                " :beds, :status, :as_of)"
            ),
            {
                "id": fid,
                "code": f"75-T{fid.hex[:6]}",
                "t": facility_type,
                "beds": beds,
                "status": status,
                "as_of": datetime.now(UTC),
            },
        )
    return fid
