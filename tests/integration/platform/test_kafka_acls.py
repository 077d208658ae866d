"""The secured broker of infra/local.sh: TLS and SCRAM only, and each service's principal
limited to its own topics and groups (infra/kafka-acls.txt, docs/privacy.md)."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from luutru_common.kafka_access import KafkaAccess, service_principal
from luutru_common.settings import ServiceSettings
from tests.support import KAFKA, kafka_access


def principal(service: str) -> KafkaAccess:
    return kafka_access(service_principal(service))


def group(service: str) -> str:
    """A group of the service's own (its ACL is the service's name as a prefix)."""
    return f"{service}-acl-test-{uuid.uuid4().hex[:8]}"


async def read(access: KafkaAccess, topic: str, group_id: str) -> int:
    """Join `group_id` on `topic` from its start, read for a moment, commit; records read."""
    consumer = AIOKafkaConsumer(
        topic,
        **access.client_options(),
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    try:
        await consumer.start()
        batches = await consumer.getmany(timeout_ms=3000)
        await consumer.commit()
        assert consumer.assignment(), "joined the group but got no partitions"
        return sum(len(records) for records in batches.values())
    finally:
        await consumer.stop()


async def write(access: KafkaAccess, topic: str) -> None:
    producer = AIOKafkaProducer(**access.client_options(), enable_idempotence=True, acks="all")
    try:
        await producer.start()
        await producer.send_and_wait(topic, b"acl test: must never be written")
    finally:
        await producer.stop()


@pytest.mark.parametrize("topic", ["alert.v1", "stay.v1", "trip.v1"])
async def test_ingest_cannot_read_what_it_does_not_consume(topic):
    # alert.v1 carries watchlist hits; stay.v1 and trip.v1 are ingest's own, but written only.
    with pytest.raises(TopicAuthorizationFailedError):
        await read(principal("ingest"), topic, group("ingest"))


@pytest.mark.parametrize(
    ("service", "topic"),
    [
        ("ingest", "alert.v1"),
        ("ingest", "facility.v1"),
        ("analytics", "stay.v1"),
        ("analytics", "facility.v1"),
        ("accounts", "stay.v1"),
        ("accounts", "alert.v1"),
    ],
)
async def test_a_service_cannot_write_a_topic_it_does_not_own(service, topic):
    with pytest.raises(TopicAuthorizationFailedError):
        await write(principal(service), topic)


@pytest.mark.parametrize("topic", ["facility.v1", "stay.v1", "trip.v1"])
async def test_analytics_consumes_its_source_topics(topic):
    await read(principal("analytics"), topic, group("analytics"))


async def test_ingest_consumes_the_facility_registry():
    await read(principal("ingest"), "facility.v1", group("ingest"))


async def test_a_service_cannot_use_another_services_consumer_group():
    # analytics may read facility.v1, but not in ingest's group (it could move its offsets).
    with pytest.raises(GroupAuthorizationFailedError):
        await read(principal("analytics"), "facility.v1", group("ingest"))


async def test_the_admin_principal_reads_everything():
    await read(KAFKA, "alert.v1", f"admin-acl-test-{uuid.uuid4().hex[:8]}")


async def test_a_plaintext_client_is_refused():
    plaintext = KafkaAccess(bootstrap=KAFKA.bootstrap, security_protocol="PLAINTEXT")
    with pytest.raises(KafkaConnectionError):
        await write(plaintext, "stay.v1")


async def test_a_wrong_password_is_refused():
    impostor = KafkaAccess(
        bootstrap=KAFKA.bootstrap, username="luutru-ingest", password="guess", ca_file=KAFKA.ca_file
    )
    with pytest.raises(KafkaConnectionError):
        await write(impostor, "stay.v1")


async def test_a_broker_certificate_from_another_ca_is_refused():
    # No CA file: the system's trusted CAs, which never signed the local broker's certificate.
    untrusting = KafkaAccess(
        bootstrap=KAFKA.bootstrap, username="luutru-ingest", password="luutru-ingest"
    )
    with pytest.raises(KafkaConnectionError):
        await write(untrusting, "stay.v1")


def test_a_service_connects_as_its_own_principal_by_default(monkeypatch):
    for key in ("LUUTRU_KAFKA_USERNAME", "LUUTRU_KAFKA_PASSWORD", "LUUTRU_KAFKA_CA_FILE"):
        monkeypatch.delenv(key, raising=False)
    access = ServiceSettings(service_name="ingest").kafka()
    assert (access.username, access.password) == ("luutru-ingest", "luutru-ingest")
    assert access.security_protocol == "SASL_SSL"
    assert access.ca_file.endswith("kafka/tls/ca.pem")
    with pytest.raises(ValueError, match="LUUTRU_KAFKA_PASSWORD is a development password"):
        ServiceSettings(service_name="ingest", environment="prod", database_url=_real_db())
    real = ServiceSettings(
        service_name="ingest",
        environment="prod",
        database_url=_real_db(),
        kafka_password="a-real-one-7c1",
    )
    assert real.kafka().password == "a-real-one-7c1"


def _real_db() -> str:
    return "postgresql+asyncpg://luutru_ingest:not-a-dev-one@db/luutru"
