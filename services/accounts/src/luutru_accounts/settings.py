from __future__ import annotations

from pydantic import model_validator

from luutru_common.settings import ServiceSettings

DEV_ADMIN_PASSWORD = "ChangeMe-2026!"


class AccountsSettings(ServiceSettings):
    service_name: str = "accounts"
    # The first police admin, created at start if absent (idempotent).
    bootstrap_admin_username: str = "admin"
    bootstrap_admin_password: str = DEV_ADMIN_PASSWORD
    access_token_ttl_s: int = 900

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> AccountsSettings:
        if self.environment == "prod" and self.bootstrap_admin_password == DEV_ADMIN_PASSWORD:
            raise ValueError("set LUUTRU_BOOTSTRAP_ADMIN_PASSWORD: the default is for dev only")
        return self
