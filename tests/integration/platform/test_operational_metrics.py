"""Metrics that tell the truth, on real PostgreSQL and Kafka: the outbox backlog is every
unpublished row (not one fetch) with the age of the oldest; consumer lag is per partition."""

from __future__ import annotations

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import REGISTRY
from sqlalchemy import text

from luutru_common.consumer import ConsumerRunner
from luutru_common.db import asyncpg_dsn
from luutru_common.events import Topic
from luutru_common.outbox import OutboxRelay
from tests.support import KAFKA


async def test_outbox_backlog_counts_every_row_and_the_oldest_age(test_database, db, own_outbox):
    schema = own_outbox
    async with db.begin() as conn:
        # More rows than one relay fetch (1,000), the oldest 90 s old, one already published
        # by the previous release's relay (marked, not deleted: not waiting).
        await conn.execute(
            text(
                f"INSERT INTO {schema}.outbox (event_id, topic, key, event_type, payload, "
                "created_at, published_at) SELECT gen_random_uuid(), 'stay.v1', 'k', 'X', "
                "'{}'::jsonb, now() - make_interval(secs => 90 - g * 0.01), "
                "CASE WHEN g = 0 THEN now() END FROM generate_series(0, 1500) AS g"
            )
        )
    relay = OutboxRelay(
        dsn=asyncpg_dsn(test_database),
        schema=schema,
        kafka=KAFKA,
        service=f"metrics-{schema}",
        batch_size=1000,
    )
    conn = await asyncpg.connect(relay.dsn)
    try:
        count, age = await relay.report_backlog(conn)
        assert count == 1500
        assert 89 < age < 100
        labels = {"service": relay.service}
        assert REGISTRY.get_sample_value("luutru_outbox_backlog", labels) == 1500
        oldest = REGISTRY.get_sample_value("luutru_outbox_oldest_unpublished_seconds", labels)
        assert 89 < oldest < 100
        await conn.execute(f"DELETE FROM {schema}.outbox WHERE published_at IS NULL")
        assert await relay.report_backlog(conn) == (0, 0)
    finally:
        await conn.close()


async def test_consumer_lag_is_reported_per_partition(group_prefix):
    topic = Topic.ALERT
    tp = TopicPartition(topic, 0)
    producer = AIOKafkaProducer(**KAFKA.client_options())
    await producer.start()
    try:
        first = await producer.send_and_wait(topic, b"one", partition=0)
        for _ in range(4):
            await producer.send_and_wait(topic, b"more", partition=0)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(**KAFKA.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([tp])
        consumer.seek(tp, first.offset)
        await consumer.getmany(tp, timeout_ms=5000, max_records=1)  # read one of the five
        runner = ConsumerRunner(
            topics=[topic],
            group_id=f"{group_prefix}lag",
            kafka=KAFKA,
            session_factory=None,
            processed_events=None,
            handlers={},
        )
        lags = await runner.report_lag(consumer)
        assert lags[tp] >= 4  # at least the four after it (others may have written since)
        sample = REGISTRY.get_sample_value(
            "luutru_consumer_lag",
            {"group": f"{group_prefix}lag", "topic": topic, "partition": "0"},
        )
        assert sample == lags[tp]
    finally:
        await consumer.stop()
