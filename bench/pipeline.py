"""The whole registration path as deployed, for the end-to-end benchmarks (freshness through
the API, the Tết day): `luutru-ingest serve` (API + its outbox relay to Kafka) and
`luutru-analytics worker` (the consumer projecting stay.v1, the watchlist matching, the
alert relay) as real processes on one database of their own, the local PostgreSQL and Kafka
(LUUTRU_PG_PORT / LUUTRU_KAFKA_PORT, as for the tests).

Measured while it runs, once a second: the ingest outbox backlog (accepted, not yet on Kafka),
the projection lag (on Kafka, not yet projected), and each process's memory. A stay is
*visible* when the transaction projecting it commits (a deferred trigger of the benchmark's
own records clock_timestamp() at commit), measured from the `received_at` ingest stamped on
it; an alert counts when Kafka acknowledged its WatchlistHit (when the relay deleted its
outbox row: `bench.analytics.freshness.published_sql`), from the registration's `registered_at`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import asyncpg
import httpx
from bench.analytics.common import add_wanted_elsewhere
from bench.analytics.freshness import SEEN, published_sql
from bench.ingest.data import facility_types, guest
from bench.ingest.run import serve_jwks
from bench.procs import cpu_seconds, kafka_pid
from tests.integration.kafka_helpers import start_group_at_end
from tests.support import (
    KAFKA,
    ROOT,
    TEST_TAG,
    TestSigner,
    bearer,
    database_url,
    kafka_env,
    recreate_database,
    service_database_env,
)

from luutru_common.consumer import ensure_topics
from luutru_common.settings import runtime_role

# Suffixed like the tests' databases, so two people's runs on one cluster never share one.
DB = f"luutru_bench_pipeline{TEST_TAG}"
DAY = date(2026, 2, 16)  # the first day of Tết 2026
LOAD_GENERATOR = "load generator (this process)"


def memory_mb(pid: int, field_name: str = "VmHWM") -> float:
    """A process's peak (VmHWM) or current (VmRSS) resident memory."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def postgres_pid() -> int | None:
    """The postmaster of infra/local.sh's cluster (the first line of postmaster.pid)."""
    path = Path(os.environ.get("LUUTRU_LOCAL_DIR", ROOT / ".local")) / "pg" / "data"
    with contextlib.suppress(OSError, ValueError):
        return int((path / "postmaster.pid").read_text().split()[0])
    return None


# When each outbox row's transaction committed (created_at is when it began): splits the
# request's time in its transaction from the relay's.
COMMITTED = """
CREATE TABLE ingest.bench_committed (id bigint PRIMARY KEY, committed_at timestamptz NOT NULL);
CREATE FUNCTION ingest.bench_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ingest.bench_committed VALUES (NEW.id, clock_timestamp());
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER bench_committed AFTER INSERT ON ingest.outbox
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ingest.bench_committed();
"""


@dataclass
class Sample:
    t: float
    outbox_backlog: int  # accepted by ingest, not yet acknowledged by Kafka
    projection_lag: int  # on Kafka, not yet projected by analytics
    seen: int


@dataclass
class Pipeline:
    """A running ingest + analytics; `guests` makes registrations (1 % on the watchlist)."""

    signer: TestSigner
    facilities: list[uuid.UUID]
    watched: list[dict]  # people on the watchlist (their ID numbers)
    processes: dict[str, subprocess.Popen]
    client: httpx.AsyncClient
    admin: asyncpg.Pool
    samples: list[Sample] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(14))
    serial: int = 0
    tokens: dict[uuid.UUID, dict[str, str]] = field(default_factory=dict)
    relayed_before: int = 0  # the warm-up's events
    cpu_before: dict[str, float] = field(default_factory=dict)  # at the end of the warm-up
    not_accepted: dict = field(default_factory=lambda: {"duplicates": 0, "rejected": 0})

    async def warm_up(self) -> None:
        """One small batch through the whole path (the consumer has joined its group and
        been assigned its partitions once it is projected), then forgotten by the counts."""
        accepted = await self.batch(20)
        await self.wait_projected(accepted, timeout=300)
        async with self.admin.acquire() as conn:
            await conn.execute("TRUNCATE analytics.bench_seen")
        for _ in range(100):
            backlog, relayed, _ = await self.counts()
            if backlog == 0:
                break
            await asyncio.sleep(0.1)
        self.relayed_before = relayed
        self.cpu_before = self.cpu_so_far()

    def guests(self, n: int) -> list[dict]:
        out = []
        for _ in range(n):
            self.serial += 1
            g = guest(self.rng, self.serial, DAY)
            if self.rng.random() < 0.01:  # someone the police are looking for, another stay
                stay = {k: g[k] for k in ("room", "reason", "check_in_at", "expected_check_out")}
                g = {**self.rng.choice(self.watched), **stay}
            out.append(g)
        return out

    def headers(self, facility: uuid.UUID) -> dict[str, str]:
        if facility not in self.tokens:
            self.tokens[facility] = bearer(
                self.signer.token(role="facility_staff", facility_id=facility, ttl=7200)
            )
        return self.tokens[facility]

    async def batch(self, n: int) -> int:
        """One PMS batch of `n` guests; the number accepted."""
        fid = self.rng.choice(self.facilities)
        r = await self.client.post(
            "/v1/stays/batch", json={"guests": self.guests(n)}, headers=self.headers(fid)
        )
        r.raise_for_status()
        body = r.json()
        self.not_accepted["duplicates"] += body["duplicates"]
        self.not_accepted["rejected"] += body["rejected"]
        if body["rejected"] and "example" not in self.not_accepted:
            bad = next(x for x in body["results"] if x.get("status") == "rejected")
            self.not_accepted["example"] = json.dumps(bad, ensure_ascii=False)[:400]
        return body["accepted"]

    async def single(self) -> int:
        fid = self.rng.choice(self.facilities)
        r = await self.client.post("/v1/stays", json=self.guests(1)[0], headers=self.headers(fid))
        if r.status_code not in (200, 201):
            raise RuntimeError(f"single check-in: {r.status_code} {r.text[:300]}")
        if r.status_code == 200:  # already registered: no new event
            self.not_accepted["duplicates"] += 1
        return 1 if r.status_code == 201 else 0

    async def counts(self) -> tuple[int, int, int]:
        """(outbox backlog, relayed, projected) now."""
        # Relayed = rows written (the outbox's ids run from 1 without gaps in a run with no
        # failed transaction: its sequence) less those waiting (the table is the backlog), so
        # the sampling costs the database little — counting the published rows read them
        # all every second, ~2 s of PostgreSQL time in a 20 s run.
        async with self.admin.acquire() as conn:
            backlog, written, seen = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM ingest.outbox WHERE published_at IS NULL), "
                "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END "
                "FROM ingest.outbox_id_seq), "
                "(SELECT count(*) FROM analytics.bench_seen)"
            )
        return backlog, written - backlog, seen

    async def sample_forever(self, started: float) -> None:
        while True:
            backlog, relayed, seen = await self.counts()
            lag = relayed - self.relayed_before - seen
            self.samples.append(Sample(time.monotonic() - started, backlog, lag, seen))
            await asyncio.sleep(1)

    async def wait_projected(self, total: int, timeout: float) -> float:
        """Until `total` stays are projected; the monotonic time it happened."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (await self.counts())[2] >= total:
                return time.monotonic()
            await asyncio.sleep(0.2)
        raise RuntimeError(f"not all {total} stays projected in {timeout} s")

    async def wait_alerts(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.admin.acquire() as conn:
                waiting = await conn.fetchval(
                    "SELECT count(*) FROM analytics.outbox WHERE published_at IS NULL"
                )
            if waiting == 0:
                return
            await asyncio.sleep(0.5)

    async def latencies(self) -> dict:
        async with self.admin.acquire() as conn:
            visible = await conn.fetchval(
                "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY "
                "extract(epoch FROM b.seen_at - f.received_at)) "
                "FROM analytics.bench_seen b JOIN analytics.stay_facts f USING (stay_id)"
            )
            alerts = await conn.fetchrow(
                "SELECT count(*), percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP "
                "(ORDER BY extract(epoch FROM o.published_at - a.registered_at)) "
                "FROM analytics.alerts a JOIN analytics.bench_published o "
                "ON o.key = a.alert_id::text"
            )
            # Where the time went, stay by stay: the request until its transaction began
            # (the outbox row's created_at), until it committed, until Kafka acknowledged it
            # (published_at: the relay's wake-up, fetch, produce), until the projection
            # committed (Kafka's delivery, the consumer's fetch wait and transaction).
            stages = await conn.fetchrow(
                "SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP "
                "(ORDER BY extract(epoch FROM o.created_at - f.received_at)) AS began, "
                "percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP "
                "(ORDER BY extract(epoch FROM c.committed_at - o.created_at)) AS committed, "
                "percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP "
                "(ORDER BY extract(epoch FROM o.published_at - c.committed_at)) AS relayed, "
                "percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP "
                "(ORDER BY extract(epoch FROM b.seen_at - o.published_at)) AS projected "
                "FROM analytics.bench_seen b JOIN analytics.stay_facts f USING (stay_id) "
                "JOIN ingest.bench_published o ON o.event_type = 'GuestCheckedIn' "
                "AND (o.payload::jsonb -> 'data' ->> 'stay_id')::uuid = b.stay_id "
                "JOIN ingest.bench_committed c ON c.id = o.id"
            )
        return {
            "stage_p50_p95_s": {
                k: [round(x, 3) for x in stages[k]] if stages[k] else None
                for k in ("began", "committed", "relayed", "projected")
            },
            "visible_p50_s": round(visible[0], 3),
            "visible_p95_s": round(visible[1], 3),
            "visible_p99_s": round(visible[2], 3),
            "alerts": alerts[0],
            "alert_p50_s": round(alerts[1][0], 3) if alerts[0] else None,
            "alert_p95_s": round(alerts[1][1], 3) if alerts[0] else None,
        }

    def memory(self) -> dict[str, float]:
        """Peak resident memory (MB) of each process, this one and Kafka's JVM included."""
        peaks = {name: memory_mb(p.pid) for name, p in self.processes.items()}
        peaks[LOAD_GENERATOR] = memory_mb(os.getpid())
        if (pid := kafka_pid()) is not None:
            peaks["kafka"] = memory_mb(pid)
        return {k: round(v) for k, v in peaks.items()}

    def cpu_so_far(self) -> dict[str, float]:
        """CPU seconds of each process since it started: the services, PostgreSQL (every
        backend, the benchmark's own few queries included) and Kafka's JVM."""
        spent = {name: cpu_seconds(p.pid) for name, p in self.processes.items()}
        if (pid := postgres_pid()) is not None:
            # The postmaster with the backends alive now and those it has reaped: backends come
            # and go with the services' pools.
            spent["postgresql"] = cpu_seconds(pid, children=True, reaped=True)
        if (pid := kafka_pid()) is not None:
            spent["kafka"] = cpu_seconds(pid)
        spent[LOAD_GENERATOR] = cpu_seconds(os.getpid())
        return spent

    def cpu(self) -> dict[str, float]:
        """CPU seconds of each process since the warm-up: the run's own work."""
        now = self.cpu_so_far()
        return {k: round(v - self.cpu_before.get(k, 0.0), 1) for k, v in now.items()}

    def cpu_per_registration_ms(self, registrations: int) -> dict[str, float]:
        spent = self.cpu()
        per = {k: round(1000 * v / registrations, 3) for k, v in spent.items()}
        # The pipeline's own: the benchmark's client is not part of it.
        per["total"] = round(sum(v for k, v in per.items() if k != LOAD_GENERATOR), 3)
        return per


@contextlib.asynccontextmanager
async def pipeline(
    *,
    port: int,
    facilities: int = 200,
    extra_env: dict | None = None,
    separate_workers: bool = False,
    watchlist: int = 0,
):
    """Fresh database, facilities in both services, 200 watched documents, both processes
    started and ready. `separate_workers`: ingest's relay in a `luutru-ingest worker`
    process (port + 2), as deployed, instead of in the API's. `watchlist`: that many more
    wanted persons, with names and birth dates, matching nobody (a province's real list)."""
    for attempt in range(5):  # the previous run's backends may still be closing
        try:
            recreate_database(DB)
            break
        except subprocess.CalledProcessError:
            if attempt == 4:
                raise
            await asyncio.sleep(3)
    rng = random.Random(7)
    fids = [uuid.uuid4() for _ in range(facilities)]
    kinds = facility_types(facilities, rng)
    people = (guest(rng, 900_000 + i, DAY) for i in range(10_000))
    watched = [p for p in people if "id_number" in p][:200]
    admin = await asyncpg.create_pool(
        database_url(DB).replace("+asyncpg", ""), min_size=1, max_size=3
    )
    async with admin.acquire() as conn:
        await conn.executemany(
            "INSERT INTO ingest.facilities (id, code, name, facility_type, province_code, "
            "commune_code, beds, status, as_of) VALUES ($1, $2, 'Bench', $3, 75, 26068, NULL, "
            "'active', now())",
            [(f, f"B-{i}", k) for i, (f, k) in enumerate(zip(fids, kinds, strict=True))],
        )
        await conn.executemany(
            "INSERT INTO analytics.facilities (facility_id, code, name, facility_type, "
            "star_rating, province_code, commune_code, status, registered_at, as_of) "
            "VALUES ($1, $2, 'Bench', $3, NULL, 75, 26068, 'active', now(), now())",
            [(f, f"B-{i}", k) for i, (f, k) in enumerate(zip(fids, kinds, strict=True))],
        )
        await conn.executemany(
            "INSERT INTO analytics.watchlist_entries (entry_id, document_number, created_by) "
            "VALUES ($1, $2, 'bench')",
            [(uuid.uuid4(), p["id_number"]) for p in watched],
        )
        await conn.execute(SEEN)
        await conn.execute(COMMITTED)
    if watchlist:
        await add_wanted_elsewhere(database_url(DB).replace("+asyncpg", ""), watchlist)
    async with admin.acquire() as conn:
        await conn.execute(f"GRANT INSERT ON ingest.bench_committed TO {runtime_role('ingest')}")
        for service in ("ingest", "analytics"):  # the relays' triggers run as their roles
            await conn.execute(published_sql(service))
            await conn.execute(
                f"GRANT INSERT ON {service}.bench_published TO {runtime_role(service)}"
            )
        # The trigger runs as analytics' runtime role.
        await conn.execute(f"GRANT INSERT ON analytics.bench_seen TO {runtime_role('analytics')}")
    signer = TestSigner()
    prefix = f"pipe{uuid.uuid4().hex[:6]}-"
    await ensure_topics(KAFKA, ["stay.v1", "trip.v1", "alert.v1"])
    for topic in ("stay.v1", "trip.v1"):  # this run's registrations, not earlier runs'
        await start_group_at_end(f"{prefix}analytics", topic)
    env = {
        **os.environ,
        **kafka_env(),
        "LUUTRU_CONSUMER_GROUP_PREFIX": prefix,
        "LUUTRU_JWKS_URL": serve_jwks(signer),
        "LUUTRU_LOG_LEVEL": "WARNING",
        "LUUTRU_ENVIRONMENT": "test",
        "LUUTRU_DATABASE_POOL_SIZE": "20",
        **(extra_env or {}),
    }
    commands = {
        "ingest": ["luutru_ingest", "serve", "--port", str(port)],
        "analytics": ["luutru_analytics", "worker", "--port", str(port + 1)],
    }
    if separate_workers:
        # As deployed (deploy/k8s): ingest's relay in a process of its own, off the API's loop.
        env["LUUTRU_EMBEDDED_WORKERS"] = "false"
        commands["ingest relay"] = ["luutru_ingest", "worker", "--port", str(port + 2)]
    processes = {
        name: subprocess.Popen(  # noqa: ASYNC220 — started once, before the clock
            [sys.executable, "-m", *argv],
            env={**env, **service_database_env(DB, name.split()[0])},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=None,
        )
        for name, argv in commands.items()
    }
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=300, limits=limits
        ) as client:
            for name, p in ((n, port + i) for i, n in enumerate(commands)):
                for _ in range(900):
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(f"http://127.0.0.1:{p}/readyz")).status_code == 200:
                            break
                    if processes[name].poll() is not None:
                        raise SystemExit(f"{name} exited with {processes[name].returncode}")
                    await asyncio.sleep(0.2)
            running = Pipeline(signer, fids, watched, processes, client, admin)
            await running.warm_up()
            yield running
    finally:
        for p in processes.values():
            p.terminate()
        for p in processes.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        await admin.close()


async def idle(seconds: int, port: int, separate_workers: bool) -> dict[str, float]:
    """CPU each process spends a second with nothing to do (polls, heartbeats, the relay's
    and the consumers' waits): the part of a slow stream's CPU that is not per registration."""
    async with pipeline(port=port, separate_workers=separate_workers) as p:
        await asyncio.sleep(seconds)
        return {k: round(1000 * v / seconds, 1) for k, v in p.cpu().items()}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="The pipeline at rest: CPU ms a second.")
    parser.add_argument("--idle", type=int, default=60, help="seconds to measure")
    parser.add_argument("--port", type=int, default=32400)
    parser.add_argument("--separate-workers", action="store_true")
    args = parser.parse_args()
    spent = asyncio.run(idle(args.idle, args.port, args.separate_workers))
    print(json.dumps({"idle_cpu_ms_per_s": spent, "load": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()
