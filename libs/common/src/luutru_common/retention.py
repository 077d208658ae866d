"""Retention: each class of data is deleted or anonymised once its period is over, in bounded
batches (one short transaction each, so neither the API nor the consumers wait on it), by
`luutru-<service> retention` and by a worker loop (`retention_interval_s`). docs/privacy.md
lists the classes, their periods and their legal basis.

A rule is one SQL statement that touches at most ``:batch`` rows older than ``:cutoff`` and
leaves nothing to touch again (deleted rows are gone; anonymised rows no longer match), so the
loop stops when a batch comes back short, and a second run finds nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger()


@dataclass(frozen=True)
class Rule:
    data_class: str  # what people call it (docs/privacy.md)
    days: int
    statement: str  # :cutoff, :batch; touches at most :batch rows


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


def outbox_rule(schema: str, days: int) -> Rule:
    """Published outbox rows (their payload is the event, personal data included)."""
    return Rule(
        "published outbox rows",
        days,
        delete_older(f"{schema}.outbox", "published_at", "AND published_at IS NOT NULL"),
    )


async def run_rules(
    engine: AsyncEngine, rules: list[Rule], *, batch: int = 1000, now: datetime | None = None
) -> dict[str, int]:
    """Apply every rule until nothing is left to do; rows touched per data class."""
    now = now or datetime.now(UTC)
    done: dict[str, int] = {}
    for rule in rules:
        cutoff = now - timedelta(days=rule.days)
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


async def retention_loop(engine: AsyncEngine, rules: list[Rule], interval_s: float) -> None:
    """The worker's schedule: a run now and then every ``interval_s``; a failed run is logged
    and tried again next time (nothing is half-done: each batch is its own transaction)."""
    while True:
        try:
            done = await run_rules(engine, rules)
            log.info("retention_run", **{k.replace(" ", "_"): v for k, v in done.items()})
        except Exception as exc:
            log.warning("retention_failed", error=repr(exc))
        await asyncio.sleep(interval_s)
