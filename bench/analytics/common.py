"""Shared by the analytics benchmarks: a database of their own, the machine description."""

from __future__ import annotations

import os
import platform
import random
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import asyncpg

# The Kafka super user of infra/local.sh, from the one place the tests take it.
from tests.support import KAFKA  # noqa: F401

from luutru_common.identity import name_match_key

PG = ["psql", "-h", "127.0.0.1", "-p", os.environ.get("LUUTRU_PG_PORT", "55432"), "-U", "luutru"]


def database_url(name: str) -> str:
    port = os.environ.get("LUUTRU_PG_PORT", "55432")
    return f"postgresql+asyncpg://luutru:luutru@127.0.0.1:{port}/{name}"


def psql(db: str, sql: str) -> str:
    env = {**os.environ, "PGPASSWORD": "luutru"}
    done = subprocess.run(
        [*PG, "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return done.stdout.strip()


def fresh_database(name: str) -> str:
    """Drop, create and migrate (analytics only) a benchmark database."""
    psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{name}" OWNER luutru')
    url = database_url(name)
    subprocess.run(
        [sys.executable, "-m", "luutru_analytics", "migrate"],
        check=True,
        env={**os.environ, "LUUTRU_DATABASE_URL": url},
    )
    return url


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}, load average at start "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def timed_get(
    client, path: str, params: dict, headers: dict, reps: int
) -> tuple[float, float]:
    """p50 and p95 (seconds) of ``reps`` GETs of one question through the API, after two
    warm-ups; every answer must be a 200."""
    times = []
    for i in range(reps + 2):
        t = time.perf_counter()
        answer = await client.get(path, params=params, headers=headers)
        elapsed = time.perf_counter() - t
        assert answer.status_code == 200, answer.text
        if i >= 2:  # two warm-ups
            times.append(elapsed)
    return percentile(times, 50), percentile(times, 95)


async def add_wanted_elsewhere(dsn: str, n: int, seed: int = 55) -> None:
    """``n`` wanted persons on the watchlist of the database at ``dsn`` (plain asyncpg DSN)
    whom no registration of the benchmarks matches: names and documents of their own, born on
    any day of 55 years, so most runs of registrations share birth dates with some of them —
    what a province's real list does to the matching (the benchmarks' own watched guests are
    a few hundred)."""
    rng = random.Random(seed)
    first = date(1950, 1, 1)
    rows = []
    for i in range(n):
        name = f"Người Bị Truy Nã {i}"
        born = first + timedelta(days=rng.randrange(55 * 365))
        rows.append((uuid.uuid4(), name, name_match_key(name), born, f"9{i:011d}"))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(
            "INSERT INTO analytics.watchlist_entries (entry_id, full_name, name_key, "
            "date_of_birth, document_number, reason, active, created_at, created_by) "
            "VALUES ($1, $2, $3, $4, $5, 'bench', true, now(), 'bench')",
            rows,
        )
    finally:
        await conn.close()
