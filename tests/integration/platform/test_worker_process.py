"""`luutru-<service> worker` as Kubernetes runs it, on real PostgreSQL and Kafka: it answers
/livez, /readyz and /metrics on its own port; SIGTERM makes it leave its consumer group and
exit 0; a consumer stopped mid-batch finishes and commits that batch first."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text

from luutru_analytics.models import processed_events
from luutru_common.consumer import ConsumerRunner
from luutru_common.db import make_engine, make_session_factory
from luutru_common.events import Topic
from luutru_common.outbox import envelopes_for
from tests.integration.kafka_helpers import end_offsets, eventually, start_group_at_end
from tests.integration.platform.test_consumer_runner import checked_in
from tests.support import E2E_PORT_BASE, KAFKA, kafka_env

WORKER_PORT = E2E_PORT_BASE + 40


async def group_state(group: str) -> tuple[str, int]:
    admin = AIOKafkaAdminClient(**KAFKA.client_options())
    await admin.start()
    try:
        [described] = await admin.describe_consumer_groups([group])
        _, _, state, _, _, members, *_ = described.groups[0]
        return state, len(members)
    finally:
        await admin.close()


def start_worker(service: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", f"luutru_{service}", "worker", "--port", str(WORKER_PORT)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def test_worker_serves_probes_and_leaves_its_group_on_sigterm(test_database, group_prefix):
    group = f"{group_prefix}ingest"
    worker = start_worker(
        "ingest",
        {
            "LUUTRU_DATABASE_URL": test_database,
            **kafka_env(),
            "LUUTRU_CONSUMER_GROUP_PREFIX": group_prefix,
            "LUUTRU_JWKS_URL": "http://127.0.0.1:9/unused",
        },
    )
    base = f"http://127.0.0.1:{WORKER_PORT}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:

            async def live():
                assert worker.poll() is None, worker.stdout.read().decode()
                with contextlib.suppress(httpx.TransportError):
                    return (await client.get("/livez")).status_code == 200

            await eventually(live, timeout=30)
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json() == {"status": "ok", "checks": {"database": True, "kafka": True}}

            async def joined():
                state, members = await group_state(group)
                return state == "Stable" and members == 1

            await eventually(joined, timeout=30)

            async def relay_reported():
                body = (await client.get("/metrics")).text
                return 'luutru_outbox_backlog{service="ingest"}' in body and body

            metrics = await eventually(relay_reported, timeout=20)
            assert "luutru_http_request_seconds" in metrics  # the shared registry
            assert (await client.get("/docs")).status_code == 404  # probes only, no API
            assert (await client.get("/v1/stays")).status_code == 404

        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=40) == 0, worker.stdout.read().decode()
        assert time.monotonic() - started < 30
        # Left the group on the way out, not dropped after a session timeout.
        assert await group_state(group) == ("Empty", 0)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


async def test_consumer_stopped_mid_batch_commits_it(test_database, group_prefix, db):
    group = f"{group_prefix}slow"
    await start_group_at_end(group, Topic.STAY)
    engine = make_engine(test_database, pool_size=2)
    in_handler = asyncio.Event()
    [envelope] = envelopes_for([checked_in(uuid.uuid4())], producer="test")

    async def slow_handler(session, event, envelope_in_hand):
        # Other tests publish to the same topic meanwhile: only this test's event is slow,
        # or a batch of theirs at 1.5 s each outlasts the grace and the test's own timeout.
        if envelope_in_hand.event_id == envelope.event_id:
            in_handler.set()
            await asyncio.sleep(1.5)  # SIGTERM arrives while the batch is being handled

    runner = ConsumerRunner(
        topics=[Topic.STAY],
        group_id=group,
        kafka=KAFKA,
        session_factory=make_session_factory(engine),
        processed_events=processed_events,
        handlers={"GuestCheckedIn": slow_handler},
        stop_grace_s=10,
    )
    task = asyncio.create_task(runner.run())
    producer = AIOKafkaProducer(**KAFKA.client_options())
    await producer.start()
    try:
        await eventually(lambda: _assigned(runner))
        meta = await producer.send_and_wait(
            Topic.STAY, value=envelope.model_dump_json().encode(), key=b"k"
        )
        await asyncio.wait_for(in_handler.wait(), 30)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await producer.stop()
        if not task.done():
            task.cancel()
        await engine.dispose()
    async with db.connect() as conn:
        handled = await conn.scalar(
            text(
                "SELECT count(*) FROM analytics.processed_events "
                "WHERE consumer_group = :g AND event_id = :e"
            ),
            {"g": group, "e": envelope.event_id},
        )
    assert handled == 1  # the transaction committed, not rolled back by the shutdown
    committed = await _committed(group, meta.topic, meta.partition)
    assert committed == meta.offset + 1  # and the offset after it, so nothing is replayed
    assert await end_offsets(Topic.STAY)  # topic still there (sanity for the helper)


async def _assigned(runner: ConsumerRunner) -> bool:
    return runner.running and bool(runner.assignment())


async def _committed(group: str, topic: str, partition: int) -> int | None:
    from aiokafka import TopicPartition

    consumer = AIOKafkaConsumer(**KAFKA.client_options(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, partition))
    finally:
        await consumer.stop()
