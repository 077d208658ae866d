"""The outbox is the backlog alone (accounts 0006, ingest 0011, analytics 0018): the relay
deletes a row once Kafka acknowledged its event. On real PostgreSQL and Kafka: every waiting
event reaches its topic, in order within its key, and its row is gone; rows the previous
release's relay marked published (it marks instead of deleting, and may hold the lead during
a rolling upgrade) are deleted, not sent again. The upgrade of a live outbox keeps the
waiting events and drops what was already published."""

from __future__ import annotations

import asyncio
import json
import time

import asyncpg
from alembic import command
from sqlalchemy import text

from luutru_common.consumer import ensure_topics
from luutru_common.db import asyncpg_dsn
from luutru_common.migrations import alembic_config
from luutru_common.outbox import OutboxRelay
from luutru_common.settings import owner_role
from tests.integration.kafka_helpers import end_offsets, messages_with_keys
from tests.integration.platform.test_migration_catalogue import _migrations
from tests.support import KAFKA, TEST_TAG, database_url, recreate_database


async def test_the_relay_deletes_what_kafka_holds_and_never_resends_marked_rows(
    test_database, db, own_outbox
):
    schema = own_outbox
    keys = {f"{schema}-{k}" for k in "abc"}
    # A topic of its own: these are no stay events for the consumers of stay.v1 under test.
    topic = f"test.{schema}"
    await ensure_topics(KAFKA, [topic], partitions=3)
    async with db.begin() as setup:
        # 30 events waiting, 10 a key; 5 more the old release's relay published and marked.
        await setup.execute(
            text(
                f"INSERT INTO {schema}.outbox (event_id, topic, key, event_type, payload, "
                "published_at) SELECT gen_random_uuid(), :topic, :prefix || '-' || "
                "(ARRAY['a', 'b', 'c'])[g % 3 + 1], 'X', json_build_object('n', g)::text, "
                "CASE WHEN g < 5 THEN now() END FROM generate_series(0, 34) AS g"
            ),
            {"topic": topic, "prefix": schema},
        )
    since = await end_offsets(topic)
    relay = OutboxRelay(
        dsn=asyncpg_dsn(test_database),
        schema=schema,
        kafka=KAFKA,
        service=f"relay-{schema}",
        batch_size=7,  # several rounds
        poll_interval=0.2,
    )
    running = asyncio.create_task(relay.run())
    conn = await asyncpg.connect(relay.dsn)
    try:
        sent = await messages_with_keys(since, keys, expected=30)
        deadline = time.monotonic() + 20
        while await conn.fetchval(f"SELECT count(*) FROM {schema}.outbox"):
            assert time.monotonic() < deadline, "the relay left rows behind"
            await asyncio.sleep(0.1)
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await conn.close()
    numbers = sorted(value["n"] for _, value in sent)
    assert numbers == list(range(5, 35))  # each waiting event once; none of the marked ones
    for key in keys:  # in the order they were written, within each key's partition
        in_order = [value["n"] for k, value in sent if k == key]
        assert in_order == sorted(in_order) and len(in_order) == 10


def test_the_upgrade_keeps_the_waiting_events_and_drops_the_published(infrastructure):
    database = f"luutru_outbox_delete{TEST_TAG}"
    recreate_database(database)
    before = {"accounts": "0005", "ingest": "0010", "analytics": "0017"}

    async def outbox(dsn: str, service: str, *, add: bool) -> list:
        conn = await asyncpg.connect(dsn)
        try:
            if add:
                await conn.execute(
                    f"INSERT INTO {service}.outbox (event_id, topic, key, event_type, payload,"
                    " published_at) SELECT gen_random_uuid(), 'stay.v1', 'k', 'X',"
                    " json_build_object('n', g)::text, CASE WHEN g % 2 = 0 THEN now() END"
                    " FROM generate_series(1, 6) AS g"
                )
            rows = await conn.fetch(f"SELECT payload FROM {service}.outbox ORDER BY id")
            return [json.loads(r["payload"])["n"] for r in rows]
        finally:
            await conn.close()

    for service, revision in before.items():
        owner = database_url(database, owner_role(service))
        config = alembic_config(_migrations(service), owner)
        command.downgrade(config, revision)
        asyncio.run(outbox(asyncpg_dsn(owner), service, add=True))
        command.upgrade(config, "head")
        assert asyncio.run(outbox(asyncpg_dsn(owner), service, add=False)) == [1, 3, 5], service
