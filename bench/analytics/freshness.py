"""Freshness: how long from a registration to (a) the stay being visible in the feeds'
tables and (b) its watchlist alert being published on alert.v1, at a steady rate.

    uv run python -m bench.analytics.freshness --rate 1000 --seconds 30

Runs the analytics service's real workers (consumer + outbox relay) in-process against a
database and topics of its own. A separate process (as ingest would be) publishes
GuestCheckedIn envelopes straight to the stay topic at the given rate, 1 % of them for people
on the watchlist. Visibility is observed by polling the projection every 50 ms (so at most
50 ms pessimistic); an alert counts when Kafka acknowledged its WatchlistHit (the outbox
row's published_at), measured from the registration's received_at.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import queue
import random
import time
import uuid
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer
from bench.analytics.common import KAFKA, fresh_database, machine, percentile
from sqlalchemy import text

from luutru_analytics.app import create_app
from luutru_analytics.rebuild import source_topics
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.consumer import ensure_topics
from luutru_common.events import GuestCheckedIn, GuestIdentity, new_envelope


def registration(facility_id: uuid.UUID, document: str) -> GuestCheckedIn:
    now = datetime.now(UTC)
    return GuestCheckedIn(
        stay_id=uuid.uuid4(),
        facility_id=facility_id,
        facility_type="hotel",
        province_code=75,
        commune_code=26068,
        star_rating=3,
        guest=GuestIdentity(
            full_name="Nguyễn Văn Thử",
            date_of_birth=date(1990, 1, 1),
            gender="male",
            id_number=document,
            nationality="VNM",
            country_of_residence="VNM",
        ),
        room=str(random.randrange(1, 200)),
        check_in_at=now,
        received_at=now,
        due_at=now,
    )


def produce(topic: str, rate: int, seconds: int, wanted: list[str], out) -> None:
    """Publish at a steady rate; report (stay id, send time, hit?) in small batches. Send
    times are CLOCK_MONOTONIC, which processes share."""

    async def go() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=KAFKA, linger_ms=2)
        await producer.start()
        facilities = [uuid.uuid4() for _ in range(300)]
        started = time.monotonic()
        total = rate * seconds
        batch = []
        for i in range(total):
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            hit = random.random() < 0.01
            doc = random.choice(wanted) if hit else f"075{random.randrange(10**9):09d}"
            event = registration(random.choice(facilities), doc)
            env = new_envelope(event, producer="bench")
            await producer.send(
                topic, env.model_dump_json().encode(), key=str(event.facility_id).encode()
            )
            batch.append((event.stay_id, time.monotonic(), hit))
            if len(batch) >= 50:
                out.put(batch)
                batch = []
        await producer.flush()
        out.put(batch)
        out.put(("done", total / (time.monotonic() - started)))
        await producer.stop()

    asyncio.run(go())


async def run(rate: int, seconds: int) -> dict:
    url = fresh_database("luutru_bench_freshness")
    prefix = f"bench{uuid.uuid4().hex[:6]}-"
    settings = AnalyticsSettings(
        database_url=url,
        kafka_bootstrap=KAFKA,
        source_topic_prefix=prefix,
        consumer_group_prefix=prefix,
        outbox_poll_interval_s=0.2,
        embedded_workers=True,
        database_pool_size=5,
    )
    topics = source_topics(settings)
    await ensure_topics(KAFKA, topics, partitions=6)
    wanted = [f"09{random.randrange(10**10):010d}" for _ in range(200)]
    sent: dict[uuid.UUID, float] = {}
    hits: dict[uuid.UUID, float] = {}
    visible: dict[uuid.UUID, float] = {}
    achieved = None
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        factory = app.state.session_factory
        async with factory() as s, s.begin():
            for doc in wanted:
                await s.execute(
                    text(
                        "INSERT INTO analytics.watchlist_entries (entry_id, document_number, "
                        "created_by) VALUES (:e, :d, 'bench')"
                    ),
                    {"e": uuid.uuid4(), "d": doc},
                )
        while not (app.state.consumer.running and app.state.consumer.assignment()):
            await asyncio.sleep(0.2)
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        child = ctx.Process(target=produce, args=(topics[1], rate, seconds, wanted, out))
        child.start()
        while achieved is None or len(visible) < len(sent):
            while True:
                try:
                    item = out.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, tuple):
                    achieved = item[1]
                    continue
                for sid, t, hit in item:
                    sent[sid] = t
                    if hit:
                        hits[sid] = t
            pending = [k for k in sent if k not in visible][:20000]
            if pending:
                async with factory() as s:
                    found = (
                        (
                            await s.execute(
                                text(
                                    "SELECT stay_id FROM analytics.stay_facts "
                                    "WHERE stay_id = ANY(:ids)"
                                ),
                                {"ids": pending},
                            )
                        )
                        .scalars()
                        .all()
                    )
                now = time.monotonic()
                for sid in found:
                    visible[sid] = now
            await asyncio.sleep(0.05)
        child.join()
        deadline = time.monotonic() + 60
        while True:
            async with factory() as s:
                rows = (
                    (
                        await s.execute(
                            text(
                                "SELECT extract(epoch FROM o.published_at - a.registered_at) "
                                "FROM analytics.alerts a JOIN analytics.outbox o "
                                "ON o.key = a.alert_id::text WHERE o.published_at IS NOT NULL"
                            )
                        )
                    )
                    .scalars()
                    .all()
                )
            if len(rows) >= len(hits) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    lags = [visible[k] - sent[k] for k in sent]
    alert_lags = [float(r) for r in rows]
    return {
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "rate_target": rate,
        "rate_achieved": round(achieved or 0),
        "registrations": len(sent),
        "visible_p50_s": round(percentile(lags, 50), 3),
        "visible_p95_s": round(percentile(lags, 95), 3),
        "visible_p99_s": round(percentile(lags, 99), 3),
        "alerts_expected": len(hits),
        "alerts_published": len(alert_lags),
        "alert_p50_s": round(percentile(alert_lags, 50), 3),
        "alert_p95_s": round(percentile(alert_lags, 95), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    result = asyncio.run(run(args.rate, args.seconds))
    for k, v in result.items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
