from __future__ import annotations

from fastapi import FastAPI

from luutru_accounts import users
from luutru_accounts.auth.endpoints import router as auth_router
from luutru_accounts.auth.keys import ensure_signing_key, jwks
from luutru_accounts.facilities.endpoints import router as facilities_router
from luutru_accounts.models import SCHEMA
from luutru_accounts.settings import AccountsSettings
from luutru_common.app import create_service_app
from luutru_common.auth import TokenVerifier
from luutru_common.db import UnitOfWork, asyncpg_dsn
from luutru_common.outbox import OutboxRelay

DESCRIPTION = """
**accounts** — sổ đăng ký cơ sở lưu trú, người dùng và vai trò, cấp mã truy cập.

Facility registry, users and roles, token issuing. Public keys for verifying tokens are at
`/.well-known/jwks.json`. Errors are `application/problem+json` (RFC 9457).
"""


def create_app(settings: AccountsSettings | None = None, *, force_workers: bool = False) -> FastAPI:
    settings = settings or AccountsSettings()
    if force_workers:
        settings = settings.model_copy(update={"embedded_workers": True})

    async def on_startup(app: FastAPI) -> None:
        async with UnitOfWork(app.state.session_factory) as uow:
            await ensure_signing_key(uow.session)
            await users.ensure_bootstrap_admin(
                uow.session,
                username=settings.bootstrap_admin_username,
                password=settings.bootstrap_admin_password,
            )
            await uow.commit()

    def workers(app: FastAPI):
        app.state.relay = OutboxRelay(
            dsn=asyncpg_dsn(settings.database_url),
            schema=SCHEMA,
            bootstrap=settings.kafka_bootstrap,
            service=settings.service_name,
            poll_interval=settings.outbox_poll_interval_s,
        )
        return [app.state.relay.run()]

    app: FastAPI | None = None

    class OwnKeysVerifier(TokenVerifier):
        """accounts verifies its own tokens from its own table, not over HTTP."""

        async def fetch_jwks(self) -> dict:
            assert app is not None
            async with UnitOfWork(app.state.session_factory) as uow:
                return await jwks(uow.session)

    app = create_service_app(
        settings=settings,
        verifier=OwnKeysVerifier(
            settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience
        ),
        title="luutru accounts",
        description=DESCRIPTION,
        routers=[auth_router, facilities_router],
        workers=workers,
        on_startup=on_startup,
    )
    return app
