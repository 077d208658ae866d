from __future__ import annotations

from pathlib import Path

from pydantic import model_validator

from luutru_accounts.core.passwords import PRODUCTION_MEMORY_KIB, PRODUCTION_TIME_COST
from luutru_accounts.core.sealing import DEV_SIGNING_KEK
from luutru_common.settings import ServiceSettings

DEV_ADMIN_PASSWORD = "ChangeMe-2026!"


class AccountsSettings(ServiceSettings):
    service_name: str = "accounts"
    # The first police admin, created at start if absent (idempotent).
    bootstrap_admin_username: str = "admin"
    bootstrap_admin_password: str = DEV_ADMIN_PASSWORD
    access_token_ttl_s: int = 900
    # A refresh token lives this long; each use replaces it with a new one (rotation).
    refresh_token_ttl_s: int = 12 * 3600
    # Machine clients (client credentials) get access tokens of this lifetime, no refresh.
    client_token_ttl_s: int = 900
    # A retired signing key stays in the JWKS for the access-token lifetime plus this margin
    # (clock skew), so tokens it signed keep verifying until they expire.
    signing_key_grace_s: int = 120
    # Back-off: this many failed logins for one username from one source address within the
    # window hold that pair back (the same username from elsewhere is not held) …
    login_lockout_threshold: int = 5
    # … and this many from one source address, whatever the usernames, hold the address.
    login_source_threshold: int = 20
    login_failure_window_s: int = 15 * 60
    # The first hold; each further failure doubles it, up to login_lockout_s.
    login_delay_base_s: int = 30
    login_lockout_s: int = 15 * 60
    password_min_length: int = 10
    # The argon2id cost of new password hashes: memory in KiB and passes. Only the test
    # environment may go below the production cost (the test suite hashes and checks a few
    # thousand passwords; one test keeps the production cost).
    password_hash_memory_kib: int = PRODUCTION_MEMORY_KIB
    password_hash_time_cost: int = PRODUCTION_TIME_COST
    import_max_rows: int = 5000
    import_max_bytes: int = 10 * 1024 * 1024
    # The key-encryption key that seals the token signing keys in the database: a file (a
    # mounted secret) or the value itself, base64 of 32 bytes. Extra comma-separated values
    # (older KEKs) still open keys sealed with them, for a KEK rotation. Neither set: the
    # development KEK, refused in production.
    signing_kek: str = ""
    signing_kek_file: str | None = None

    def signing_keks(self) -> list[str]:
        """The KEKs, the one that seals first."""
        values = [Path(self.signing_kek_file).read_text()] if self.signing_kek_file else []
        values += [v for v in self.signing_kek.split(",") if v.strip()]
        return values or [DEV_SIGNING_KEK]

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> AccountsSettings:
        cheaper = (
            self.password_hash_memory_kib < PRODUCTION_MEMORY_KIB
            or self.password_hash_time_cost < PRODUCTION_TIME_COST
        )
        if cheaper and self.environment != "test":
            raise ValueError(
                "LUUTRU_PASSWORD_HASH_MEMORY_KIB / LUUTRU_PASSWORD_HASH_TIME_COST below the"
                " production cost are for the test environment only"
            )
        if self.environment == "prod" and self.bootstrap_admin_password == DEV_ADMIN_PASSWORD:
            raise ValueError("set LUUTRU_BOOTSTRAP_ADMIN_PASSWORD: the default is for dev only")
        if self.environment == "prod" and DEV_SIGNING_KEK in self.signing_keks():
            raise ValueError(
                "set LUUTRU_SIGNING_KEK_FILE (or LUUTRU_SIGNING_KEK): the default is for dev only"
            )
        return self
