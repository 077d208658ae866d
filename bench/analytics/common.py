"""Shared by the analytics benchmarks: a database of their own, the machine description."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

# The Kafka super user of infra/local.sh, from the one place the tests take it.
from tests.support import KAFKA  # noqa: F401

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
