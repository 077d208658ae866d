"""The batch check-in's CPU per guest, in one process (run on purpose, not in the test suite):

    uv run python -m bench.ingest.batch_cpu [--batches 20] [--size 1000] [--bad 0]

The ingest app runs in this process (its workers off: no relay, no consumers) and takes
1,000-guest batches through its whole ASGI stack (middlewares, the body's reading, the
endpoint, the answer) on its own database; PostgreSQL and the load generator's JSON are not
counted. CPU per guest (this process's user + system time) moves far less with the
machine's load than `bench.ingest.run`'s rates, so it is the figure to compare changes by.
Run it under `py-spy record -- python -m bench.ingest.batch_cpu` for the split by stage.

`--bad N`: N guests of each batch break a rule (a missing name, a birth date in the future…),
so the refused path is measured too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
from datetime import date

import asyncpg
import httpx
from bench.ingest.data import guest
from bench.ingest.run import add_facilities, recreate
from tests.support import TEST_TAG, TestSigner, bearer, database_url, kafka_settings

from luutru_ingest.app import create_app
from luutru_ingest.settings import IngestSettings

COUNTS = re.compile(r'"(accepted|rejected)":\s*(\d+)')
DB = f"luutru_bench_batch_cpu{TEST_TAG}"
# Ways a guest is refused, each on a different field.
BREAKS = (
    lambda g: g.pop("full_name"),
    lambda g: g.update(date_of_birth="2999-01-01"),
    lambda g: g.update(id_number="12345"),
    lambda g: g.update(check_in_at="2026-11-31T10:00:00"),
)


def batches(n: int, size: int, bad: int, rng: random.Random) -> list[bytes]:
    serial = iter(range(10**7))
    day = date(2026, 11, 20)
    out = []
    for _ in range(n):
        guests = [guest(rng, next(serial), day) for _ in range(size)]
        for i, g in enumerate(rng.sample(guests, bad)):
            BREAKS[i % len(BREAKS)](g)
        out.append(json.dumps({"guests": guests}).encode())
    return out


async def main(args) -> None:
    recreate(DB)
    dsn = database_url(DB).replace("+asyncpg", "")
    rng = random.Random(7)
    conn = await asyncpg.connect(dsn)
    facilities = await add_facilities(conn, 200, rng)
    await conn.close()
    signer = TestSigner()
    settings = IngestSettings(
        database_url=database_url(DB),
        **kafka_settings(),
        embedded_workers=False,
        jwks_url="http://127.0.0.1:9/unused",
    )
    app = create_app(settings)
    app.state.token_verifier.add_jwks(signer.jwks)
    bodies = batches(args.warmup + args.batches, args.size, args.bad, rng)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            # Signed before the clock starts; the answer's counts read from its head
            # (the client's JSON parsing is not the server's cost).
            tokens = [
                signer.token(role="facility_staff", facility_id=fid, ttl=3600) for fid in facilities
            ]

            async def send(i: int, body: bytes) -> dict[str, int]:
                headers = bearer(tokens[i % len(tokens)])
                headers["Content-Type"] = "application/json"
                r = await client.post("/v1/stays/batch", content=body, headers=headers)
                r.raise_for_status()
                return {k: int(v) for k, v in COUNTS.findall(r.content[:200].decode())}

            for i, body in enumerate(bodies[: args.warmup]):
                await send(i, body)
            accepted = rejected = 0
            cpu, wall = time.process_time(), time.perf_counter()
            for i, body in enumerate(bodies[args.warmup :], start=args.warmup):
                answer = await send(i, body)
                accepted += answer["accepted"]
                rejected += answer["rejected"]
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    guests = args.batches * args.size
    print(
        json.dumps(
            {
                "guests": guests,
                "accepted": accepted,
                "rejected": rejected,
                "cpu_us_per_guest": round(1e6 * cpu / guests, 1),
                "wall_us_per_guest": round(1e6 * wall / guests, 1),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--bad", type=int, default=0)
    asyncio.run(main(parser.parse_args()))
