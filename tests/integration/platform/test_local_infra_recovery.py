"""infra/local.sh recovers from a crash: after `kill -9` of PostgreSQL or of Kafka, the first
`infra/local.sh up` starts it again and it answers.

Runs its own PostgreSQL and Kafka (own data directory under .local/, own ports), never the
shared ones: ports LUUTRU_RECOVERY_PORT_BASE (PostgreSQL), +1 (Kafka), +2 (Kafka controller);
by default LUUTRU_E2E_PORT_BASE + 500.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError
from aiokafka.structs import TopicPartition

from luutru_common.kafka_access import KafkaAccess
from tests.support import E2E_PORT_BASE, ROOT, kafka_access, seed_kafka_jars

pytestmark = [pytest.mark.infra_crash, pytest.mark.runs_long(120)]

PORT_BASE = int(os.environ.get("LUUTRU_RECOVERY_PORT_BASE", str(E2E_PORT_BASE + 500)))
PG_PORT, KAFKA_PORT, CONTROLLER_PORT = PORT_BASE, PORT_BASE + 1, PORT_BASE + 2
LOCAL_DIR = ROOT / ".local" / f"recovery-test-{PORT_BASE}"
# The one topic these tests use: what `up` does with topics is the same for one as for all of
# infra/topics.txt, and the plaintext-era script below still makes each with a JVM of its own.
TOPICS_FILE = LOCAL_DIR / "topics.txt"
ENV = {
    **os.environ,
    "LUUTRU_LOCAL_DIR": str(LOCAL_DIR),
    "LUUTRU_TOPICS_FILE": str(TOPICS_FILE),
    "LUUTRU_PG_PORT": str(PG_PORT),
    "LUUTRU_KAFKA_PORT": str(KAFKA_PORT),
    "LUUTRU_KAFKA_CONTROLLER_PORT": str(CONTROLLER_PORT),
}
# Its own broker's admin user, over TLS with its own CA.
KAFKA = kafka_access(bootstrap=f"127.0.0.1:{KAFKA_PORT}", local_dir=LOCAL_DIR)


def infra(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "infra" / "local.sh"), command],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,  # a first secured up (CA, users, ACLs) on a loaded machine
    )


def up_once() -> tuple[float, str]:
    """One `infra/local.sh up`; fails the test unless this very call succeeds."""
    started = time.monotonic()
    result = infra("up")
    assert result.returncode == 0, result.stdout + result.stderr
    return time.monotonic() - started, result.stdout


def kill_hard(pid_file: Path) -> int:
    pid = int(pid_file.read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # gone, or a zombie nobody reaps
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        time.sleep(0.05)
    return pid


async def postgres_answers() -> int:
    conn = await asyncpg.connect(
        host="127.0.0.1", port=PG_PORT, user="luutru", password="luutru", database="luutru"
    )
    try:
        return await conn.fetchval("SELECT 41 + 1")
    finally:
        await conn.close()


async def kafka_round_trip(payload: bytes, access: KafkaAccess = KAFKA) -> bytes:
    """Produce one record to alert.v1 and read it back from its offset."""
    producer = AIOKafkaProducer(**access.client_options(), acks="all")
    try:
        await producer.start()
        meta = await producer.send_and_wait("alert.v1", payload, partition=0)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(**access.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition("alert.v1", 0)
        consumer.assign([tp])
        consumer.seek(tp, meta.offset)
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        return record.value
    finally:
        await consumer.stop()


@pytest.fixture(scope="module")
def own_infra():
    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    TOPICS_FILE.write_text("alert.v1  3  delete\n")
    seed_kafka_jars(LOCAL_DIR)
    up_once()
    yield
    infra("down")


def test_up_after_postgres_killed(own_infra):
    pid = kill_hard(LOCAL_DIR / "pg" / "data" / "postmaster.pid")
    elapsed, out = up_once()
    assert "postgres: starting" in out  # really restarted, not mistaken for running
    assert asyncio.run(postgres_answers()) == 42
    new_pid = int((LOCAL_DIR / "pg" / "data" / "postmaster.pid").read_text().split()[0])
    assert new_pid != pid
    assert elapsed < 60, f"up took {elapsed:.0f}s after the crash"


def test_up_after_kafka_killed(own_infra):
    pid = kill_hard(LOCAL_DIR / "kafka" / "kafka.pid")
    elapsed, out = up_once()
    assert "kafka: starting" in out
    assert int((LOCAL_DIR / "kafka" / "kafka.pid").read_text()) != pid
    payload = f"recovered {time.time_ns()}".encode()
    assert asyncio.run(kafka_round_trip(payload)) == payload
    assert elapsed < 150, f"up took {elapsed:.0f}s after the crash"


def test_up_after_both_killed_at_once(own_infra):
    kill_hard(LOCAL_DIR / "pg" / "data" / "postmaster.pid")
    kill_hard(LOCAL_DIR / "kafka" / "kafka.pid")
    up_once()
    assert asyncio.run(postgres_answers()) == 42
    payload = b"both back"
    assert asyncio.run(kafka_round_trip(payload)) == payload


# The last infra/local.sh whose Kafka was plaintext (before issue 16's secured broker).
PLAINTEXT_INFRA_COMMIT = "537d0f1"


def test_up_secures_a_broker_that_was_made_plaintext(own_infra, tmp_path):
    """A developer's machine from before Kafka was secured: its broker runs plaintext and its
    data directory has no SCRAM users. One `up` restarts it secured, formatted again."""
    infra("down")
    shutil.rmtree(LOCAL_DIR / "kafka" / "data")  # the old script formats it, plaintext
    # The whole infra/ folder of that commit (script, Kafka pom, topics, database roles).
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PLAINTEXT_INFRA_COMMIT, "infra"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive, check=True)
    old = tmp_path / "infra"
    made = subprocess.run(
        ["bash", str(old / "local.sh"), "up"], env=ENV, capture_output=True, text=True, timeout=600
    )
    assert made.returncode == 0, made.stdout + made.stderr
    plaintext = KafkaAccess(bootstrap=KAFKA.bootstrap, security_protocol="PLAINTEXT")
    assert asyncio.run(kafka_round_trip(b"plaintext era", plaintext)) == b"plaintext era"

    _, out = up_once()
    assert "is plaintext; restarting it secured" in out
    assert "formatting it again, secured" in out
    assert asyncio.run(kafka_round_trip(b"secured")) == b"secured"
    with pytest.raises(KafkaConnectionError):
        asyncio.run(kafka_round_trip(b"refused", plaintext))
    # the service principals and their ACLs are there too
    ingest = kafka_access("luutru-ingest", bootstrap=KAFKA.bootstrap, local_dir=LOCAL_DIR)
    with pytest.raises(TopicAuthorizationFailedError):
        asyncio.run(kafka_round_trip(b"not ingest's", ingest))
