"""Settings shared by every service; each service subclasses `ServiceSettings`.

All values come from the environment (prefix ``LUUTRU_``) so the same image runs on a laptop,
in compose and in Kubernetes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from luutru_common.kafka_access import (
    SCRAM,
    SECURE_PROTOCOL,
    KafkaAccess,
    is_development_kafka_password,
    service_principal,
)

# The PostgreSQL that infra/local.sh runs; its roles have development passwords (their names).
LOCAL_DATABASE = "127.0.0.1:55432/luutru"


def runtime_role(service: str) -> str:
    """The role a service's API and workers connect as: data rights on its own schema only."""
    return f"luutru_{service}"


def owner_role(service: str) -> str:
    """The role that owns a service's schema; only `luutru-<service> migrate` connects as it."""
    return f"luutru_{service}_owner"


def is_development_password(database_url: str) -> bool:
    """The passwords of infra/local.sh, compose's and the dev overlay's defaults: the role's
    own name (optionally with -dev), or the admin's `luutru`; no password at all."""
    url = make_url(database_url)
    password, user = url.password or "", url.username or ""
    return password in {"", "luutru", "luutru-dev", user, f"{user}-dev"}


def local_database_url(role: str) -> str:
    """The local PostgreSQL (infra/local.sh) as `role`, whose password is its name there."""
    return f"postgresql+asyncpg://{role}:{role}@{LOCAL_DATABASE}"


def local_kafka_ca() -> Path:
    """The CA of the broker infra/local.sh runs (made on its first start)."""
    local_dir = os.environ.get("LUUTRU_LOCAL_DIR") or Path(__file__).resolve().parents[4] / ".local"
    return Path(local_dir) / "kafka" / "tls" / "ca.pem"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_", extra="ignore")

    service_name: str = "luutru"
    environment: str = Field(default="dev", description="dev | test | prod")
    # The service's runtime role (data rights on its schema, no DDL) and, for `migrate` only,
    # the schema owner's. Unset, both are the local roles of infra/local.sh; with only
    # database_url set, migrate uses it too (one role for everything: no separation).
    database_url: str = ""
    migrate_database_url: str = ""
    # Reads that may lag a few seconds (dashboards, feeds) go here when set: a hot standby,
    # e.g. CloudNativePG's `luutru-pg-ro` service. Empty: the primary, as everything else.
    read_database_url: str = ""
    database_pool_size: int = 10
    kafka_bootstrap: str = "127.0.0.1:59092"
    # The service's own Kafka principal (SASL/SCRAM over TLS). Unset, the user is
    # luutru-<service> with the password infra/local.sh gives it (its name) and the CA is
    # infra/local.sh's when there is one, else the system's trusted CAs.
    kafka_security_protocol: str = SECURE_PROTOCOL
    kafka_sasl_mechanism: str = SCRAM
    kafka_username: str = ""
    kafka_password: str = ""
    kafka_ca_file: str = ""
    log_level: str = "INFO"
    log_json: bool = False
    # Background workers (outbox relay, consumers) run inside the API process by default;
    # set false to run them in a separate `worker` process instead.
    embedded_workers: bool = True
    # Where the public keys that sign access tokens are published (the accounts service).
    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    # The last good key set is kept here, so a restart while accounts is down still verifies
    # tokens. Empty: a file of the temporary directory named after jwks_url (in Kubernetes
    # an emptyDir that outlives container restarts).
    jwks_cache_path: str = ""
    # What no longer holds (ended sessions, disabled users, revoked clients, inactive
    # facilities), polled from accounts; empty: next to jwks_url.
    revocations_url: str = ""
    revocation_poll_s: float = 2.0
    jwt_issuer: str = "luutru-accounts"
    jwt_audience: str = "luutru"
    # Who may tell us the client's address (X-Forwarded-For): the console and the reverse
    # proxies, as addresses or networks, comma-separated (luutru_common.forwarded).
    trusted_proxies: str = "127.0.0.1,::1"
    # The largest request body of an ordinary route (JSON); the batch and upload routes set
    # their own limits (luutru_common.body_limit).
    max_body_bytes: int = 64 * 1024
    outbox_poll_interval_s: float = 1.0
    # Prepended to every consumer group id, so a test run or a second environment on the
    # same Kafka cluster keeps its own offsets.
    consumer_group_prefix: str = ""
    # Retention (docs/privacy.md): the worker applies the periods every this many seconds
    # (0: only `luutru-<service> retention` does, e.g. from a CronJob); rows per transaction.
    retention_interval_s: float = 0
    retention_batch: int = 1000
    # Periods, in days, of the classes every service has.
    processed_events_retention_days: int = 30
    # OpenTelemetry traces go to this OTLP/HTTP collector (base URL, e.g.
    # http://otel-collector:4318); empty: the standard OTEL_EXPORTER_OTLP_ENDPOINT, and with
    # neither, tracing is off (luutru_common.tracing).
    otlp_endpoint: str = ""
    # Replication of the dead-letter topics the consumers create (3 on a production cluster).
    kafka_replication_factor: int = 1

    @model_validator(mode="after")
    def _local_database_defaults(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = local_database_url(runtime_role(self.service_name))
            if not self.migrate_database_url:
                self.migrate_database_url = local_database_url(owner_role(self.service_name))
        if not self.migrate_database_url:
            self.migrate_database_url = self.database_url
        if self.environment == "prod":
            for name, url in (
                ("LUUTRU_DATABASE_URL", self.database_url),
                ("LUUTRU_MIGRATE_DATABASE_URL", self.migrate_database_url),
            ):
                if is_development_password(url):
                    raise ValueError(f"{name} has a development password: set a real one")
        self._local_kafka_defaults()
        return self

    def _local_kafka_defaults(self) -> None:
        self.kafka_username = self.kafka_username or service_principal(self.service_name)
        if self.environment == "prod":
            if self.kafka_security_protocol.startswith("SASL") and is_development_kafka_password(
                self.kafka_username, self.kafka_password
            ):
                raise ValueError("LUUTRU_KAFKA_PASSWORD is a development password: set a real one")
            return
        self.kafka_password = self.kafka_password or self.kafka_username
        if not self.kafka_ca_file and local_kafka_ca().is_file():
            self.kafka_ca_file = str(local_kafka_ca())

    def kafka(self) -> KafkaAccess:
        """How this service's Kafka clients connect: its own principal, TLS."""
        return KafkaAccess(
            bootstrap=self.kafka_bootstrap,
            security_protocol=self.kafka_security_protocol,
            username=self.kafka_username,
            password=self.kafka_password,
            ca_file=self.kafka_ca_file,
            sasl_mechanism=self.kafka_sasl_mechanism,
        )

    def jwks_cache_file(self) -> Path:
        """Where the last fetched JWKS is kept, so a restart verifies tokens while accounts is
        away."""
        if self.jwks_cache_path:
            return Path(self.jwks_cache_path)
        digest = hashlib.sha256(self.jwks_url.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"luutru-jwks-{digest}.json"

    def revocations_endpoint(self) -> str:
        """The revocation list's URL: as configured, else beside the JWKS on accounts."""
        return self.revocations_url or self.jwks_url.replace(
            "/.well-known/jwks.json", "/v1/auth/revocations"
        )

    def group_id(self, name: str) -> str:
        """A consumer group's name with the configured prefix: a test run or a second
        environment on the same cluster keeps its own offsets."""
        return f"{self.consumer_group_prefix}{name}"
