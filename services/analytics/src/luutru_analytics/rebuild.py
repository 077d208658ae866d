"""`luutru-analytics rebuild`: the projections again from offset zero.

1. truncate the projection tables (and `processed_events`) — never the watchlist, the alerts,
   the access log or the outbox, which are state of their own, not projections;
2. read facility.v1, stay.v1 and trip.v1 from the earliest offset up to the end offsets taken
   at the start, through the same handlers the live consumer uses (watchlist matching off:
   history is not re-alerted);
3. commit those end offsets for the live consumer group, so it goes on from there.

Run it with the analytics workers stopped: while it runs, a live consumer would write into
the tables being rebuilt (the handlers are idempotent, so the result is still right, but the
rebuild would not be a clean replay).
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import text

from luutru_analytics.models import PROJECTION_TABLES, SCHEMA, processed_events
from luutru_analytics.projections.handlers import build_batch_handlers, build_handlers
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.consumer import ConsumerRunner, ensure_topics
from luutru_common.db import make_engine, make_session_factory
from luutru_common.events import Topic, dead_letter_topic
from luutru_common.kafka_access import KafkaAccess

log = structlog.get_logger()

CONSUMER_GROUP = "analytics"
TOPICS = [Topic.FACILITY, Topic.STAY, Topic.TRIP, Topic.ROOM]


def source_topics(settings: AnalyticsSettings) -> list[str]:
    """facility.v1, stay.v1, trip.v1 and room.v1 under the configured prefix (empty in
    production)."""
    return [f"{settings.source_topic_prefix}{t}" for t in TOPICS]


async def rebuild(settings: AnalyticsSettings, *, batch: int = 2000) -> int:
    """Returns the number of records replayed."""
    engine = make_engine(settings.database_url, pool_size=2)
    factory = make_session_factory(engine)
    group = settings.group_id(CONSUMER_GROUP)
    topics = source_topics(settings)
    runner = ConsumerRunner(
        topics=topics,
        group_id=group,
        kafka=settings.kafka(),
        session_factory=factory,
        processed_events=processed_events,
        handlers=build_handlers(settings, matching=False),
        batch_handlers=build_batch_handlers(settings, matching=False),
    )
    kafka = settings.kafka()
    reader = AIOKafkaConsumer(**kafka.client_options(), enable_auto_commit=False)
    dlq = AIOKafkaProducer(**kafka.client_options(), enable_idempotence=True, acks="all")
    replayed = 0
    try:
        async with engine.begin() as conn:
            tables = ", ".join(f"{SCHEMA}.{t}" for t in PROJECTION_TABLES)
            await conn.execute(text(f"TRUNCATE {tables}"))
        await ensure_topics(
            kafka,
            [dead_letter_topic(t, group) for t in topics],
            replication_factor=settings.kafka_replication_factor,
        )
        await reader.start()
        await dlq.start()
        runner._dlq = dlq  # poison messages still go to the group's dead-letter topic
        partitions = []
        for topic in topics:
            parts = reader.partitions_for_topic(topic)
            if parts is None:
                await reader._client.force_metadata_update()
                parts = reader.partitions_for_topic(topic) or set()
            partitions += [TopicPartition(topic, p) for p in sorted(parts)]
        ends = await reader.end_offsets(partitions)
        pending = {tp for tp in partitions if ends[tp] > 0}
        # Facilities first, so stays find their facility rows (they need not, but it is tidy).
        for topic in topics:
            mine = [tp for tp in partitions if tp.topic == topic and tp in pending]
            if not mine:
                continue
            reader.assign(mine)
            await reader.seek_to_beginning(*mine)
            left = set(mine)
            while left:
                batches = await reader.getmany(*left, timeout_ms=1000, max_records=batch)
                for tp, records in batches.items():
                    records = [r for r in records if r.offset < ends[tp]]
                    if records:
                        await runner.process(records)
                        replayed += len(records)
                    if await reader.position(tp) >= ends[tp]:
                        left.discard(tp)
        await _commit_group(kafka, group, {tp: ends[tp] for tp in partitions})
        log.info("analytics_rebuilt", records=replayed, group=group)
        return replayed
    finally:
        for client in (reader, dlq):
            with contextlib.suppress(Exception):
                await client.stop()
        await engine.dispose()


async def _commit_group(kafka: KafkaAccess, group: str, offsets: dict[TopicPartition, int]) -> None:
    committer = AIOKafkaConsumer(**kafka.client_options(), group_id=group, enable_auto_commit=False)
    await committer.start()
    try:
        committer.assign(list(offsets))
        await committer.commit(offsets)
    finally:
        await committer.stop()


def main(settings: AnalyticsSettings | None = None) -> None:
    count = asyncio.run(rebuild(settings or AnalyticsSettings()))
    print(f"rebuilt analytics projections from {count} events")
