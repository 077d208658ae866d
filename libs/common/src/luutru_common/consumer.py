"""Consumer runner: at-least-once delivery turned into exactly-once effects.

For each batch fetched from Kafka the runner opens one transaction, records the event ids in
``processed_events`` (skipping those seen before), runs the handlers, commits, and only then
commits the Kafka offsets. If a batch fails, it is replayed one message at a time so a single
poison message goes to the dead-letter topic ``<topic>.<group>.dlq`` and the rest go on.
Transient failures (PostgreSQL unreachable) are retried without committing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from fastapi import FastAPI
from prometheus_client import Counter, Gauge
from pydantic import ValidationError
from sqlalchemy import Column, DateTime, MetaData, Table, Text, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common.events import EVENT_TYPES, Envelope, Event, dead_letter_topic
from luutru_common.kafka_access import KafkaAccess
from luutru_common.logging import KAFKA_CORRELATION_HEADER, bind_correlation_id
from luutru_common.settings import ServiceSettings
from luutru_common.shutdown import finish_when_cancelled
from luutru_common.tracing import fetch_span

log = structlog.get_logger()

Handler = Callable[[AsyncSession, Any, Envelope], Awaitable[None]]
# Optional: handles a run of consecutive events in one call (fewer round trips under load).
BatchHandler = Callable[[AsyncSession, list[tuple[Any, Envelope]]], Awaitable[None]]

CONSUMED = Counter(
    "luutru_events_consumed_total", "Events handled", ["group", "event_type", "outcome"]
)
DEAD_LETTERED = Counter(
    "luutru_events_dead_lettered_total",
    "Messages sent to a dead-letter topic",
    ["group", "topic", "reason"],
)
CONSUMER_LAG = Gauge(
    "luutru_consumer_lag",
    "Messages on a partition after this consumer's position (the end offset it last saw "
    "minus the next offset it will read)",
    ["group", "topic", "partition"],
)


class PermanentError(Exception):
    """A handler's way to say: this message can never succeed — dead-letter it."""


def processed_events_table(metadata: MetaData) -> Table:
    """The table of event ids a service has handled, per consumer group: how a redelivered
    event is recognised and counted once."""
    return Table(
        "processed_events",
        metadata,
        Column("consumer_group", Text, primary_key=True),
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


# PostgreSQL rolled the transaction back to let another one through: a deadlock (40P01) or a
# serialization failure (40001). The same work succeeds when run again.
_ROLLED_BACK_FOR_ANOTHER = frozenset({"40P01", "40001"})


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL or Kafka being away, or PostgreSQL giving way to another
    transaction, which a retry later cures (a consumer keeps its batch, a request answers 503),
    rather than a fault that it does not."""
    if isinstance(exc, OSError | asyncpg.PostgresConnectionError | TimeoutError):
        return True
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and bool(exc.connection_invalidated):
        return True
    return _rolled_back_for_another(exc)


def _rolled_back_for_another(exc: BaseException) -> bool:
    # One fetch is one transaction over many facilities' rollup rows, and two consumers (KEDA
    # runs several) may lock two of them in opposite orders: the deadlock victim must retry
    # its fetch, not be split up and dead-lettered. asyncpg's error carries the SQLSTATE;
    # SQLAlchemy wraps it (DBAPIError.orig, itself with a sqlstate).
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            return False
        if getattr(seen, "sqlstate", None) in _ROLLED_BACK_FOR_ANOTHER:
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


@dataclass(frozen=True)
class Decoded:
    record: ConsumerRecord
    envelope: Envelope
    event: Event


class Poison(Exception):
    def __init__(self, reason: str, error: str) -> None:
        super().__init__(f"{reason}: {error}")
        self.reason = reason
        self.error = error


def decode(record: ConsumerRecord) -> Decoded | None:
    """Parse one record; None for event types this consumer does not know (newer producers)."""
    try:
        envelope = Envelope.model_validate_json(record.value or b"")
    except ValidationError as exc:
        raise Poison("invalid-envelope", str(exc)[:2000]) from exc
    model = EVENT_TYPES.get(envelope.event_type)
    if model is None:
        return None
    if envelope.schema_version > model.schema_version:
        raise Poison(
            "unsupported-schema-version",
            f"{envelope.event_type} v{envelope.schema_version} > v{model.schema_version}",
        )
    try:
        event = model.model_validate(envelope.data)
    except ValidationError as exc:
        raise Poison("invalid-event", str(exc)[:2000]) from exc
    return Decoded(record, envelope, event)


class ConsumerRunner:
    def __init__(
        self,
        *,
        topics: list[str],
        group_id: str,
        kafka: KafkaAccess,
        session_factory: async_sessionmaker[AsyncSession],
        processed_events: Table,
        handlers: Mapping[str, Handler],
        max_batch: int = 500,
        dlq_replication_factor: int = 1,
        batch_handlers: Mapping[str, BatchHandler] | None = None,
        consumer_options: Mapping[str, Any] | None = None,
        stop_grace_s: float = 20.0,
    ) -> None:
        self.topics = topics
        self.group_id = group_id
        self.kafka = kafka
        self.session_factory = session_factory
        self.processed_events = processed_events
        self.handlers = dict(handlers)
        # Event types listed here are handled in runs: consecutive events whose batch handler
        # is the same function go to it together, in order. Others go one by one.
        self.batch_handlers = dict(batch_handlers or {})
        # Extra AIOKafkaConsumer settings, e.g. fetch_min_bytes / fetch_max_wait_ms to let
        # the broker gather bigger batches under load (fewer transactions per event).
        self.consumer_options = dict(consumer_options or {})
        self.max_batch = max_batch
        self.dlq_replication_factor = dlq_replication_factor
        # On shutdown (SIGTERM: cancellation) the batch in hand is finished and committed
        # within this many seconds; past that it is abandoned and replayed by the next owner.
        self.stop_grace_s = stop_grace_s
        self.running = False
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq: AIOKafkaProducer | None = None

    @classmethod
    def for_service(
        cls,
        settings: ServiceSettings,
        group: str,
        *,
        topics: list[str],
        session_factory: async_sessionmaker[AsyncSession],
        processed_events: Table,
        handlers: Mapping[str, Handler],
        **options: Any,
    ) -> ConsumerRunner:
        """A service's consumer group ``group`` (its name prefixed as the settings say), on
        the configured brokers, its dead-letter topics replicated as configured. ``options``
        are the constructor's other keywords (batch handlers, consumer options…)."""
        return cls(
            topics=topics,
            group_id=settings.group_id(group),
            kafka=settings.kafka(),
            session_factory=session_factory,
            processed_events=processed_events,
            handlers=handlers,
            dlq_replication_factor=settings.kafka_replication_factor,
            **options,
        )

    @classmethod
    def for_app(
        cls,
        app: FastAPI,
        group: str,
        *,
        topics: list[str],
        processed_events: Table,
        handlers: Mapping[str, Handler],
        **options: Any,
    ) -> ConsumerRunner:
        """`for_service` with the settings and sessions of a service app being started (in
        its ``workers``): what every embedded consumer of a service is built from."""
        return cls.for_service(
            app.state.settings,
            group,
            topics=topics,
            session_factory=app.state.session_factory,
            processed_events=processed_events,
            handlers=handlers,
            **options,
        )

    async def run(self) -> None:
        """Consume until cancelled; after a failure start again with a growing pause (Kafka or
        PostgreSQL away)."""
        backoff = 0.5
        while True:
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.running = False
                log.warning("consumer_restart", group=self.group_id, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _run_once(self) -> None:
        consumer = AIOKafkaConsumer(
            *self.topics,
            **self.kafka.client_options(),
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=f"{self.group_id}-consumer",
            **self.consumer_options,
        )
        dlq = AIOKafkaProducer(**self.kafka.client_options(), enable_idempotence=True, acks="all")
        try:
            await ensure_topics(
                self.kafka,
                [dead_letter_topic(t, self.group_id) for t in self.topics],
                replication_factor=self.dlq_replication_factor,
            )
            await consumer.start()
            await dlq.start()
            self._consumer, self._dlq = consumer, dlq
            self.running = True
            log.info("consumer_started", group=self.group_id, topics=self.topics)
            while True:
                batches = await consumer.getmany(timeout_ms=1000, max_records=self.max_batch)
                if batches:
                    await finish_when_cancelled(
                        self._handle_and_commit(consumer, batches), self.stop_grace_s
                    )
                await self.report_lag(consumer)
        finally:
            self.running = False
            # stop() sends LeaveGroup: the partitions go to the other members at once
            # instead of after the session timeout.
            for client in (consumer, dlq):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.stop(), 10)

    async def _handle_and_commit(
        self, consumer: AIOKafkaConsumer, batches: dict[TopicPartition, list[ConsumerRecord]]
    ) -> None:
        # One span for the fetch, linked to the requests that produced its records.
        parts = {(tp.topic, tp.partition): [r.headers for r in rs] for tp, rs in batches.items()}
        with fetch_span(self.group_id, parts):
            await self.process_fetch(list(batches.values()))
        await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})

    async def report_lag(self, consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
        """Set the lag gauge of every assigned partition whose end offset is known."""
        lags = {}
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is None:
                continue
            with contextlib.suppress(Exception):
                lags[tp] = max(0, end - await consumer.position(tp))
                CONSUMER_LAG.labels(self.group_id, tp.topic, str(tp.partition)).set(lags[tp])
        return lags

    # ---- processing, public so tests can drive it with hand-made records -----------------

    async def process_fetch(self, partitions: list[list[ConsumerRecord]]) -> None:
        """Handle a fetch — the records of several partitions, each list in its partition's
        order — in one transaction: under load a fetch spreads over every partition, and a
        transaction per partition multiplied the statements of each run by their number
        (bench/README.md). Order matters within a partition only (a stay's events share its
        facility's key), so the lists are simply joined. A partition holding a message that
        cannot be decoded goes through `process` on its own, which dead-letters it in order."""
        decoded: list[Decoded] = []
        for records in partitions:
            try:
                decoded.extend(self._wanted(records))
            except Poison:
                await self.process(records)
        await self._handle_batch(decoded)

    def _wanted(self, records: list[ConsumerRecord]) -> list[Decoded]:
        """The records this consumer handles, decoded; raises `Poison` at the first bad one."""
        wanted = []
        for record in records:
            item = decode(record)
            if item is not None and self._handles(item):
                wanted.append(item)
        return wanted

    def _handles(self, item: Decoded) -> bool:
        kind = item.envelope.event_type
        return kind in self.handlers or kind in self.batch_handlers

    async def process(self, records: list[ConsumerRecord]) -> None:
        """Handle records of one partition, in order. Returns when all are handled or
        dead-lettered; raises only for transient failures that outlasted the retries."""
        decoded: list[Decoded] = []
        for record in records:
            try:
                item = decode(record)
            except Poison as poison:
                # Flush what came before so ordering is kept, then dead-letter this one.
                await self._handle_batch(decoded)
                decoded = []
                await self._dead_letter(record, poison.reason, poison.error)
                continue
            if item is not None and self._handles(item):
                decoded.append(item)
        await self._handle_batch(decoded)

    async def _handle_batch(self, items: list[Decoded]) -> None:
        if not items:
            return
        try:
            await self._with_transient_retry(lambda: self._apply(items))
        except Exception as exc:
            if len(items) == 1:
                await self._dead_letter(items[0].record, "handler-failed", repr(exc))
                return
            # Find the culprit: one transaction per message.
            for item in items:
                await self._handle_batch([item])

    async def _with_transient_retry(self, op: Callable[[], Awaitable[None]]) -> None:
        attempt = 0
        delay = 0.2
        while True:
            attempt += 1
            try:
                return await op()
            except PermanentError:
                raise
            except Exception as exc:
                if not is_transient(exc):
                    raise
                # PostgreSQL away: wait without limit — dead-lettering would lose events.
                log.warning("consumer_transient_error", group=self.group_id, error=repr(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _apply(self, items: list[Decoded]) -> None:
        async with self.session_factory() as session, session.begin():
            ids = [item.envelope.event_id for item in items]
            recorded = await session.execute(
                _record_processed(self.processed_events),
                {"consumer_group": self.group_id, "event_ids": ids},
            )
            fresh = set(recorded.scalars().all())
            seen: set[uuid.UUID] = set()
            todo: list[Decoded] = []
            for item in items:
                eid = item.envelope.event_id
                if eid not in fresh or eid in seen:
                    CONSUMED.labels(self.group_id, item.envelope.event_type, "duplicate").inc()
                    continue
                seen.add(eid)
                todo.append(item)
            i = 0
            while i < len(todo):
                item = todo[i]
                bind_correlation_id(_header(item.record, KAFKA_CORRELATION_HEADER))
                batch = self.batch_handlers.get(item.envelope.event_type)
                if batch is None:
                    await self.handlers[item.envelope.event_type](
                        session, item.event, item.envelope
                    )
                    CONSUMED.labels(self.group_id, item.envelope.event_type, "ok").inc()
                    i += 1
                    continue
                j = i + 1
                while (
                    j < len(todo) and self.batch_handlers.get(todo[j].envelope.event_type) == batch
                ):
                    j += 1
                await batch(session, [(x.event, x.envelope) for x in todo[i:j]])
                for x in todo[i:j]:
                    CONSUMED.labels(self.group_id, x.envelope.event_type, "ok").inc()
                i = j

    async def _dead_letter(self, record: ConsumerRecord, reason: str, error: str) -> None:
        topic = dead_letter_topic(record.topic, self.group_id)
        log.error(
            "event_dead_lettered",
            group=self.group_id,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
            error=error[:500],
        )
        CONSUMED.labels(self.group_id, "?", "dead-lettered").inc()
        DEAD_LETTERED.labels(self.group_id, record.topic, reason).inc()
        if self._dlq is None:
            raise RuntimeError("dead-letter producer not started")
        headers = list(record.headers or ()) + [
            ("dlq_reason", reason.encode()),
            ("dlq_error", error[:4000].encode()),
            (
                "dlq_source",
                json.dumps(
                    {"topic": record.topic, "partition": record.partition, "offset": record.offset}
                ).encode(),
            ),
        ]
        await self._dlq.send_and_wait(topic, value=record.value, key=record.key, headers=headers)

    def assignment(self) -> set[TopicPartition]:
        """The partitions this consumer holds now (empty before it has joined its group)."""
        return set(self._consumer.assignment()) if self._consumer else set()


async def ensure_topics(
    kafka: KafkaAccess, names: list[str], *, partitions: int = 1, replication_factor: int = 1
) -> None:
    """Create topics that do not exist yet (dead-letter topics follow the group names, which
    are configuration, so each runner makes its own)."""
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(
                            n, num_partitions=partitions, replication_factor=replication_factor
                        )
                        for n in missing
                    ]
                )
    finally:
        await admin.close()


@functools.cache
def _record_processed(table: Table):
    """Records a batch's event ids as handled, returning those not seen before: one
    statement (an array of ids) whatever the batch's size, compiled once."""
    return (
        insert(table)
        .from_select(
            ["consumer_group", "event_id"],
            select(
                bindparam("consumer_group", type_=Text),
                func.unnest(bindparam("event_ids", type_=ARRAY(UUID(as_uuid=True)))),
            ),
        )
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )


def _header(record: ConsumerRecord, name: str) -> str | None:
    for key, value in record.headers or ():
        if key == name and value is not None:
            return value.decode("utf-8", "replace")
    return None
