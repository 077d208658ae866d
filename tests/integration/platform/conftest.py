"""Tests of the platform as a whole: what crosses services (scopes, revocation, bounds, limits,
database roles, the audit chain) and the shared plumbing of libs/common on real PostgreSQL and
Kafka (consumer runner, worker process, metrics, log privacy). Each test builds the apps it
needs; there is no single `app` here. The tests that stop or kill infrastructure
(test_outbox_kafka_outage, test_local_infra_recovery) carry markers of their own and never run
against the shared infrastructure."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import MetaData, text

from luutru_common.outbox import outbox_table


@pytest.fixture
async def own_outbox(db) -> AsyncIterator[str]:
    """An outbox (luutru_common.outbox `outbox_table`) in a schema of its own, dropped after
    the test: the schema's name."""
    schema = f"outbox_{uuid.uuid4().hex[:8]}"
    async with db.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await conn.run_sync(lambda sync: outbox_table(MetaData(schema=schema)).create(sync))
    yield schema
    async with db.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
