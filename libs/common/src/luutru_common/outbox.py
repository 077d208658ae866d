"""Transactional outbox and its relay.

A state change and the rows describing its events commit in one transaction
(`record_events`). The relay — one active per service, elected with a PostgreSQL advisory
lock — wakes on NOTIFY or every poll interval, publishes unsent rows in id order with an
idempotent producer (acks=all) and only then deletes them: the table holds the events not yet
on Kafka and nothing else. Kafka being down never fails a request: rows wait in the table
until the broker is back. A crash between publishing and deleting re-publishes a few events;
consumers deduplicate by event id.

With tracing on (luutru_common.tracing), a row keeps the W3C traceparent of the request that
wrote it and the relay sends it on as the Kafka header of that name.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import re
import uuid
import zlib
from typing import ClassVar

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner, murmur2
from prometheus_client import Counter, Gauge
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_common.db import asyncpg_dsn, raw_connection
from luutru_common.events import Envelope, Event, new_envelope
from luutru_common.kafka_access import KafkaAccess
from luutru_common.logging import KAFKA_CORRELATION_HEADER, get_correlation_id
from luutru_common.settings import ServiceSettings
from luutru_common.shutdown import finish_when_cancelled
from luutru_common.tracing import TRACEPARENT, current_traceparent, publish_span

log = structlog.get_logger()

OUTBOX_PUBLISHED = Counter(
    "luutru_outbox_published_total", "Events published from the outbox", ["service", "topic"]
)
OUTBOX_BACKLOG = Gauge(
    "luutru_outbox_backlog", "Outbox rows not yet published to Kafka (all of them)", ["service"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "luutru_outbox_oldest_unpublished_seconds",
    "Age of the oldest outbox row not yet published (0 when none waits)",
    ["service"],
)


def outbox_table(metadata: MetaData) -> Table:
    """The outbox of one service, in that service's schema."""
    table = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        # Not unique in the database: every event's id is a fresh UUID, and consumers
        # deduplicate by it anyway; the unique index cost each event an index write.
        Column("event_id", UUID(as_uuid=True), nullable=False),
        Column("topic", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("event_type", Text, nullable=False),
        # The envelope's JSON as its writer serialised it, published as is: text, not jsonb
        # (nothing reads inside it in the database; jsonb's parse and rendering cost a fifth
        # of a batch check-in's database CPU, bench/README.md).
        Column("payload", Text, nullable=False),
        Column("correlation_id", Text),
        # The W3C trace context of the request that recorded the event (NULL: tracing off).
        Column("traceparent", Text),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # Set by the previous release's relay, which marked published rows instead of
        # deleting them: still read during a rolling upgrade (`OutboxRelay`), dropped by the
        # next release's migrations.
        Column("published_at", DateTime(timezone=True)),
    )
    return table


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel that wakes the service's relay when rows are written."""
    return f"{schema}_outbox"


def advisory_lock_key(schema: str) -> int:
    """The advisory lock the relays of one schema contend for: one of them publishes."""
    # Stable across processes and Python versions (hash() is salted per process).
    return zlib.crc32(f"luutru-outbox-relay:{schema}".encode())


def envelopes_for(events: list[Event], *, producer: str) -> list[Envelope]:
    """An envelope for each event, all carrying the request's correlation id."""
    cid = get_correlation_id()
    return [new_envelope(e, producer=producer, correlation_id=cid) for e in events]


# An outbox row as written: (event_id, topic, key, event_type, payload JSON text,
# correlation_id). Hot paths that serialise envelopes themselves hand rows in this shape.
OutboxRow = tuple[uuid.UUID, str, str, str, str, str | None]
OUTBOX_COLUMNS = ("event_id", "topic", "key", "event_type", "payload", "correlation_id")
# Not part of a row: the request's trace context is the same for all rows one transaction
# writes, so the writer adds it (and hot paths need not build it when tracing is off).
TRACE_COLUMN = "traceparent"
# Below this many rows one array statement is cheapest; from here on, binary COPY wins.
COPY_FROM_ROWS = 20


def outbox_rows(events: list[Event], envelopes: list[Envelope]) -> list[OutboxRow]:
    """The outbox rows of events in their envelopes (see `envelopes_for`)."""
    return [
        (
            env.event_id,
            str(event.topic),
            event.partition_key(),
            env.event_type,
            env.model_dump_json(),
            env.correlation_id,
        )
        for env, event in zip(envelopes, events, strict=True)
    ]


@functools.cache
def _insert_rows_sql(schema: str) -> str:
    if not _IDENT.match(schema):
        raise ValueError(f"bad schema name {schema!r}")
    return (
        f"INSERT INTO {schema}.outbox ({', '.join(OUTBOX_COLUMNS)}, {TRACE_COLUMN}) "
        "SELECT e, t, k, et, p, c, $7::text FROM unnest($1::uuid[], $2::text[], "
        "$3::text[], $4::text[], $5::text[], $6::text[]) AS x(e, t, k, et, p, c)"
    )


async def write_outbox(session: AsyncSession, schema: str, rows: list[OutboxRow]) -> None:
    """The one outbox writer: add rows to ``schema``.outbox inside the session's transaction
    (one array statement for a few, binary COPY for many) and wake the relay on commit."""
    if rows:
        await insert_outbox(await raw_connection(session), schema, rows)


async def insert_outbox(conn: asyncpg.Connection, schema: str, rows: list[OutboxRow]) -> None:
    """`write_outbox` inside an asyncpg transaction (luutru_common.db.transaction)."""
    if not rows:
        return
    traceparent = current_traceparent()
    if len(rows) < COPY_FROM_ROWS:
        await conn.execute(
            _insert_rows_sql(schema), *[list(c) for c in zip(*rows, strict=True)], traceparent
        )
    elif traceparent is None:
        await conn.copy_records_to_table(
            "outbox", schema_name=schema, records=rows, columns=list(OUTBOX_COLUMNS)
        )
    else:
        await conn.copy_records_to_table(
            "outbox",
            schema_name=schema,
            records=[(*row, traceparent) for row in rows],
            columns=[*OUTBOX_COLUMNS, TRACE_COLUMN],
        )
    # NOTIFY is delivered at commit and collapsed per transaction: one wake-up per commit.
    await conn.execute("SELECT pg_notify($1, '')", notify_channel(schema))


async def record_events(
    session: AsyncSession, table: Table, events: list[Event], *, producer: str
) -> list[Envelope]:
    """Add events to the outbox inside the caller's transaction and wake the relay on commit."""
    if not events:
        return []
    envelopes = envelopes_for(events, producer=producer)
    await write_outbox(session, str(table.schema), outbox_rows(events, envelopes))
    return envelopes


_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


# How long the relay waits after a wake-up before reading the outbox: a few milliseconds on
# an event's way to Kafka, against a round trip per single check-in under load.
WAKE_GATHER_S = 0.02


class KeyedPartitioner:
    """Kafka's default partitioner (murmur2 of the key, as the Java clients: the same key
    lands on the same partition), with each key's partition remembered. The relay sends the
    events of a few hundred facilities thousands of times a second, and aiokafka's hash is
    pure Python: ~3 % of a batched registration's CPU (bench/README.md)."""

    def __init__(self, keys: int = 4096) -> None:
        self._index = functools.lru_cache(maxsize=keys)(_key_index)

    def __call__(self, key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
        if key is None:
            return DefaultPartitioner()(key, all_partitions, available)
        return all_partitions[self._index(key, len(all_partitions))]


def _key_index(key: bytes, partitions: int) -> int:
    return (murmur2(key) & 0x7FFFFFFF) % partitions


class RelayWakeup:
    """Wakes the relay after commits that carry no NOTIFY of their own.

    A transaction that NOTIFYs makes PostgreSQL serialise its commit: it takes one lock for
    the whole cluster and holds it through its WAL flush, so concurrent check-ins committed
    one after another instead of sharing a flush — the main wait of a check-in at 16
    connections (bench/README.md). A hot path leaves NOTIFY out of its transaction and calls
    `after_commit()` once that has committed; one task per process (`run`) then sends a
    single NOTIFY for every commit of the last `gather_s`, always after them, so the relay's
    read finds their rows. Should the NOTIFY fail, the relay's poll still finds the rows.
    """

    def __init__(self, pool: asyncpg.Pool, schema: str, *, gather_s: float = WAKE_GATHER_S):
        self._pool = pool
        self._channel = notify_channel(schema)
        self._gather_s = gather_s
        self._pending = asyncio.Event()

    def after_commit(self) -> None:
        """Ask for a wake-up: outbox rows were committed without a NOTIFY."""
        self._pending.set()

    async def run(self) -> None:
        """Send the wake-ups until cancelled: at most one NOTIFY per `gather_s`."""
        while True:
            await self._pending.wait()
            self._pending.clear()
            try:
                await self._pool.execute("SELECT pg_notify($1, '')", self._channel)
            except Exception as exc:  # the relay's poll finds the rows a little later
                log.warning("outbox_wakeup_failed", error=repr(exc))
            await asyncio.sleep(self._gather_s)


class OutboxRelay:
    # Idempotent and acknowledged by every in-sync replica: a row is deleted only once Kafka
    # holds its event durably. The rest is throughput (bench/README.md, "the relay").
    producer_settings: ClassVar[dict] = {
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        # A round of 1,000 ~1 KB events spread over 6 partitions: with the default 16 KB
        # batches that was ~70 produce batches, now a handful — twice the rate for a third
        # less CPU; kept well under the broker's 1 MB message.max.bytes.
        "max_batch_size": 512 * 1024,
        "request_timeout_ms": 15000,
        # Not worth it on these ~1 KB JSON events: gzip (the only codec without an extra
        # library) cost the relay more CPU than the bytes it saved (bench/README.md).
        "compression_type": None,
    }

    def __init__(
        self,
        *,
        dsn: str,
        schema: str,
        kafka: KafkaAccess,
        service: str,
        batch_size: int = 1000,
        poll_interval: float = 1.0,
    ) -> None:
        if not _IDENT.match(schema):
            raise ValueError(f"bad schema name {schema!r}")
        self.dsn = dsn
        self.schema = schema
        self.kafka = kafka
        self.service = service
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.is_leader = False
        self._table = f"{schema}.outbox"
        self._partitioner = KeyedPartitioner()

    @classmethod
    def for_service(cls, settings: ServiceSettings, schema: str) -> OutboxRelay:
        """The relay of one service's outbox, configured from its settings."""
        return cls(
            dsn=asyncpg_dsn(settings.database_url),
            schema=schema,
            kafka=settings.kafka(),
            service=settings.service_name,
            poll_interval=settings.outbox_poll_interval_s,
        )

    async def run(self) -> None:
        """Run until cancelled; reconnect after any failure of PostgreSQL or Kafka."""
        # The backlog is measured apart from publishing, so it keeps being reported while
        # Kafka is away (when it matters) and by the standbys too.
        watcher = asyncio.create_task(self.watch_backlog())
        try:
            await self._relay_forever()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher

    async def watch_backlog(self, interval_s: float = 10.0) -> None:
        """Every ``interval_s``: how many rows wait and how old the oldest is."""
        conn: asyncpg.Connection | None = None
        while True:
            try:
                if conn is None or conn.is_closed():
                    conn = await asyncpg.connect(self.dsn)
                await self.report_backlog(conn)
            except asyncio.CancelledError:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=2)
                raise
            except Exception as exc:
                log.warning("outbox_backlog_unknown", error=repr(exc))
                conn = None
            await asyncio.sleep(interval_s)

    async def report_backlog(self, conn: asyncpg.Connection) -> tuple[int, float]:
        """Set the backlog gauges from the table now and return them: rows waiting, age in seconds
        of the oldest."""
        # The table holds the backlog alone (published rows are deleted): reading it all is
        # proportional to the backlog itself.
        row = await conn.fetchrow(
            "SELECT count(*) AS n, "
            "coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age "
            f"FROM {self._table} WHERE published_at IS NULL"
        )
        OUTBOX_BACKLOG.labels(self.service).set(row["n"])
        OUTBOX_OLDEST_AGE.labels(self.service).set(row["age"])
        return row["n"], row["age"]

    async def _relay_forever(self) -> None:
        backoff = 0.5
        while True:
            try:
                await self._run_once()
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.is_leader = False
                log.warning("outbox_relay_restart", error=repr(exc), backoff=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _run_once(self) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        producer: AIOKafkaProducer | None = None
        try:
            # Session-level advisory lock: held while this connection lives, so a crashed
            # leader releases it and a standby takes over.
            while not await conn.fetchval(
                "SELECT pg_try_advisory_lock($1)", advisory_lock_key(self.schema)
            ):
                await asyncio.sleep(self.poll_interval * 5)
            self.is_leader = True
            log.info("outbox_relay_leader", schema=self.schema)
            await self._delete_marked(conn)
            wake = asyncio.Event()
            await conn.add_listener(notify_channel(self.schema), lambda *_: wake.set())
            producer = await self._start_producer()
            while True:
                wake.clear()
                # A batch sent to Kafka is deleted even when shutdown comes meanwhile, so a
                # restart does not send it twice.
                published = await finish_when_cancelled(
                    self._publish_batch(conn, producer), grace_s=20.0
                )
                if published < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), self.poll_interval)
                    # Let the commits of a busy moment gather: one fetch, one produce request
                    # and one update for all of them instead of each (bench/README.md).
                    await asyncio.sleep(WAKE_GATHER_S)
        finally:
            self.is_leader = False
            if producer is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(producer.stop(), 10)
            with contextlib.suppress(Exception):
                await conn.close(timeout=5)

    async def _start_producer(self) -> AIOKafkaProducer:
        backoff = 0.5
        while True:
            producer = AIOKafkaProducer(
                **self.kafka.client_options(),
                **self.producer_settings,
                partitioner=self._partitioner,
                client_id=f"{self.service}-outbox",
            )
            try:
                await producer.start()
                return producer
            except Exception as exc:
                with contextlib.suppress(Exception):
                    await producer.stop()
                log.warning("outbox_kafka_unavailable", error=repr(exc), backoff=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _publish_batch(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        # `published_at IS NULL`: rows an older relay marked during a rolling upgrade, while
        # it held the lock, are not sent again (`_delete_marked` takes them away).
        rows = await conn.fetch(
            "SELECT id, topic, key, payload, correlation_id, traceparent "
            f"FROM {self._table} WHERE published_at IS NULL ORDER BY id LIMIT $1",
            self.batch_size,
        )
        if not rows:
            return 0
        with publish_span(self.service, (r["traceparent"] for r in rows), messages=len(rows)):
            futures = await self._send(producer, rows)
            # Every batch must be acknowledged by the broker (acks=all) before its rows count
            # as sent.
            await asyncio.wait_for(asyncio.gather(*futures), timeout=60)
        # Deleted, not marked: a published event's row has no further use (the event is in
        # Kafka), and a DELETE writes no new row version and no index entry — marking it cost
        # PostgreSQL twice the row's insert, then a purge and two vacuums (bench/README.md).
        await conn.execute(
            f"DELETE FROM {self._table} WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
        )
        for topic, count in collections.Counter(r["topic"] for r in rows).items():
            OUTBOX_PUBLISHED.labels(self.service, topic).inc(count)
        return len(rows)

    async def _send(self, producer: AIOKafkaProducer, rows: list) -> list[asyncio.Future]:
        """Queue the rows, each to its key's partition, as record batches built here: one per
        partition a round (more when one fills up), in id order within each partition. Per
        event that is one append instead of aiokafka's whole `send` (a future, a size check,
        the partition list copied): the relay's CPU per event fell by ~40 % (bench/README.md).
        """
        partitions: dict[str, list[int]] = {}
        by_partition: dict[tuple[str, int], list] = {}
        for row in rows:
            topic = row["topic"]
            if topic not in partitions:
                partitions[topic] = sorted(await producer.partitions_for(topic))
            key = row["key"].encode()
            partition = self._partitioner(key, partitions[topic], partitions[topic])
            by_partition.setdefault((topic, partition), []).append((key, row))
        futures = []
        for (topic, partition), keyed in by_partition.items():
            batch = producer.create_batch()
            for key, row in keyed:
                headers = []
                if row["correlation_id"]:
                    headers.append((KAFKA_CORRELATION_HEADER, row["correlation_id"].encode()))
                if row["traceparent"]:
                    headers.append((TRACEPARENT, row["traceparent"].encode()))
                value = row["payload"].encode()
                if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                    # Full (max_batch_size): send it and start the next; the first record of a
                    # batch always fits.
                    futures.append(await producer.send_batch(batch, topic, partition=partition))
                    batch = producer.create_batch()
                    batch.append(key=key, value=value, timestamp=None, headers=headers)
            futures.append(await producer.send_batch(batch, topic, partition=partition))
        return futures

    async def _delete_marked(self, conn: asyncpg.Connection) -> int:
        """Delete the rows the previous release's relay marked published instead of deleting
        them (during a rolling upgrade it may hold the lock a while); how many went. None
        once that release is gone: a scan of the backlog at each election."""
        status = await conn.execute(f"DELETE FROM {self._table} WHERE published_at IS NOT NULL")
        return int(status.split()[-1])
