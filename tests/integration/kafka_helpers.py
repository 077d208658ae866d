"""Small helpers to look at real Kafka topics from tests."""

from __future__ import annotations

import asyncio
import json
import time

from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.support import KAFKA


async def end_offsets(topic: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(**KAFKA.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()


async def wait_for_message(topic: str, since: dict[TopicPartition, int], predicate, timeout=30.0):
    """Read ``topic`` from the given offsets until a message's JSON value matches."""
    consumer = AIOKafkaConsumer(**KAFKA.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(since))
        for tp, offset in since.items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    try:
                        value = json.loads(record.value)
                    except ValueError:
                        value = None
                    if predicate(record, value):
                        return record, value
        raise AssertionError(f"no matching message on {topic} within {timeout}s")
    finally:
        await consumer.stop()


async def messages_with_keys(
    since: dict[TopicPartition, int], keys: set[str], expected: int, timeout: float = 30.0
) -> list[tuple[str, dict]]:
    """(key, JSON value) of the messages from the offsets ``since`` on whose key is one of
    ``keys``, in offset order within each partition: once ``expected`` of them arrived, with
    whatever else comes in 2 s more (a duplicate would)."""
    consumer = AIOKafkaConsumer(**KAFKA.client_options(), enable_auto_commit=False)
    await consumer.start()
    found: list[tuple[str, dict]] = []
    try:
        consumer.assign(list(since))
        for tp, offset in since.items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + timeout
        settled_at = None
        while time.monotonic() < (settled_at or deadline):
            for records in (await consumer.getmany(timeout_ms=300)).values():
                for record in records:
                    key = record.key.decode() if record.key else ""
                    if key in keys:
                        found.append((key, json.loads(record.value)))
            if settled_at is None and len(found) >= expected:
                settled_at = time.monotonic() + 2.0
        return found
    finally:
        await consumer.stop()


async def start_group_at_end(group_id: str, topic: str) -> None:
    """Commit a new consumer group's offsets at the end of a topic, so a runner under test
    starts with the messages the test sends, not the whole history."""
    offsets = await end_offsets(topic)
    consumer = AIOKafkaConsumer(
        **KAFKA.client_options(), group_id=group_id, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit(offsets)
    finally:
        await consumer.stop()


async def eventually(check, timeout=20.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
