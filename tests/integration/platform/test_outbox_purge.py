"""The relay's purge on real PostgreSQL: it deletes exactly the rows published more than the
retention ago, walking the primary key range by range (bench/partitions/outbox_purge.sql has
why), across gaps in the ids, and never an unpublished row or one published recently."""

from __future__ import annotations

import uuid

import asyncpg
from sqlalchemy import MetaData, text

from luutru_common import outbox
from luutru_common.db import asyncpg_dsn
from luutru_common.outbox import OutboxRelay, outbox_table
from tests.support import KAFKA


async def test_the_purge_deletes_old_published_rows_only_range_by_range(
    test_database, db, monkeypatch
):
    monkeypatch.setattr(outbox, "PURGE_RANGE", 100)  # many ranges from a few hundred rows
    schema = f"purge_{uuid.uuid4().hex[:8]}"

    async def add(label: str, n: int, created_h: float, published_h: float | None) -> None:
        published = "NULL" if published_h is None else f"now() - interval '{published_h} hours'"
        await conn.execute(
            f"INSERT INTO {schema}.outbox (event_id, topic, key, event_type, payload, created_at,"
            f" published_at) SELECT gen_random_uuid(), 'stay.v1', '{label}', 'X', '{{}}'::jsonb,"
            f" now() - interval '{created_h} hours', {published} FROM generate_series(1, {n})"
        )

    async with db.begin() as setup:
        await setup.execute(text(f"CREATE SCHEMA {schema}"))
        await setup.run_sync(lambda sync: outbox_table(MetaData(schema=schema)).create(sync))
    relay = OutboxRelay(
        dsn=asyncpg_dsn(test_database), schema=schema, kafka=KAFKA, service=f"purge-{schema}"
    )
    conn = await asyncpg.connect(relay.dsn)
    try:
        await add("old", 250, created_h=30, published_h=29.9)
        await add("stuck", 3, created_h=30, published_h=None)  # Kafka away: never deleted
        await add("old", 120, created_h=29, published_h=28.9)
        # A gap of 1,000 ids (a large transaction rolled back): the walk jumps it.
        await conn.execute(
            f"SELECT setval('{schema}.outbox_id_seq', nextval('{schema}.outbox_id_seq') + 1000)"
        )
        await add("old", 130, created_h=28, published_h=27.9)
        await add("late", 40, created_h=27, published_h=2)  # published after an outage
        await add("recent", 300, created_h=3, published_h=2.9)
        await add("waiting", 10, created_h=0.01, published_h=None)
        assert await relay._purge(conn) == 500
        left = dict(await conn.fetch(f"SELECT key, count(*) FROM {schema}.outbox GROUP BY key"))
        assert left == {"stuck": 3, "late": 40, "recent": 300, "waiting": 10}
        assert await relay._purge(conn) == 0  # nothing more: idempotent
        await conn.execute(f"DELETE FROM {schema}.outbox")
        assert await relay._purge(conn) == 0  # an empty outbox
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()
