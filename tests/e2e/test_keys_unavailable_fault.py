"""Keys unavailable is 503, never 401 (issue 15, point 6), on real processes.

The fault of the probe: PostgreSQL killed (kill -9) while ingest restarted. Ingest could not
fetch the signing keys and answered check-ins carrying valid tokens with 401 "unknown
signing key". Here, on a PostgreSQL and Kafka of the test's own:

1. accounts and ingest run; a facility's manager checks a guest in (201);
2. PostgreSQL is killed; ingest is restarted without its key cache (the worst case), while
   accounts still serves its key set from memory; then accounts is restarted too, and ingest
   once more, so neither a cache nor accounts' memory has the keys;
3. through all of it, check-ins with the manager's valid token are answered 503 with
   Retry-After, never 401;
4. PostgreSQL comes back: the same token's check-in is 201.

Runs its own PostgreSQL and Kafka (own data directory under .local/, own ports), never the
shared ones: LUUTRU_FAULT_PG_PORT, LUUTRU_FAULT_KAFKA_PORT, LUUTRU_FAULT_KAFKA_CONTROLLER_PORT,
by default LUUTRU_E2E_PORT_BASE + 520, 521, 522.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests import support
from tests.e2e.conftest import Platform, poll
from tests.e2e.console.helpers import Account, api_token, new_facility
from tests.support import E2E_PORT_BASE, ROOT, TEST_TAG

# Starting a PostgreSQL and a Kafka of its own, twice, takes minutes on a busy machine.
pytestmark = [pytest.mark.infra_crash, pytest.mark.timeout(1200), pytest.mark.runs_long(90)]

PG_PORT = int(os.environ.get("LUUTRU_FAULT_PG_PORT", str(E2E_PORT_BASE + 520)))
KAFKA_PORT = int(os.environ.get("LUUTRU_FAULT_KAFKA_PORT", str(E2E_PORT_BASE + 521)))
CONTROLLER_PORT = int(
    os.environ.get("LUUTRU_FAULT_KAFKA_CONTROLLER_PORT", str(E2E_PORT_BASE + 522))
)
LOCAL_DIR = ROOT / ".local" / f"keys-fault-test-{PG_PORT}"
INFRA_ENV = {
    **os.environ,
    "LUUTRU_LOCAL_DIR": str(LOCAL_DIR),
    "LUUTRU_PG_PORT": str(PG_PORT),
    "LUUTRU_KAFKA_PORT": str(KAFKA_PORT),
    "LUUTRU_KAFKA_CONTROLLER_PORT": str(CONTROLLER_PORT),
}
DB = f"luutru_keysfault{TEST_TAG}"
PORTS = {"accounts": E2E_PORT_BASE + 30, "ingest": E2E_PORT_BASE + 31}
ADMIN = ("admin", "Fault-Admin-Pass-2026")


def infra(command: str) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "infra" / "local.sh"), command],
        env=INFRA_ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def kill_postgres() -> None:
    pid = int((LOCAL_DIR / "pg" / "data" / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return
        if state == "Z":
            return
        time.sleep(0.05)


class Services:
    """accounts and ingest as real processes on the test's own database and Kafka."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            # This test's own secured broker: its CA, and the super user (the test's prefixed
            # consumer groups lie outside the service principals' ACLs).
            **support.kafka_env(
                support.kafka_access(bootstrap=f"127.0.0.1:{KAFKA_PORT}", local_dir=LOCAL_DIR)
            ),
            "LUUTRU_CONSUMER_GROUP_PREFIX": f"keysfault{uuid.uuid4().hex[:8]}-",
            "LUUTRU_JWKS_URL": f"http://127.0.0.1:{PORTS['accounts']}/.well-known/jwks.json",
            # Ingest's last good key set: removed before each restart below (the worst case).
            "LUUTRU_JWKS_CACHE_PATH": str(logs / "ingest-jwks.json"),
            "LUUTRU_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0],
            "LUUTRU_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
            "LUUTRU_OUTBOX_POLL_INTERVAL_S": "0.5",
            "LUUTRU_ENVIRONMENT": "test",
            **support.TEST_PASSWORD_HASHING_ENV,
        }

    def start(self, service: str) -> None:
        log = open(self.logs / f"{service}.log", "ab")  # noqa: SIM115 — the process keeps it
        self.processes[service] = subprocess.Popen(
            [sys.executable, "-m", f"luutru_{service}", "serve", "--port", str(PORTS[service])],
            env={**self.env, **support.service_database_env(DB, service)},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    def stop(self, service: str) -> None:
        process = self.processes.pop(service)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def wait_live(self, service: str) -> None:
        def live():
            process = self.processes[service]
            assert process.poll() is None, (self.logs / f"{service}.log").read_text()[-3000:]
            try:
                url = f"http://127.0.0.1:{PORTS[service]}/livez"
                return httpx.get(url, timeout=2).status_code == 200 or None
            except httpx.HTTPError:
                return None

        poll(live, timeout=180)

    def wait_ready(self, service: str) -> None:
        def ready():
            try:
                url = f"http://127.0.0.1:{PORTS[service]}/readyz"
                return httpx.get(url, timeout=2).status_code == 200 or None
            except httpx.HTTPError:
                return None

        poll(ready, timeout=180)

    def restart_ingest_without_cache(self) -> None:
        self.stop("ingest")
        Path(self.env["LUUTRU_JWKS_CACHE_PATH"]).unlink(missing_ok=True)
        self.start("ingest")
        self.wait_live("ingest")

    def close(self) -> None:
        for service in list(self.processes):
            self.stop(service)


@pytest.fixture(scope="module")
def own_platform(tmp_path_factory):
    saved = support.PG_PORT
    support.PG_PORT = PG_PORT  # recreate_database and the service URLs: the own PostgreSQL
    services = Services(tmp_path_factory.mktemp("keys-fault-logs"))
    try:
        support.seed_kafka_jars(LOCAL_DIR)
        infra("up")
        support.recreate_database(DB)
        for service in PORTS:
            services.start(service)
        for service in PORTS:
            services.wait_ready(service)
        yield services
    finally:
        services.close()
        support.PG_PORT = saved
        infra("down")


def guest(i: int) -> dict:
    return {
        "full_name": "Phạm Thị Lan",
        "date_of_birth": "1988-03-14",
        "gender": "female",
        "id_number": f"0751880{i:05d}",
        "check_in_at": "2026-11-27T21:00:00+07:00",
    }


def test_valid_tokens_get_503_while_keys_are_unavailable_then_201(own_platform):
    services = own_platform
    platform = Platform(
        urls={s: f"http://127.0.0.1:{p}" for s, p in PORTS.items()},
        admin=ADMIN,
        logs=services.logs,
    )
    manager: Account = new_facility(platform)
    token = api_token(platform, manager.username, manager.password)
    headers = {"Authorization": f"Bearer {token}"}
    url = platform.url("ingest", "/v1/stays")
    sent = iter(range(10**5))

    def check_in() -> httpx.Response:
        return httpx.post(url, json=guest(next(sent)), headers=headers, timeout=30)

    def first():  # the facility reaches ingest over facility.v1 a moment after it is created
        response = check_in()
        return None if response.status_code == 404 else response

    assert poll(first, timeout=60).status_code == 201

    answers: list[httpx.Response] = []

    def during_the_outage(n: int) -> None:
        for _ in range(n):
            answers.append(check_in())
            time.sleep(0.2)

    kill_postgres()
    # Ingest restarted without its key cache; accounts still has its key set in memory.
    services.restart_ingest_without_cache()
    during_the_outage(10)
    # accounts restarted too: no database, nothing in memory; ingest once more, no cache.
    services.stop("accounts")
    services.start("accounts")
    services.restart_ingest_without_cache()
    during_the_outage(10)

    codes = [r.status_code for r in answers]
    assert 401 not in codes, [r.text for r in answers if r.status_code == 401]
    assert set(codes) == {503}, codes
    assert all(r.headers.get("Retry-After", "").isdigit() for r in answers)
    problems = {r.json()["code"] for r in answers}
    assert "keys-unavailable" in problems, problems  # the signing keys could not be had

    infra("up")  # PostgreSQL starts again
    if services.processes["accounts"].poll() is not None:  # gave up without its database
        services.start("accounts")
    after: list[httpx.Response] = []

    def back():
        response = check_in()
        after.append(response)
        return response if response.status_code == 201 else None

    assert poll(back, timeout=120).status_code == 201
    assert 401 not in [r.status_code for r in after], [r.text for r in after]
