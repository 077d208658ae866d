"""Retention: each class of data is deleted or anonymised once its period is over, in bounded
batches (one short transaction each, so neither the API nor the consumers wait on it), by
`luutru-<service> retention` and by a worker loop (`retention_interval_s`). docs/privacy.md
lists the classes, their periods and their legal basis.

A rule is one SQL statement that touches at most ``:batch`` rows older than ``:cutoff`` and
leaves nothing to touch again (deleted rows are gone; anonymised rows no longer match), so the
loop stops when a batch comes back short, and a second run finds nothing.

On a table partitioned by month (luutru_common.partitions) a whole month past its period goes
at once (MonthDrop: a dropped partition, no row-by-row delete, no vacuum after it); the
batch rule of the same class then finds only the rows of months not wholly due. A run first
creates the partitions ahead (Partitions), so the workers' loop keeps them ready too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from luutru_common import partitions

log = structlog.get_logger()


@dataclass(frozen=True)
class Rule:
    data_class: str  # what people call it (docs/privacy.md)
    days: int
    statement: str  # :cutoff, :batch; touches at most :batch rows


@dataclass(frozen=True)
class Partitions:
    """The monthly-partitioned tables of a schema: each run creates their months ahead and
    reports rows that fell into a default partition."""

    schema: str
    tables: tuple[str, ...]
    data_class: str = "monthly partitions"  # like every rule's, for those who pick by it


@dataclass(frozen=True)
class MonthDrop:
    """Whole months of a monthly-partitioned table dropped once due: a month whose last day is
    before the cutoff and none of whose rows is still kept. ``kept`` is a condition on the
    month's rows (alias ``r``, may use :cutoff) that is true for a row still within its period;
    such a month is left to the class's batch rule, row by row."""

    data_class: str
    days: int
    schema: str
    table: str
    kept: str


def delete_older(table: str, column: str, extra: str = "") -> str:
    """A batch of rows of ``table`` whose ``column`` is before the cutoff, deleted."""
    where = f"{column} < :cutoff {extra}".strip()
    return (
        f"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} WHERE {where} LIMIT :batch)"
    )


def processed_events_rule(schema: str, days: int) -> Rule:
    """Event ids a consumer has seen: needed only while Kafka could still redeliver them."""
    return Rule(
        "processed event ids", days, delete_older(f"{schema}.processed_events", "processed_at")
    )


AnyRule = Rule | MonthDrop | Partitions


async def run_rules(
    engine: AsyncEngine, rules: list[AnyRule], *, batch: int = 1000, now: datetime | None = None
) -> dict[str, int]:
    """Apply every rule until nothing is left to do; rows touched per data class (and, for a
    partitioned table with rows in its default partition, how many wait there)."""
    now = now or datetime.now(UTC)
    done: dict[str, int] = {}
    for rule in rules:
        if isinstance(rule, Partitions):
            ensured = await partitions.ensure_all(engine, rule.schema, rule.tables)
            for table, result in ensured.items():
                if result.from_default:
                    # Rows stored while their month had no partition: not lost, but a sign
                    # that `partitions ensure` did not run in time (docs/deploy.md).
                    done[f"rows without a month in {table}"] = result.from_default
            continue
        cutoff = now - timedelta(days=rule.days)
        if isinstance(rule, MonthDrop):
            dropped = await drop_due_months(engine, rule, cutoff, now)
            done[rule.data_class] = done.get(rule.data_class, 0) + dropped
            continue
        total = 0
        while True:
            async with engine.begin() as conn:
                result = await conn.execute(
                    text(rule.statement), {"cutoff": cutoff, "batch": batch}
                )
            total += result.rowcount
            if result.rowcount < batch:
                break
        done[rule.data_class] = done.get(rule.data_class, 0) + total
    return done


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


async def drop_due_months(
    engine: AsyncEngine, rule: MonthDrop, cutoff: datetime, now: datetime
) -> int:
    """Drop every month of ``rule.table`` that is wholly past its period; the rows dropped."""
    zone = ZoneInfo(partitions.ZONE)
    last_due = cutoff.astimezone(zone).date()
    this_month = now.astimezone(zone).date().replace(day=1)
    async with engine.connect() as conn:
        months = (await partitions.state(conn, rule.schema, rule.table)).months
    dropped = 0
    for month in months:
        if _next_month(month) > last_due or month >= this_month:
            continue
        part = f"{rule.schema}.{partitions.partition_name(rule.table, month)}"
        async with engine.begin() as conn:
            # Detaching locks the whole table for a moment: rather give up (and try again at
            # the next run) than queue the evening's writers behind a long transaction.
            await conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            # Writers of this month wait (SHARE) while it is checked and dropped: no row can
            # come in between the check and the drop.
            await conn.execute(text(f"LOCK TABLE {part} IN SHARE MODE"))
            kept = await conn.execute(
                text(f"SELECT EXISTS (SELECT 1 FROM {part} r WHERE {rule.kept})"),
                {"cutoff": cutoff},
            )
            if kept.scalar():
                continue
            rows = (await conn.execute(text(f"SELECT count(*) FROM {part}"))).scalar() or 0
            await conn.execute(
                text(f"SELECT {rule.schema}.drop_month_partition(:t, :m)"),
                {"t": rule.table, "m": month},
            )
        dropped += rows
    return dropped


async def retention_loop(engine: AsyncEngine, rules: list[AnyRule], interval_s: float) -> None:
    """The worker's schedule: a run now and then every ``interval_s``; a failed run is logged
    and tried again next time (nothing is half-done: each batch is its own transaction)."""
    while True:
        try:
            done = await run_rules(engine, rules)
            log.info("retention_run", **{k.replace(" ", "_"): v for k, v in done.items()})
        except Exception as exc:
            log.warning("retention_failed", error=repr(exc))
        await asyncio.sleep(interval_s)
