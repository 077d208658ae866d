"""The consumer runner on real Kafka and PostgreSQL: duplicates count once, a poison message
goes to the dead-letter topic and the consumer goes on."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer
from prometheus_client import REGISTRY
from sqlalchemy import text

from luutru_analytics.models import processed_events
from luutru_analytics.projections.handlers import build_batch_handlers, build_handlers
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.consumer import ConsumerRunner, ensure_topics
from luutru_common.db import make_engine, make_session_factory
from luutru_common.events import GuestCheckedIn, GuestIdentity, Topic, dead_letter_topic
from luutru_common.outbox import envelopes_for
from tests.integration.analytics_helpers import envelope, facility, unique_commune
from tests.integration.analytics_helpers import record as handmade
from tests.integration.kafka_helpers import (
    end_offsets,
    eventually,
    start_group_at_end,
    wait_for_message,
)
from tests.support import KAFKA


def checked_in(facility_id: uuid.UUID) -> GuestCheckedIn:
    now = datetime.now(UTC)
    return GuestCheckedIn(
        stay_id=uuid.uuid4(),
        facility_id=facility_id,
        guest=GuestIdentity(
            full_name="Trần Thị Bình",
            date_of_birth=date(1985, 3, 9),
            gender="female",
            id_number="075185000111",
            nationality="VNM",
            country_of_residence="VNM",
        ),
        check_in_at=now,
        received_at=now,
        due_at=now,
    )


async def test_duplicates_count_once_and_poison_is_dead_lettered(test_database, group_prefix, db):
    group = f"{group_prefix}analytics"
    # A stay topic of the test's own: what other runs publish on the shared Kafka meanwhile
    # neither delays nor mixes with the four messages below.
    topic = f"{group_prefix}{Topic.STAY}"
    await ensure_topics(KAFKA, [topic])
    await start_group_at_end(group, topic)
    engine = make_engine(test_database, pool_size=2)
    runner = ConsumerRunner(
        topics=[topic],
        group_id=group,
        kafka=KAFKA,
        session_factory=make_session_factory(engine),
        processed_events=processed_events,
        handlers=build_handlers(AnalyticsSettings(database_url=test_database)),
    )
    hotel = facility(commune=unique_commune())
    await runner.process([handmade(envelope(hotel))])  # its stays are filed under it
    task = asyncio.create_task(runner.run())
    first, second = checked_in(hotel.facility_id), checked_in(hotel.facility_id)
    env_first, env_second = envelopes_for([first, second], producer="test")
    key = str(hotel.facility_id).encode()  # one key: one partition, so the order below is kept
    producer = AIOKafkaProducer(**KAFKA.client_options())
    await producer.start()
    try:
        await eventually(lambda: _assigned(runner))
        dlq = dead_letter_topic(topic, group)
        dlq_start = await end_offsets(dlq)
        for value in (
            env_first.model_dump_json().encode(),
            env_first.model_dump_json().encode(),  # the same event delivered twice
            b"\x00 not json at all",  # poison
            env_second.model_dump_json().encode(),
        ):
            await producer.send_and_wait(topic, value=value, key=key)

        async def second_projected():
            async with db.connect() as conn:
                return await conn.scalar(
                    text("SELECT count(*) FROM analytics.stay_facts WHERE stay_id = :s"),
                    {"s": second.stay_id},
                )

        await eventually(second_projected)
        async with db.connect() as conn:
            facts = await conn.scalar(
                text("SELECT count(*) FROM analytics.stay_facts WHERE facility_id = :f"),
                {"f": hotel.facility_id},
            )
            seen = await conn.scalar(
                text(
                    "SELECT count(*) FROM analytics.processed_events "
                    "WHERE consumer_group = :g AND event_id = :e"
                ),
                {"g": group, "e": env_first.event_id},
            )
        assert (facts, seen) == (2, 1)
        record, _ = await wait_for_message(
            dlq, dlq_start, lambda r, v: r.value == b"\x00 not json at all", timeout=15
        )
        headers = dict(record.headers)
        assert headers["dlq_reason"] == b"invalid-envelope"
        dead = REGISTRY.get_sample_value(
            "luutru_events_dead_lettered_total",
            {"group": group, "topic": topic, "reason": "invalid-envelope"},
        )
        assert dead == 1
        assert record.key == key
    finally:
        await producer.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await engine.dispose()


async def _assigned(runner: ConsumerRunner) -> bool:
    return runner.running and bool(runner.assignment())


def on_partition(record, partition: int):
    return dataclasses.replace(record, partition=partition)


async def test_a_fetch_over_partitions_is_one_transaction_and_poison_stays_in_its_own(
    test_database, group_prefix, db
):
    """Records of several partitions fetched together are handled in one transaction (a
    duplicate across them counted once); a partition with an undecodable message is handled
    on its own, the message dead-lettered, and the other partitions' records still count."""
    engine = make_engine(test_database, pool_size=2)
    factory = make_session_factory(engine)
    opened = []

    def counting_factory():
        opened.append(1)
        return factory()

    group = f"{group_prefix}analytics"
    runner = ConsumerRunner(
        topics=["test"],
        group_id=group,
        kafka=KAFKA,
        session_factory=counting_factory,
        processed_events=processed_events,
        handlers=build_handlers(AnalyticsSettings(database_url=test_database)),
        batch_handlers=build_batch_handlers(AnalyticsSettings(database_url=test_database)),
    )
    dead = []

    class Dlq:  # stands in for the producer: the Kafka side is the test above's
        async def send_and_wait(self, topic, *, value, key, headers):
            dead.append((topic, value, dict(headers)))

    runner._dlq = Dlq()
    first, second = facility(commune=unique_commune()), facility(commune=unique_commune())
    await runner.process([handmade(envelope(first)), handmade(envelope(second))])
    a1, a2, b1, b2 = (checked_in(f.facility_id) for f in (first, first, second, second))
    env_a1, env_a2, env_b1, env_b2 = envelopes_for([a1, a2, b1, b2], producer="test")
    try:
        opened.clear()
        await runner.process_fetch(
            [
                [handmade(env_a1), handmade(env_a2)],
                # The same event again on another partition (a producer's retry): once.
                [on_partition(handmade(env_b1), 1), on_partition(handmade(env_a1), 1)],
            ]
        )
        assert len(opened) == 1
        poison = on_partition(dataclasses.replace(handmade(env_b2), value=b"\x00 not json"), 2)
        await runner.process_fetch([[handmade(env_b2)], [poison]])
        async with db.connect() as conn:
            facts = await conn.scalar(
                text("SELECT count(*) FROM analytics.stay_facts WHERE stay_id = ANY(:s)"),
                {"s": [a1.stay_id, a2.stay_id, b1.stay_id, b2.stay_id]},
            )
            seen = await conn.scalar(
                text(
                    "SELECT count(*) FROM analytics.processed_events "
                    "WHERE consumer_group = :g AND event_id = :e"
                ),
                {"g": group, "e": env_a1.event_id},
            )
        assert (facts, seen) == (4, 1)
        assert [(t, v, h["dlq_reason"]) for t, v, h in dead] == [
            (dead_letter_topic("test", group), b"\x00 not json", b"invalid-envelope")
        ]
    finally:
        await engine.dispose()
