"""The analytics projection alone: CPU per registration of stay.v1 → facts, rollups, alerts.

    uv run python -m bench.analytics.projection --stays 20000 [--batch 500] [--watchlist 0]

Feeds realistic GuestCheckedIn envelopes (bench/ingest/data.py's guests, 200 facilities of
the plan's mix, 1–4 nights, ~10 % foreigners, 1 % of them on the watchlist, with
`--watchlist N` N more wanted persons matching nobody) to the real
consumer runner — processed_events, the batch handlers, real PostgreSQL — in runs of
`--batch` records of one partition, as the Kafka consumer hands them over, without Kafka.
Reports the Python process's CPU (user + system) and the PostgreSQL backend's CPU per
registration, read from /proc around the runs, and the wall time per run: the figures the
projection's changes move, whatever the machine's load. `--profile` leaves the process
waiting a few seconds first so `py-spy record --pid` can attach.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bench.analytics.common import add_wanted_elsewhere, fresh_database, machine, percentile
from bench.ingest.data import FACILITY_MIX, guest
from bench.procs import cpu_seconds
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from tests.integration.analytics_helpers import facility, record

from luutru_analytics.models import processed_events
from luutru_analytics.projections.handlers import build_batch_handlers, build_handlers
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.consumer import ConsumerRunner
from luutru_common.db import make_engine
from luutru_common.events import GuestCheckedIn, GuestIdentity, new_envelope
from luutru_common.identity import name_match_key
from luutru_common.kafka_access import KafkaAccess

VN = ZoneInfo("Asia/Ho_Chi_Minh")
IDENTITY_FIELDS = set(GuestIdentity.model_fields)


def registrations(
    rng: random.Random, facilities: list[uuid.UUID], n: int, day: date
) -> list[GuestCheckedIn]:
    stays = []
    for serial in range(n):
        g = guest(rng, serial, day)
        arrived = datetime.fromisoformat(g["check_in_at"])
        identity = {k: v for k, v in g.items() if k in IDENTITY_FIELDS}
        identity.setdefault("nationality", "VNM")
        identity.setdefault("country_of_residence", identity["nationality"])
        fid = rng.choice(facilities)
        stays.append(
            GuestCheckedIn(
                stay_id=uuid.uuid4(),
                facility_id=fid,
                guest=GuestIdentity(**identity),
                room=g["room"],
                check_in_at=arrived,
                expected_check_out=date.fromisoformat(g["expected_check_out"]),
                received_at=arrived.astimezone(UTC) + timedelta(minutes=rng.randrange(0, 30)),
                due_at=arrived.astimezone(UTC),
            )
        )
    return stays


async def main(args: argparse.Namespace) -> None:
    url = fresh_database("luutru_bench_projection")
    settings = AnalyticsSettings(database_url=url)
    engine = make_engine(url, pool_size=2)  # the service's engine: its connection settings
    session_factory = async_sessionmaker(engine, expire_on_commit=False)
    runner = ConsumerRunner(
        topics=["stay.v1"],
        group_id="bench-projection",
        kafka=KafkaAccess("unused:9092"),
        session_factory=session_factory,
        processed_events=processed_events,
        handlers=build_handlers(settings),
        batch_handlers=build_batch_handlers(settings),
    )
    rng = random.Random(14)
    kinds, weights = zip(*FACILITY_MIX, strict=True)
    facilities = [
        facility(commune=26_734 + i % 50, facility_type=rng.choices(kinds, weights)[0])
        for i in range(200)
    ]
    await runner.process([record(new_envelope(f, producer="bench")) for f in facilities])
    day = date(2027, 2, 6)  # Tết 2027
    stays = registrations(rng, [f.facility_id for f in facilities], args.stays, day)
    # 1 % of the guests on the watchlist (by document), as the freshness benchmark.
    wanted = rng.sample(stays, max(1, args.stays // 100))
    async with engine.begin() as conn:
        for s in wanted:
            await conn.execute(
                text(
                    "INSERT INTO analytics.watchlist_entries (entry_id, full_name, name_key, "
                    "date_of_birth, document_number, reason, active, created_at, created_by) "
                    "VALUES (:id, :n, :k, :b, :d, 'bench', true, now(), 'bench')"
                ),
                {
                    "id": uuid.uuid4(),
                    "n": s.guest.full_name,
                    "k": name_match_key(s.guest.full_name),
                    "b": s.guest.date_of_birth,
                    "d": s.guest.id_number or s.guest.passport_number,
                },
            )
    if args.watchlist:
        # A province's list of wanted persons beside them: nobody here, born any day of
        # 55 years (so most runs' birth dates have a few), names of the same alphabet.
        await add_wanted_elsewhere(url.replace("+asyncpg", ""), args.watchlist)
    runs = [
        [record(new_envelope(s, producer="bench")) for s in stays[i : i + args.batch]]
        for i in range(0, len(stays), args.batch)
    ]
    async with engine.connect() as conn:
        backend = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    # pool_size 2 and one session at a time: the runner reuses the same connection.
    if args.profile:
        print(f"pid {os.getpid()}: attach py-spy now", flush=True)
        await asyncio.sleep(args.profile)
    # The envelopes above are the load generator's, held for the whole run: out of the
    # collector's reach, as the worker's own start-up heap is (luutru_common.app.settle_heap).
    # Left in, every full collection walked them again: ~40 % of the Python CPU measured.
    gc.collect()
    gc.freeze()
    me = os.getpid()
    walls = []
    cpu0, pg0, t0 = cpu_seconds(me), cpu_seconds(backend), time.monotonic()
    for run in runs:
        started = time.monotonic()
        await runner.process(run)
        walls.append(time.monotonic() - started)
    cpu1, pg1, t1 = cpu_seconds(me), cpu_seconds(backend), time.monotonic()
    async with engine.connect() as conn:
        facts = (await conn.execute(text("SELECT count(*) FROM analytics.stay_facts"))).scalar()
        alerts = (await conn.execute(text("SELECT count(*) FROM analytics.alerts"))).scalar()
    await engine.dispose()
    n = args.stays
    print(machine())
    print(
        f"{n} registrations in runs of {args.batch}: {t1 - t0:.1f} s wall, {n / (t1 - t0):.0f}/s; "
        f"Python CPU {(cpu1 - cpu0) / n * 1000:.3f} ms a registration, PostgreSQL backend CPU "
        f"{(pg1 - pg0) / n * 1000:.3f} ms; run wall p50 {percentile(walls, 50) * 1000:.0f} ms, "
        f"p95 {percentile(walls, 95) * 1000:.0f} ms; {facts} facts, {alerts} alerts"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stays", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--watchlist", type=int, default=0, help="more wanted persons, matching nobody here"
    )
    parser.add_argument("--profile", type=float, default=0, help="seconds to wait for py-spy")
    asyncio.run(main(parser.parse_args()))
