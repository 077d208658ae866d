"""Settings shared by every service; each service subclasses `ServiceSettings`.

All values come from the environment (prefix ``LUUTRU_``) so the same image runs on a laptop,
in compose and in Kubernetes.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_", extra="ignore")

    service_name: str = "luutru"
    environment: str = Field(default="dev", description="dev | test | prod")
    database_url: str = "postgresql+asyncpg://luutru:luutru@127.0.0.1:55432/luutru"
    database_pool_size: int = 10
    kafka_bootstrap: str = "127.0.0.1:59092"
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
    # Replication of the dead-letter topics the consumers create (3 on a production cluster).
    kafka_replication_factor: int = 1

    def jwks_cache_file(self) -> Path:
        if self.jwks_cache_path:
            return Path(self.jwks_cache_path)
        digest = hashlib.sha256(self.jwks_url.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"luutru-jwks-{digest}.json"

    def revocations_endpoint(self) -> str:
        return self.revocations_url or self.jwks_url.replace(
            "/.well-known/jwks.json", "/v1/auth/revocations"
        )

    def group_id(self, name: str) -> str:
        return f"{self.consumer_group_prefix}{name}"
