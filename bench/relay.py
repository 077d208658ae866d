"""The outbox relay alone: CPU and time to put a backlog of events on Kafka.

    uv run python -m bench.relay --events 20000 [--settings 'max_batch_size=1048576' ...]

A database of its own gets an outbox (libs/common `outbox_table`) holding `--events` rows of
~1 KB (the size of a GuestCheckedIn envelope), keyed like stays; the real `OutboxRelay` (one
process, the local Kafka, a topic of 6 partitions) drains it. Reported: wall time, the
relay process's CPU (user + system) per event, per setting given — each `--settings`
is a comma-separated list of producer settings over the relay's own (`linger_ms=20,
max_batch_size=1048576`, `compression_type=gzip`), run in turn on the same backlog, so
the settings are compared in the same minutes. "default" = the relay's settings as they are.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import asyncpg
from bench.analytics.common import database_url, psql
from bench.procs import cpu_seconds
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine
from tests.support import KAFKA

from luutru_common.consumer import ensure_topics
from luutru_common.db import asyncpg_dsn
from luutru_common.outbox import OutboxRelay, outbox_table

DB = "luutru_bench_relay"
TOPIC = "bench.relay.v1"

FILL = """
INSERT INTO bench.outbox (event_id, topic, key, event_type, payload)
SELECT gen_random_uuid(), '{topic}', gen_random_uuid()::text, 'GuestCheckedIn',
  jsonb_build_object('event_type', 'GuestCheckedIn', 'event_id', gen_random_uuid(),
    'occurred_at', now(), 'producer', 'ingest', 'schema_version', 1,
    'data', jsonb_build_object('stay_id', gen_random_uuid(), 'facility_id', gen_random_uuid(),
      'guest', jsonb_build_object('full_name', 'Nguyễn Văn Thử ' || i,
        'date_of_birth', '1990-01-01', 'gender', 'male', 'id_number', lpad(i::text, 12, '0'),
        'nationality', 'VNM', 'country_of_residence', 'VNM'),
      'room', (i % 300)::text, 'check_in_at', now(), 'received_at', now(), 'due_at', now(),
      'expected_check_out', current_date + 2, 'late_minutes', 0, 'version', 1,
      'padding', repeat('x', 420)))
FROM generate_series(1, {n}) i
"""


def parse(setting: str) -> dict:
    if setting == "default":
        return {}
    options = {}
    for item in setting.split(","):
        name, value = item.split("=", 1)
        options[name] = int(value) if value.lstrip("-").isdigit() else value
    return options


async def drain(n: int, options: dict) -> tuple[float, float]:
    url = database_url(DB)
    relay = OutboxRelay(dsn=asyncpg_dsn(url), schema="bench", kafka=KAFKA, service="bench")
    relay.producer_settings = {**OutboxRelay.producer_settings, **options}
    conn = await asyncpg.connect(asyncpg_dsn(url))
    await conn.execute("TRUNCATE bench.outbox")
    await conn.execute(FILL.format(topic=TOPIC, n=n))
    await conn.execute("VACUUM ANALYZE bench.outbox")
    me = os.getpid()
    cpu0, t0 = cpu_seconds(me), time.monotonic()
    task = asyncio.create_task(relay.run())
    while await conn.fetchval("SELECT count(*) FROM bench.outbox WHERE published_at IS NULL"):
        await asyncio.sleep(0.05)
    cpu1, t1 = cpu_seconds(me), time.monotonic()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await conn.close()
    return t1 - t0, cpu1 - cpu0


async def main(args: argparse.Namespace) -> None:
    psql("postgres", f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{DB}" OWNER luutru')
    psql(DB, "CREATE SCHEMA bench")
    metadata = MetaData(schema="bench")
    outbox_table(metadata)
    engine = create_async_engine(database_url(DB))
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()
    await ensure_topics(KAFKA, [TOPIC], partitions=6)
    await drain(1000, {})  # warm-up: connections, metadata, leadership
    for setting in args.settings * args.repeat:
        wall, cpu = await drain(args.events, parse(setting))
        load = os.getloadavg()[0]
        print(
            f"{setting}: {args.events} events in {wall:.2f} s ({args.events / wall:.0f}/s), "
            f"relay CPU {cpu / args.events * 1000:.3f} ms an event (load {load:.1f})",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--settings", nargs="+", default=["default"])
    parser.add_argument("--repeat", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
