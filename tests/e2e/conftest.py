"""The three services as real processes (`luutru-<service> serve`) on their own database and
consumer groups, against the local PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.kafka_helpers import start_group_at_end
from tests.support import (
    E2E_PORT_BASE,
    ROOT,
    TEST_PASSWORD_HASHING_ENV,
    TEST_TAG,
    kafka_env,
    recreate_database,
    service_database_env,
)

E2E_DB = f"luutru_e2e{TEST_TAG}"
PORTS = {"accounts": E2E_PORT_BASE + 1, "ingest": E2E_PORT_BASE + 2, "analytics": E2E_PORT_BASE + 3}
ADMIN = ("admin", "E2e-Admin-Pass-2026")


@dataclass
class Platform:
    urls: dict[str, str]
    admin: tuple[str, str]
    logs: Path  # <service>.log: what each process wrote (stdout and stderr)

    def url(self, service: str, path: str) -> str:
        return self.urls[service] + path


@pytest.fixture(scope="session")
def platform(infrastructure, tmp_path_factory) -> Iterator[Platform]:
    with running_platform(E2E_DB, PORTS, tmp_path_factory.mktemp("service-logs")) as started:
        yield started


@contextlib.contextmanager
def running_platform(
    database: str, ports: dict[str, int], logs: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Platform]:
    """The three services as processes on a fresh ``database`` (``extra_env``: settings of
    one test's platform, e.g. tracing)."""
    recreate_database(database)
    env = {
        **os.environ,
        **kafka_env(),
        "LUUTRU_CONSUMER_GROUP_PREFIX": f"e2e{uuid.uuid4().hex[:8]}-",
        "LUUTRU_JWKS_URL": f"http://127.0.0.1:{ports['accounts']}/.well-known/jwks.json",
        "LUUTRU_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0],
        "LUUTRU_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "LUUTRU_OUTBOX_POLL_INTERVAL_S": "0.5",
        "LUUTRU_ENVIRONMENT": "test",
        **TEST_PASSWORD_HASHING_ENV,
        **(extra_env or {}),
    }
    # The Kafka is shared by every earlier run (and benchmarks): analytics of this platform
    # starts at the end of the stay and trip history instead of replaying all of it
    # (facility.v1 is compacted and small, and is read from the start as usual).
    analytics_group = env["LUUTRU_CONSUMER_GROUP_PREFIX"] + "analytics"
    for topic in ("stay.v1", "trip.v1"):
        asyncio.run(start_group_at_end(analytics_group, topic))
    processes = []
    for service, port in ports.items():
        log = open(logs / f"{service}.log", "wb")  # noqa: SIM115 — closed with the process
        processes.append(
            (
                service,
                log,
                subprocess.Popen(
                    [sys.executable, "-m", f"luutru_{service}", "serve", "--port", str(port)],
                    env={**env, **service_database_env(database, service)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                ),
            )
        )
    urls = {s: f"http://127.0.0.1:{p}" for s, p in ports.items()}
    try:
        _wait_ready(urls, processes, logs)
        yield Platform(urls=urls, admin=ADMIN, logs=logs)
    finally:
        for _, _log, process in processes:
            process.terminate()
        for _, log, process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


# Generous: on a busy 2-core machine importing three services at once has taken over a minute.
# Seconds the services have to answer /readyz (more on a loaded machine).
READY_TIMEOUT_S = float(os.environ.get("LUUTRU_E2E_READY_TIMEOUT", "180"))


def _wait_ready(urls, processes, logs: Path, timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(urls)
    while pending:
        for service, process_entry in [(s, p) for s, _, p in processes if s in pending]:
            if process_entry.poll() is not None:
                raise RuntimeError(
                    f"{service} exited: {(logs / f'{service}.log').read_text()[-3000:]}"
                )
        for service, url in list(pending.items()):
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    del pending[service]
            except httpx.HTTPError:
                pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready in {timeout}s: {sorted(pending)}")
        time.sleep(0.3)


def poll(fn, timeout: float, interval: float = 0.25):
    """Call ``fn`` until it returns something other than None, for at most ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = fn()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s")
        time.sleep(interval)
