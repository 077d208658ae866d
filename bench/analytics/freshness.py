"""Freshness: how long from a registration to (a) the stay being visible in the feeds'
tables and (b) its watchlist alert being published on alert.v1, at a steady rate.

    uv run python -m bench.analytics.freshness --rate 1000 --seconds 30 [--through-api
                                               [--separate-workers]]

`--through-api`: the registrations go through the ingest API (PMS batches of `--batch`
guests, sent on schedule whatever the previous ones are doing) while it takes that load, are
relayed to Kafka by ingest's outbox relay and projected by `luutru-analytics worker` — the
whole path as deployed (bench/pipeline.py). Without it:

Runs the analytics service's real workers (consumer + outbox relay) in-process against a
database and topics of its own. A separate process (as ingest would be) publishes
GuestCheckedIn envelopes straight to the stay topic at the given rate, 1 % of them for people
on the watchlist. Visibility = the commit of the stay's projection (a deferred trigger of
the benchmark's own records clock_timestamp() at commit), measured from the registration's
received_at; an alert counts when Kafka acknowledged its WatchlistHit (the outbox row's
published_at).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import queue
import random
import time
import uuid
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer
from bench.analytics.common import KAFKA, fresh_database, machine, psql
from sqlalchemy import text
from tests.support import kafka_settings

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


def produce(
    topic: str, rate: int, seconds: int, wanted: list[str], facilities: list[uuid.UUID], out
) -> None:
    """Publish at a steady rate; report (stay id, send time, hit?) in small batches. Send
    times are CLOCK_MONOTONIC, which processes share."""

    async def go() -> None:
        producer = AIOKafkaProducer(**KAFKA.client_options(), linger_ms=2)
        await producer.start()
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


SEEN = """
CREATE TABLE analytics.bench_seen (stay_id uuid PRIMARY KEY, seen_at timestamptz NOT NULL);
CREATE FUNCTION analytics.bench_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics.bench_seen VALUES (NEW.stay_id, clock_timestamp())
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
-- Deferred: fires at commit, i.e. when the stay becomes visible to the feeds.
CREATE CONSTRAINT TRIGGER bench_seen AFTER INSERT ON analytics.stay_facts
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION analytics.bench_seen();
"""


def published_sql(schema: str) -> str:
    """When each of the schema's outbox rows was published: the relay deletes a row once
    Kafka acknowledged its event, and this benchmark's own trigger keeps what it deleted with
    the time (`published_at`). One statement-level insert per relay round."""
    return f"""
CREATE TABLE {schema}.bench_published (id bigint, key text, event_type text, payload text,
  created_at timestamptz, published_at timestamptz);
CREATE FUNCTION {schema}.bench_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {schema}.bench_published
  SELECT id, key, event_type, payload, created_at, clock_timestamp() FROM gone;
  RETURN NULL;
END $$;
CREATE TRIGGER bench_published AFTER DELETE ON {schema}.outbox REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.bench_published();
"""


async def run(rate: int, seconds: int) -> dict:
    url = fresh_database("luutru_bench_freshness")
    psql("luutru_bench_freshness", SEEN + published_sql("analytics"))
    prefix = f"bench{uuid.uuid4().hex[:6]}-"
    settings = AnalyticsSettings(
        database_url=url,
        **kafka_settings(KAFKA),
        source_topic_prefix=prefix,
        consumer_group_prefix=prefix,
        outbox_poll_interval_s=0.2,
        embedded_workers=True,
        database_pool_size=5,
    )
    topics = source_topics(settings)
    await ensure_topics(KAFKA, topics, partitions=6)
    wanted = [f"09{random.randrange(10**10):010d}" for _ in range(200)]
    # Stays are filed under their facility as analytics knows it from facility.v1: the
    # registry is there before the registrations, as in production.
    facilities = [uuid.uuid4() for _ in range(300)]
    total = rate * seconds
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        factory = app.state.session_factory
        async with factory() as s, s.begin():
            await s.execute(
                text(
                    "INSERT INTO analytics.facilities (facility_id, code, name, facility_type, "
                    "star_rating, province_code, commune_code, status, registered_at, as_of) "
                    "VALUES (:f, :code, 'Khách sạn thử', 'hotel', 3, 75, 26068, 'active', "
                    "now(), now())"
                ),
                [{"f": f, "code": f"75-{f.hex[:6]}"} for f in facilities],
            )
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
        child = ctx.Process(
            target=produce, args=(topics[1], rate, seconds, wanted, facilities, out)
        )
        child.start()
        hits = achieved = 0
        while True:
            await asyncio.sleep(1)
            while True:
                try:
                    item = out.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, tuple):
                    achieved = item[1]
                else:
                    hits += sum(1 for *_, hit in item if hit)
            async with factory() as s:
                seen = await s.scalar(text("SELECT count(*) FROM analytics.bench_seen"))
            if achieved and seen >= total:
                break
        child.join()
        deadline = time.monotonic() + 60
        while True:
            async with factory() as s:
                published = await s.scalar(text("SELECT count(*) FROM analytics.bench_published"))
            if published >= hits or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        async with factory() as s:
            # From received_at (stamped by the publisher just before sending) to commit.
            visible = (
                await s.execute(
                    text(
                        "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY "
                        "extract(epoch FROM b.seen_at - f.received_at)) "
                        "FROM analytics.bench_seen b JOIN analytics.stay_facts f USING (stay_id)"
                    )
                )
            ).scalar_one()
            alerts, alert_pct = (
                await s.execute(
                    text(
                        "SELECT count(*), percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP "
                        "(ORDER BY extract(epoch FROM o.published_at - a.registered_at)) "
                        "FROM analytics.alerts a JOIN analytics.bench_published o "
                        "ON o.key = a.alert_id::text"
                    )
                )
            ).one()
    return {
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "rate_target": rate,
        "rate_achieved": round(achieved or 0),
        "registrations": total,
        "visible_p50_s": round(visible[0], 3),
        "visible_p95_s": round(visible[1], 3),
        "visible_p99_s": round(visible[2], 3),
        "alerts_expected": hits,
        "alerts_published": alerts,
        "alert_p50_s": round(alert_pct[0], 3),
        "alert_p95_s": round(alert_pct[1], 3),
    }


async def run_through_api(
    rate: int, seconds: int, batch: int, port: int, separate_workers: bool, watchlist: int = 0
) -> dict:
    """Registrations through the ingest API at `rate` a second, in batches of `batch`."""
    from bench.pipeline import pipeline

    async with pipeline(port=port, separate_workers=separate_workers, watchlist=watchlist) as p:
        started = time.monotonic()
        sampler = asyncio.create_task(p.sample_forever(started))
        sent = total = 0
        answers: list[float] = []

        async def send(n: int) -> int:
            t = time.monotonic()
            accepted = await p.batch(n)
            answers.append(time.monotonic() - t)
            return accepted

        tasks = []
        per_second = rate / batch
        while sent < rate * seconds:
            delay = started + len(tasks) / per_second - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            n = min(batch, rate * seconds - sent)
            tasks.append(asyncio.create_task(send(n)))
            sent += n
        offered_for = time.monotonic() - started  # the last batch sent
        total = sum(await asyncio.gather(*tasks))
        await p.wait_projected(total, timeout=600)
        await p.wait_alerts()
        sampler.cancel()
        answers.sort()
        return {
            "machine": machine(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "rate_target": rate,
            "rate_achieved": round(sent / offered_for),
            "registrations_accepted": total,
            "not_accepted": p.not_accepted,
            "batch": batch,
            "separate_workers": separate_workers,
            "batch_answer_p50_s": round(answers[len(answers) // 2], 3),
            "batch_answer_p95_s": round(answers[int(len(answers) * 0.95)], 3),
            **await p.latencies(),
            "largest_outbox_backlog": max(s.outbox_backlog for s in p.samples),
            "largest_projection_lag": max(s.projection_lag for s in p.samples),
            "cpu_s": p.cpu(),
            "cpu_ms_per_registration": p.cpu_per_registration_ms(total),
            "peak_memory_mb": p.memory(),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--through-api", action="store_true")
    parser.add_argument("--batch", type=int, default=100, help="guests per API batch")
    parser.add_argument("--port", type=int, default=32200)
    parser.add_argument(
        "--separate-workers",
        action="store_true",
        help="with --through-api: ingest's relay in a `worker` process, as deployed",
    )
    parser.add_argument(
        "--watchlist", type=int, default=0, help="with --through-api: more wanted persons"
    )
    args = parser.parse_args()
    if args.through_api:
        result = asyncio.run(
            run_through_api(
                args.rate,
                args.seconds,
                args.batch,
                args.port,
                args.separate_workers,
                args.watchlist,
            )
        )
    else:
        result = asyncio.run(run(args.rate, args.seconds))
    load = os.getloadavg()
    result["load_average_end"] = f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
    for k, v in result.items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
