"""The outbox's payload from jsonb to text (accounts 0005, ingest 0009, analytics 0017) on a
live outbox: the events not yet published come through the rewrite whole — the relay would
publish the same envelope — while the published ones (in Kafka already) are dropped first,
so the rewrite under the exclusive lock copies the backlog alone."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
from alembic import command

from luutru_common.db import asyncpg_dsn
from luutru_common.migrations import alembic_config
from luutru_common.settings import owner_role
from tests.integration.platform.test_migration_catalogue import _migrations
from tests.support import TEST_TAG, database_url, recreate_database

REVISIONS = {"accounts": "0004", "ingest": "0008", "analytics": "0016"}


async def _insert(dsn: str, service: str, envelope: dict, published: bool) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            f"INSERT INTO {service}.outbox (event_id, topic, key, event_type, payload,"
            " published_at) VALUES ($1, 'stay.v1', 'k', 'GuestCheckedIn', $2::jsonb,"
            " CASE WHEN $3 THEN now() END)",
            uuid.UUID(envelope["event_id"]),
            json.dumps(envelope),
            published,
        )
    finally:
        await conn.close()


async def _outbox(dsn: str, service: str) -> tuple[str, list]:
    conn = await asyncpg.connect(dsn)
    try:
        kind = await conn.fetchval(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = $1"
            " AND table_name = 'outbox' AND column_name = 'payload'",
            service,
        )
        rows = await conn.fetch(f"SELECT payload, published_at FROM {service}.outbox ORDER BY id")
        return kind, [(json.loads(r["payload"]), r["published_at"]) for r in rows]
    finally:
        await conn.close()


def test_the_unpublished_events_come_through_the_change_of_type(infrastructure):
    database = f"luutru_payload_text{TEST_TAG}"
    recreate_database(database)
    for service, before in REVISIONS.items():
        owner = database_url(database, owner_role(service))
        config = alembic_config(_migrations(service), owner)
        command.downgrade(config, before)
        waiting, sent = ({"event_id": str(uuid.uuid4()), "data": {"name": n}} for n in "AB")
        asyncio.run(_insert(asyncpg_dsn(owner), service, waiting, published=False))
        asyncio.run(_insert(asyncpg_dsn(owner), service, sent, published=True))

        command.upgrade(config, "head")

        kind, rows = asyncio.run(_outbox(asyncpg_dsn(owner), service))
        assert kind == "text"
        assert rows == [(waiting, None)], service
