"""How a client reaches Kafka: the bootstrap servers, TLS and the SASL/SCRAM login.

Every Kafka client of the services, tools and tests is built from one `KafkaAccess`, so a
secured broker needs no setting anywhere else. Locally infra/local.sh runs the broker with
SASL_SSL and SCRAM-SHA-512 users named after the services (docs/privacy.md).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aiokafka.helpers import create_ssl_context

# What infra/local.sh, compose and Strimzi speak; PLAINTEXT only for a broker of one's own.
SECURE_PROTOCOL = "SASL_SSL"
SCRAM = "SCRAM-SHA-512"


def service_principal(service: str) -> str:
    """The Kafka user of a service: its ACLs allow its own topics and groups only."""
    return f"luutru-{service}"


def is_development_kafka_password(username: str, password: str) -> bool:
    """The passwords of infra/local.sh (the user's name) and of compose's defaults."""
    return password in {"", "luutru", "luutru-dev", username, f"{username}-dev"}


@dataclass(frozen=True)
class KafkaAccess:
    bootstrap: str
    security_protocol: str = SECURE_PROTOCOL
    username: str = ""
    password: str = ""
    # The CA that signed the broker's certificate; empty: the system's trusted CAs.
    ca_file: str = ""
    sasl_mechanism: str = SCRAM

    @cached_property
    def _ssl_context(self) -> ssl.SSLContext:
        return create_ssl_context(cafile=self.ca_file or None)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": self.security_protocol,
        }
        if self.security_protocol in ("SSL", "SASL_SSL"):
            options["ssl_context"] = self._ssl_context
        if self.security_protocol.startswith("SASL"):
            options["sasl_mechanism"] = self.sasl_mechanism
            options["sasl_plain_username"] = self.username
            options["sasl_plain_password"] = self.password
        return options
