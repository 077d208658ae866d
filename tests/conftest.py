"""Test configuration. Integration and end-to-end tests use the real PostgreSQL and Kafka that
``infra/local.sh up`` provisions (scripts/test runs it first)."""

from __future__ import annotations

import socket

import pytest

from tests.support import KAFKA_BOOTSTRAP, PG_PORT


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def infrastructure() -> None:
    kafka_port = int(KAFKA_BOOTSTRAP.rsplit(":", 1)[1])
    missing = [n for n, p in (("PostgreSQL", PG_PORT), ("Kafka", kafka_port)) if not _port_open(p)]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not running: start them with `infra/local.sh up` "
            "(scripts/test does this for you)"
        )
